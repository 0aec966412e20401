/** activityGroups.*: refusals first, then phases in order, concurrent moves, and deleting a phase. */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createOrg, createTeam, expectCode, type Member, rest } from "../../test-support/assessment-fixtures.js";
import { createHarness, type Harness } from "../../test-support/harness.js";

describe("activity groups", () => {
  let h: Harness;
  let team: Awaited<ReturnType<typeof createTeam>>;
  let stranger: Member;
  beforeAll(async () => {
    h = await createHarness();
    team = await createTeam(h);
    stranger = (await createOrg(h)).owner;
  });
  afterAll(() => h.close());

  it("validates input, naming the field", async () => {
    await expectCode(
      team.lead.api.activityGroups.create({ assessmentId: team.assessmentId, name: "" }),
      "VALIDATION",
      "name",
    );
    await expectCode(
      team.lead.api.activityGroups.create({ assessmentId: "x", name: "a" }),
      "VALIDATION",
      "assessmentId",
    );
    await expectCode(team.lead.api.activityGroups.move({ id: "x" }), "VALIDATION", "id");
  });

  it("answers NOT_FOUND for unknown ids and another organization's ids", async () => {
    const mine = await team.lead.api.activityGroups.create({ assessmentId: team.assessmentId, name: "Recon" });
    for (const id of [randomUUID(), mine.id]) {
      const who = id === mine.id ? stranger : team.lead;
      await expectCode(who.api.activityGroups.update({ id, name: "x" }), "NOT_FOUND", "id");
      await expectCode(who.api.activityGroups.move({ id }), "NOT_FOUND", "id");
      await expectCode(who.api.activityGroups.delete({ id }), "NOT_FOUND", "id");
    }
    await expectCode(
      stranger.api.activityGroups.list({ assessmentId: team.assessmentId }),
      "NOT_FOUND",
      "assessmentId",
    );
    await expectCode(
      stranger.api.activityGroups.create({ assessmentId: team.assessmentId, name: "x" }),
      "NOT_FOUND",
      "assessmentId",
    );
    await expectCode(team.outsider.api.activityGroups.update({ id: mine.id, name: "x" }), "NOT_FOUND", "id");
  });

  it("lets only the lead create, edit, move and delete; others read", async () => {
    const g = await team.lead.api.activityGroups.create({ assessmentId: team.assessmentId, name: "Exec" });
    for (const who of [team.red, team.blue, team.spectator]) {
      await expectCode(who.api.activityGroups.create({ assessmentId: team.assessmentId, name: "x" }), "FORBIDDEN");
      await expectCode(who.api.activityGroups.update({ id: g.id, name: "x" }), "FORBIDDEN");
      await expectCode(who.api.activityGroups.move({ id: g.id }), "FORBIDDEN");
      await expectCode(who.api.activityGroups.delete({ id: g.id }), "FORBIDDEN");
      expect((await who.api.activityGroups.list({ assessmentId: team.assessmentId })).data.map((x) => x.id)).toContain(
        g.id,
      );
    }
  });

  it("keeps phases in order through moves, and renames them", async () => {
    const { lead, assessmentId } = await createTeam(h);
    const mk = (name: string) => lead.api.activityGroups.create({ assessmentId, name });
    const a = await mk("A");
    const b = await mk("B");
    const c = await mk("C");
    const order = async () => (await lead.api.activityGroups.list({ assessmentId })).data.map((g) => g.name);
    expect(await order()).toEqual(["A", "B", "C"]);
    await lead.api.activityGroups.move({ id: c.id, beforeId: a.id });
    await lead.api.activityGroups.move({ id: a.id, afterId: b.id });
    expect(await order()).toEqual(["C", "B", "A"]);
    await lead.api.activityGroups.update({ id: b.id, name: "Bravo", description: "second" });
    expect(await order()).toEqual(["C", "Bravo", "A"]);
    const res = await rest(h, lead, "POST", `/activity-groups/${c.id}/move`, {});
    expect(res.status).toBe(200);
    expect(await order()).toEqual(["Bravo", "A", "C"]);
  });

  it("keeps one consistent total order under concurrent moves", async () => {
    const { lead, assessmentId } = await createTeam(h);
    const ids: string[] = [];
    for (let i = 0; i < 8; i++) ids.push((await lead.api.activityGroups.create({ assessmentId, name: `G${i}` })).id);
    const at = (i: number) => ids[i] as string;
    await Promise.all([
      lead.api.activityGroups.move({ id: at(7), beforeId: at(0) }),
      lead.api.activityGroups.move({ id: at(6), beforeId: at(0) }),
      lead.api.activityGroups.move({ id: at(5), afterId: at(0) }),
      lead.api.activityGroups.move({ id: at(4), afterId: at(0) }),
      lead.api.activityGroups.move({ id: at(3), beforeId: at(1) }),
      lead.api.activityGroups.move({ id: at(2), beforeId: at(1) }),
      lead.api.activityGroups.move({ id: at(1) }),
      lead.api.activityGroups.move({ id: at(0) }),
    ]);
    const rows = await h.deps.db.prisma.activityGroup.findMany({
      where: { assessmentId },
      orderBy: { position: "asc" },
    });
    expect(rows).toHaveLength(8);
    expect(new Set(rows.map((r) => r.position)).size).toBe(8);
    const listed = (await lead.api.activityGroups.list({ assessmentId })).data.map((g) => g.id);
    expect(listed).toEqual(rows.map((r) => r.id));
    expect([...listed].sort()).toEqual([...ids].sort());
  });

  it("deletes a phase and keeps its activities, ungrouped, with the change in their history", async () => {
    const { lead, assessmentId } = await createTeam(h);
    const g = await lead.api.activityGroups.create({ assessmentId, name: "Doomed" });
    const a = await lead.api.activities.create({ assessmentId, groupId: g.id, title: "Stays" });
    expect((await lead.api.activityGroups.list({ assessmentId })).data[0]?.activityCount).toBe(1);
    await lead.api.activityGroups.delete({ id: g.id });
    expect((await lead.api.activityGroups.list({ assessmentId })).data).toEqual([]);
    const after = await lead.api.activities.get({ id: a.id });
    expect(after.groupId).toBeNull();
    const history = await lead.api.activities.history({ id: a.id });
    expect(history.data[0]).toMatchObject({ field: "groupId", oldValue: g.id, newValue: null });
  });
});
