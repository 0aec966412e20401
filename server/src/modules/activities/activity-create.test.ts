/**
 * activities.create through the doors a user uses (tRPC and REST), as written in one round
 * trip (activity-insert.ts, the create_activity function): positions under concurrent creates,
 * refused callers and references (nothing written), the history row, and the answer (the
 * same activity a read returns). Runs on PGlite and, with TEST_DATABASE_URL, on PostgreSQL,
 * where the parallel creates really race for the assessment's lock.
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createOrg, createTeam, expectCode, type Member, rest } from "../../test-support/assessment-fixtures.js";
import { createHarness, type Harness } from "../../test-support/harness.js";

describe("activities.create", () => {
  let h: Harness;
  let team: Awaited<ReturnType<typeof createTeam>>;
  let stranger: Member;
  beforeAll(async () => {
    h = await createHarness({}, { attack: true });
    team = await createTeam(h);
    stranger = (await createOrg(h)).owner;
  });
  afterAll(() => h.close());

  const restCreate = (who: Member, assessmentId: string, body: Record<string, unknown>) =>
    rest(h, who, "POST", `/assessments/${assessmentId}/activities`, body);

  /** Rows of the assessment's activities and their history, straight from the database. */
  async function written(assessmentId: string) {
    const [row] = await h.deps.db.query<{ activities: number; history: number; links: number }>(
      `SELECT (SELECT count(*)::int FROM activities WHERE "assessmentId" = $1::uuid) AS activities,
         (SELECT count(*)::int FROM activity_history y JOIN activities a ON a.id = y."activityId"
           WHERE a."assessmentId" = $1::uuid) AS history,
         (SELECT count(*)::int FROM activity_tags x JOIN activities a ON a.id = x."activityId"
           WHERE a."assessmentId" = $1::uuid) AS links`,
      [assessmentId],
    );
    return row;
  }

  it("gives 20 parallel creates in one assessment distinct positions, in order after the existing ones", async () => {
    const { lead, assessmentId } = await createTeam(h);
    const first = await lead.api.activities.create({ assessmentId, title: "Existing" });
    const created = await Promise.all(
      Array.from({ length: 20 }, async (_, i) => {
        const title = `Parallel ${i}`;
        if (i % 2 === 0) return lead.api.activities.create({ assessmentId, title, techniques: ["T1059.001"] });
        const res = await restCreate(lead, assessmentId, { title });
        expect(res.status).toBe(200);
        return res.body as { id: string; position: number };
      }),
    );
    const positions = created.map((a) => a.position);
    expect(new Set(positions).size).toBe(20);
    expect(Math.min(...positions)).toBeGreaterThan(first.position);
    const page = await lead.api.activities.list({ assessmentId, pageSize: 100 });
    expect(page.data.map((a) => a.id)).toEqual([
      first.id,
      ...[...created].sort((a, b) => a.position - b.position).map((a) => a.id),
    ]);
    // Each one a step after the one before it: every create read the last position under the lock.
    const listed = page.data.map((a) => a.position);
    expect(listed.slice(1).map((p, i) => p - (listed[i] ?? 0))).toEqual(Array(20).fill(1024));
  });

  it("refuses callers without manage:activities on the assessment, and writes nothing", async () => {
    const before = await written(team.assessmentId);
    const input = { assessmentId: team.assessmentId, title: "Not yours" };
    // A member the assessment is not shared with, and another organization's owner: NOT_FOUND.
    await expectCode(team.outsider.api.activities.create(input), "NOT_FOUND", "assessmentId");
    await expectCode(stranger.api.activities.create(input), "NOT_FOUND", "assessmentId");
    // Roles on the assessment without the permission (spectator, red, blue): FORBIDDEN.
    for (const member of [team.spectator, team.red, team.blue]) {
      await expectCode(member.api.activities.create(input), "FORBIDDEN");
    }
    for (const [who, status] of [
      [team.outsider, 404],
      [stranger, 404],
      [team.spectator, 403],
    ] as const) {
      const res = await restCreate(who, team.assessmentId, { title: "Not yours" });
      expect([res.status, res.body.errors?.[0]?.code]).toEqual([status, status === 404 ? "NOT_FOUND" : "FORBIDDEN"]);
      if (status === 404) expect(res.body.errors[0].field).toBe("assessmentId");
    }
    // An unknown assessment, and a deleted one.
    await expectCode(
      team.lead.api.activities.create({ ...input, assessmentId: randomUUID() }),
      "NOT_FOUND",
      "assessmentId",
    );
    const gone = await team.lead.api.assessments.create({ name: "Gone" });
    await team.lead.api.assessments.delete({ id: gone.id });
    await expectCode(team.lead.api.activities.create({ ...input, assessmentId: gone.id }), "NOT_FOUND", "assessmentId");
    expect(await written(team.assessmentId)).toEqual(before);
    expect((await written(gone.id))?.activities).toBe(0);
  });

  it("refuses references outside the organization or assessment, naming the field, and writes nothing", async () => {
    const api = team.lead.api;
    const ourTag = await api.tags.create({ name: "ours" });
    const theirTag = await stranger.api.tags.create({ name: "theirs" });
    const theirAsset = await stranger.api.assets.create({ name: "their host", kind: "host" });
    const theirArticle = await stranger.api.kb.articles.create({ title: "Their runbook" });
    const other = await api.assessments.create({ name: "Other" });
    const otherGroup = await api.activityGroups.create({ assessmentId: other.id, name: "Their phase" });
    const before = await written(team.assessmentId);
    const create = (extra: Record<string, unknown>) =>
      api.activities.create({ assessmentId: team.assessmentId, title: "Bad reference", ...extra });

    await expectCode(create({ groupId: otherGroup.id }), "NOT_FOUND", "groupId");
    await expectCode(create({ tagIds: [ourTag.id, theirTag.id] }), "NOT_FOUND", "tagIds");
    await expectCode(create({ tagIds: [randomUUID()] }), "NOT_FOUND", "tagIds");
    await expectCode(create({ assetIds: [theirAsset.id] }), "NOT_FOUND", "assetIds");
    await expectCode(create({ knowledgeBaseArticleIds: [theirArticle.id] }), "NOT_FOUND", "knowledgeBaseArticleIds");
    await expectCode(create({ techniques: ["T1059", "T9999"] }), "VALIDATION", "techniques.1");
    await expectCode(create({ techniques: ["T1003.001"], tactic: "impact" }), "VALIDATION", "tactic");
    // The first check that fails is the one reported, in the order they have always run.
    await expectCode(create({ groupId: otherGroup.id, tagIds: [theirTag.id] }), "NOT_FOUND", "groupId");
    await expectCode(create({ tagIds: [theirTag.id], techniques: ["T9999"] }), "NOT_FOUND", "tagIds");
    const viaRest = await restCreate(team.lead, team.assessmentId, { title: "Bad", assetIds: [theirAsset.id] });
    expect([viaRest.status, viaRest.body.errors?.[0]?.field]).toEqual([404, "assetIds"]);
    expect(JSON.stringify(viaRest.body)).not.toContain("their host");
    expect(await written(team.assessmentId)).toEqual(before);
  });

  it("writes the 'created' history row, by the caller, through both doors", async () => {
    const viaTrpc = await team.lead.api.activities.create({ assessmentId: team.assessmentId, title: "Logged" });
    const viaRest = await restCreate(team.lead, team.assessmentId, { title: "Logged too" });
    for (const [id, title] of [
      [viaTrpc.id, "Logged"],
      [viaRest.body.id as string, "Logged too"],
    ]) {
      const history = await team.lead.api.activities.history({ id: id as string });
      expect(history.data.map((e) => [e.field, e.actorId, e.oldValue, e.newValue])).toEqual([
        ["created", team.lead.id, null, { title }],
      ]);
    }
  });

  it("answers the full activity, as a read of it returns it", async () => {
    const api = team.lead.api;
    const group = await api.activityGroups.create({ assessmentId: team.assessmentId, name: "Initial access" });
    const [zulu, alpha] = await Promise.all([api.tags.create({ name: "zulu" }), api.tags.create({ name: "alpha" })]);
    const asset = await api.assets.create({ name: "dc01", kind: "host", identifier: "10.0.0.1" });
    const article = await api.kb.articles.create({ title: "Runbook" });
    const created = await api.activities.create({
      assessmentId: team.assessmentId,
      groupId: group.id,
      title: "  Dump LSASS  ",
      description: "with procdump",
      // T1002 is revoked in ATT&CK 18.1: accepted and flagged.
      techniques: ["T1003.001", "T1002"],
      tagIds: [zulu.id, alpha.id],
      assetIds: [asset.id],
      knowledgeBaseArticleIds: [article.id],
      expectations: { logged: true, alerted: true, expectedSeverity: "high" },
    });
    expect(created).toMatchObject({
      title: "Dump LSASS",
      groupId: group.id,
      tactic: "credential-access",
      status: "planned",
      createdById: team.lead.id,
      tags: [
        { id: alpha.id, name: "alpha" },
        { id: zulu.id, name: "zulu" },
      ],
      assets: [{ id: asset.id, name: "dc01", kind: "host", identifier: "10.0.0.1" }],
      techniqueWarnings: [{ id: "T1002", reason: "revoked" }],
      red: {
        expectations: { logged: true, prevented: false, alerted: true, notified: false, expectedSeverity: "high" },
      },
    });
    expect(await api.activities.get({ id: created.id })).toEqual(created);
    const viaRest = await restCreate(team.lead, team.assessmentId, { title: "Plain" });
    expect(viaRest.body).toEqual(await api.activities.get({ id: viaRest.body.id }));
  });
});
