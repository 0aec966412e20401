/** assets.*: refusals first (validation, tenancy, roles), then CRUD, filters and search. */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addMember, createOrg, expectCode, type Member, rest } from "../../test-support/assessment-fixtures.js";
import { createHarness, type Harness } from "../../test-support/harness.js";

describe("assets", () => {
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

  it("refuses an unknown kind or a missing name, naming the field", async () => {
    await expectCode(owner.api.assets.create({ name: "dc01", kind: "printer" as "host" }), "VALIDATION", "kind");
    await expectCode(owner.api.assets.create({ name: "", kind: "host" }), "VALIDATION", "name");
  });

  it("answers NOT_FOUND for unknown ids and for another organization's assets", async () => {
    const asset = await owner.api.assets.create({ name: "dc01", kind: "host", identifier: "10.0.0.10" });
    await expectCode(owner.api.assets.get({ id: randomUUID() }), "NOT_FOUND", "id");
    await expectCode(stranger.api.assets.get({ id: asset.id }), "NOT_FOUND", "id");
    await expectCode(stranger.api.assets.update({ id: asset.id, name: "x" }), "NOT_FOUND", "id");
    await expectCode(stranger.api.assets.delete({ id: asset.id }), "NOT_FOUND", "id");
  });

  it("lets members maintain assets, but only owners and admins delete them", async () => {
    const asset = await member.api.assets.create({ name: "svc-backup", kind: "account", description: "backup" });
    const updated = await member.api.assets.update({ id: asset.id, identifier: "CORP\\svc-backup" });
    expect(updated).toMatchObject({ name: "svc-backup", kind: "account", identifier: "CORP\\svc-backup" });
    await expectCode(member.api.assets.delete({ id: asset.id }), "FORBIDDEN");
    await owner.api.assets.delete({ id: asset.id });
    await expectCode(owner.api.assets.get({ id: asset.id }), "NOT_FOUND");
  });

  it("detaches a deleted asset from activities, noting it in their history", async () => {
    const assessment = await owner.api.assessments.create({ name: "targets" });
    const asset = await owner.api.assets.create({ name: "fs01", kind: "host" });
    const keep = await owner.api.assets.create({ name: "fs02", kind: "host" });
    const activity = await owner.api.activities.create({
      assessmentId: assessment.id,
      title: "SMB share enum",
      assetIds: [asset.id, keep.id],
    });
    await owner.api.assets.delete({ id: asset.id });
    expect((await owner.api.activities.get({ id: activity.id })).assets.map((a) => a.id)).toEqual([keep.id]);
    const history = await owner.api.activities.history({ id: activity.id });
    expect(history.data[0]).toMatchObject({ field: "assetIds", newValue: [keep.id] });
  });

  it("lists by name, filtered by kind and searched in name and identifier (also over REST)", async () => {
    await owner.api.assets.create({ name: "web-portal", kind: "application", identifier: "https://portal.corp" });
    await owner.api.assets.create({ name: "dmz", kind: "network", identifier: "192.168.50.0/24" });
    const networks = await owner.api.assets.list({ kind: "network" });
    expect(networks.data.map((a) => a.name)).toEqual(["dmz"]);
    const byIdentifier = await owner.api.assets.list({ q: "portal.corp" });
    expect(byIdentifier.data.map((a) => a.name)).toEqual(["web-portal"]);
    const literal = await owner.api.assets.list({ q: "%" });
    expect(literal.data).toEqual([]);
    const res = await rest(h, owner, "GET", "/assets?kind=application");
    expect(res.status).toBe(200);
    expect(res.body.pagination.total).toBe(1);
  });
});
