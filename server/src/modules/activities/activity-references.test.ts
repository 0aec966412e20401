/**
 * What an activity may name, checked on create and update through both doors: technique ids
 * the loaded ATT&CK data knows (revoked and deprecated ones flagged), a tactic that belongs to
 * its techniques (derived when none is given, so statistics and the Navigator never file it
 * under "null"), and knowledge-base articles of its own organization only.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readMigrations } from "../../db/migration-files.js";
import { createOrg, createTeam, expectCode, rest } from "../../test-support/assessment-fixtures.js";
import { createHarness, type Harness } from "../../test-support/harness.js";

describe("activity references", () => {
  let h: Harness;
  let team: Awaited<ReturnType<typeof createTeam>>;
  const create = (input: Record<string, unknown>) =>
    team.lead.api.activities.create({ assessmentId: team.assessmentId, title: "Planned", ...input });

  beforeAll(async () => {
    h = await createHarness({}, { attack: true });
    team = await createTeam(h);
  });
  afterAll(() => h.close());

  describe("technique ids", () => {
    it("refuses an id ATT&CK does not know, naming the field, on both doors; nothing is stored", async () => {
      await expectCode(create({ techniques: ["T9999.999"] }), "VALIDATION", "techniques.0");
      const viaRest = await rest(h, team.lead, "POST", `/assessments/${team.assessmentId}/activities`, {
        title: "Planned",
        techniques: ["T1059", "T9999"],
      });
      expect(viaRest.status).toBe(400);
      expect(viaRest.body.errors).toEqual([
        { code: "VALIDATION", field: "techniques.1", message: expect.stringContaining("T9999") },
      ]);
      const page = await team.lead.api.activities.list({ assessmentId: team.assessmentId });
      expect(page.data).toEqual([]);

      const a = await create({ techniques: ["T1059"] });
      await expectCode(
        team.lead.api.activities.update({ id: a.id, techniques: ["T1059", "T1003.999"] }),
        "VALIDATION",
        "techniques.1",
      );
      expect((await team.lead.api.activities.get({ id: a.id })).techniques).toEqual(["T1059"]);
    });

    it("accepts revoked and deprecated ids and flags them on the activity", async () => {
      // T1002 (Data Compressed) is revoked in ATT&CK 18.1; T1043 (Commonly Used Port) deprecated.
      const a = await create({ techniques: ["T1560", "T1002", "T1043"] });
      expect(a.techniques).toEqual(["T1560", "T1002", "T1043"]);
      expect(a.techniqueWarnings).toEqual([
        { id: "T1002", reason: "revoked" },
        { id: "T1043", reason: "deprecated" },
      ]);
      const listed = await team.lead.api.activities.list({ assessmentId: team.assessmentId, technique: "T1002" });
      expect(listed.data[0]?.techniqueWarnings).toEqual(a.techniqueWarnings);
      expect((await create({ techniques: ["T1059"] })).techniqueWarnings).toEqual([]);
    });
  });

  describe("tactics", () => {
    it("derives the tactic of an activity given techniques but no tactic: the first technique's first in matrix order", async () => {
      expect((await create({ techniques: ["T1003.001"] })).tactic).toBe("credential-access");
      // T1055 is privilege-escalation and defense-evasion; privilege-escalation comes first in the matrix.
      expect((await create({ techniques: ["T1055", "T1003.001"] })).tactic).toBe("privilege-escalation");
      expect((await create({ techniques: ["T1059"], tactic: null })).tactic).toBe("execution");
      expect((await create({})).tactic).toBeNull();
    });

    it("refuses a tactic that is not one of the techniques' tactics, or not a tactic at all", async () => {
      await expectCode(create({ techniques: ["T1003.001"], tactic: "impact" }), "VALIDATION", "tactic");
      await expectCode(create({ tactic: "made-up-tactic" }), "VALIDATION", "tactic");
      // One of several techniques is enough.
      expect((await create({ techniques: ["T1003.001", "T1055"], tactic: "defense-evasion" })).tactic).toBe(
        "defense-evasion",
      );
      expect((await create({ tactic: "discovery" })).tactic).toBe("discovery");
    });

    it("keeps the tactic through updates while it fits, and re-derives it when the techniques leave it behind", async () => {
      const api = team.lead.api.activities;
      const a = await create({ techniques: ["T1055"], tactic: "defense-evasion" });
      expect((await api.update({ id: a.id, techniques: ["T1055", "T1059"] })).tactic).toBe("defense-evasion");
      expect((await api.update({ id: a.id, techniques: ["T1087"] })).tactic).toBe("discovery");
      await expectCode(api.update({ id: a.id, tactic: "execution" }), "VALIDATION", "tactic");
      expect((await api.update({ id: a.id, tactic: null })).tactic).toBe("discovery");
      const history = await api.history({ id: a.id });
      expect(history.data.map((e) => [e.field, e.oldValue, e.newValue])).toContainEqual([
        "tactic",
        "defense-evasion",
        "discovery",
      ]);
    });

    it("derives the tactic of activities saved without one before (migration derive_activity_tactics)", async () => {
      const { lead, assessmentId, orgId } = await createTeam(h);
      const legacy = await Promise.all(
        [["T9999"], ["T9999", "T1055", "T1003.001"], []].map((techniques, i) =>
          h.deps.db.prisma.activity.create({
            data: { organizationId: orgId, assessmentId, position: i + 1, title: `Legacy ${i}`, techniques },
          }),
        ),
      );
      const migration = (await readMigrations()).find((m) => m.name.endsWith("_derive_activity_tactics"));
      await h.deps.db.query(migration?.script ?? "missing migration");
      const tactics = await Promise.all(legacy.map(async (a) => (await lead.api.activities.get({ id: a.id })).tactic));
      expect(tactics).toEqual([null, "privilege-escalation", null]);
    });

    it("files an activity planned with a technique alone under its tactic in statistics and the Navigator layer", async () => {
      const { lead, assessmentId } = await createTeam(h);
      await lead.api.activities.create({ assessmentId, title: "PowerShell", techniques: ["T1059.001"] });
      const statistics = await lead.api.statistics.assessment({ assessmentId });
      expect(statistics.tactics.map((t) => t.tactic)).toEqual(["execution"]);
      const layer = await lead.api.exports.navigatorLayer({ assessmentId });
      expect(layer.techniques.map((t) => [t.techniqueID, t.tactic])).toEqual([["T1059.001", "execution"]]);
    });
  });

  describe("knowledge-base articles", () => {
    it("refuses another organization's article ids with NOT_FOUND on create and update, as tags and assets", async () => {
      const stranger = await createOrg(h);
      const theirs = await stranger.owner.api.kb.articles.create({ title: "Their runbook" });
      const ours = await team.lead.api.kb.articles.create({ title: "Our runbook" });
      await expectCode(create({ knowledgeBaseArticleIds: [theirs.id] }), "NOT_FOUND", "knowledgeBaseArticleIds");
      const viaRest = await rest(h, team.lead, "POST", `/assessments/${team.assessmentId}/activities`, {
        title: "Planned",
        knowledgeBaseArticleIds: [ours.id, theirs.id],
      });
      expect([viaRest.status, viaRest.body.errors?.[0]?.field]).toEqual([404, "knowledgeBaseArticleIds"]);
      expect(JSON.stringify(viaRest.body)).not.toContain("Their runbook");

      const a = await create({ knowledgeBaseArticleIds: [ours.id] });
      expect(a.knowledgeBaseArticleIds).toEqual([ours.id]);
      await expectCode(
        team.lead.api.activities.update({ id: a.id, knowledgeBaseArticleIds: [ours.id, theirs.id] }),
        "NOT_FOUND",
        "knowledgeBaseArticleIds",
      );
      expect((await team.lead.api.activities.get({ id: a.id })).knowledgeBaseArticleIds).toEqual([ours.id]);
    });
  });
});
