/** tags.*: refusals first (validation, tenancy, roles), then CRUD and search. */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addMember, createOrg, expectCode, type Member, rest } from "../../test-support/assessment-fixtures.js";
import { createHarness, type Harness } from "../../test-support/harness.js";

describe("tags", () => {
  let h: Harness;
  let owner: Member;
  let member: Member;
  let stranger: Member;
  beforeAll(async () => {
    h = await createHarness();
    const org = await createOrg(h);
    owner = org.owner;
    member = await addMember(h, org.id);
    stranger = (await createOrg(h)).owner;
  });
  afterAll(() => h.close());

  it("refuses a bad colour or an empty name, naming the field", async () => {
    await expectCode(owner.api.tags.create({ name: "x", color: "red" }), "VALIDATION", "color");
    await expectCode(owner.api.tags.create({ name: "  ", color: "#ff0000" }), "VALIDATION", "name");
  });

  it("refuses a second tag with the same name in any case (CONFLICT on name)", async () => {
    await owner.api.tags.create({ name: "Ransomware", color: "#aa0000" });
    await expectCode(member.api.tags.create({ name: "ransomware" }), "CONFLICT", "name");
  });

  it("answers NOT_FOUND for unknown ids and for another organization's tags", async () => {
    const tag = await owner.api.tags.create({ name: "Mine", color: "#00aa00" });
    await expectCode(owner.api.tags.get({ id: randomUUID() }), "NOT_FOUND", "id");
    await expectCode(stranger.api.tags.get({ id: tag.id }), "NOT_FOUND", "id");
    await expectCode(stranger.api.tags.update({ id: tag.id, name: "stolen" }), "NOT_FOUND", "id");
    await expectCode(stranger.api.tags.delete({ id: tag.id }), "NOT_FOUND", "id");
    expect((await stranger.api.tags.list()).data.map((t) => t.id)).not.toContain(tag.id);
  });

  it("lets members create and edit tags, but only owners and admins delete them", async () => {
    const tag = await member.api.tags.create({ name: "Phishing", colour: "#1F6FEB" });
    expect(tag.color).toBe("#1f6feb");
    const renamed = await member.api.tags.update({ id: tag.id, name: "Initial access", color: "#000000" });
    expect(renamed).toMatchObject({ name: "Initial access", color: "#000000" });
    await expectCode(member.api.tags.delete({ id: tag.id }), "FORBIDDEN");
    await owner.api.tags.delete({ id: tag.id });
    await expectCode(owner.api.tags.get({ id: tag.id }), "NOT_FOUND");
  });

  it("removes a deleted tag from assessments and activities, noting it in the activities' history", async () => {
    const tag = await owner.api.tags.create({ name: "doomed" });
    const assessment = await owner.api.assessments.create({ name: "tagged", tagIds: [tag.id] });
    const activity = await owner.api.activities.create({ assessmentId: assessment.id, title: "x", tagIds: [tag.id] });
    await owner.api.tags.delete({ id: tag.id });
    expect((await owner.api.assessments.get({ id: assessment.id })).tags).toEqual([]);
    expect((await owner.api.activities.get({ id: activity.id })).tags).toEqual([]);
    const history = await owner.api.activities.history({ id: activity.id });
    expect(history.data[0]).toMatchObject({ field: "tagIds", oldValue: [tag.id], newValue: [] });
  });

  it("lists by name with search, and answers over REST", async () => {
    await owner.api.tags.create({ name: "Lateral movement" });
    const found = await owner.api.tags.list({ q: "lateral" });
    expect(found.data.map((t) => t.name)).toEqual(["Lateral movement"]);
    expect(found.data[0]?.color).toBe("#6b7280");
    const res = await rest(h, owner, "GET", "/tags?q=lateral");
    expect(res.status).toBe(200);
    expect(res.body.data[0].name).toBe("Lateral movement");
    const created = await rest(h, owner, "POST", "/tags", { name: "Exfil", color: "#123456" });
    expect(created.status).toBe(200);
    const noOrg = await h.app.request("/api/v1/tags", {
      headers: { authorization: owner.headers.authorization as string },
    });
    expect(noOrg.status).toBe(400);
  });
});
