/**
 * imports.assessmentJson checks what a document names outside itself as activities.create
 * does: technique ids ATT&CK knows and tactics that fit them (a problem per item, by path;
 * nothing imported), missing tactics derived, revoked techniques imported with a warning, and
 * knowledge-base article ids of the importing organization only.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createOrg, createTeam, failure, rest } from "../../test-support/assessment-fixtures.js";
import { createHarness, type Harness } from "../../test-support/harness.js";

const documentWith = (activities: Record<string, unknown>[]) => ({
  format: "assay.assessment",
  version: 1,
  assessment: { name: "Imported" },
  activities: activities.map((a, i) => ({ ref: `a${i + 1}`, title: `Activity ${i + 1}`, ...a })),
});

describe("import references", () => {
  let h: Harness;
  let team: Awaited<ReturnType<typeof createTeam>>;
  const assessments = () => h.deps.db.prisma.assessment.count({ where: { organizationId: team.orgId } });

  beforeAll(async () => {
    h = await createHarness({}, { attack: true });
    team = await createTeam(h);
  });
  afterAll(() => h.close());

  it("refuses unknown technique ids and tactics that fit no technique, one problem per item; nothing is imported", async () => {
    const before = await assessments();
    const document = documentWith([
      { techniques: ["T1059"] },
      { techniques: ["T1003.001", "T9999.999"] },
      { tactic: "impact", techniques: ["T1087"] },
    ]);
    const refused = await failure(team.lead.api.imports.assessmentJson({ document }));
    expect(refused.code).toBe("VALIDATION");
    expect(refused.fields).toEqual(["activities[1].techniques[1]", "activities[2].tactic"]);
    const viaRest = await rest(h, team.lead, "POST", "/assessments/import", { document });
    expect(viaRest.status).toBe(400);
    expect(viaRest.body.errors.map((e: { field: string }) => e.field)).toEqual(refused.fields);
    expect(await assessments()).toBe(before);
  });

  it("derives missing tactics and imports revoked techniques with a warning", async () => {
    const result = await team.lead.api.imports.assessmentJson({
      document: documentWith([{ techniques: ["T1003.001"] }, { techniques: ["T1087", "T1002"], tactic: "discovery" }]),
    });
    expect(result.warnings).toEqual([
      { field: "activities[1].techniques[1]", message: expect.stringContaining("revoked") },
    ]);
    const page = await team.lead.api.activities.list({ assessmentId: result.assessment.id });
    expect(page.data.map((a) => [a.tactic, a.techniques, a.techniqueWarnings])).toEqual([
      ["credential-access", ["T1003.001"], []],
      ["discovery", ["T1087", "T1002"], [{ id: "T1002", reason: "revoked" }]],
    ]);
  });

  it("refuses another organization's knowledge-base article ids with NOT_FOUND by path; keeps its own", async () => {
    const stranger = await createOrg(h);
    const theirs = await stranger.owner.api.kb.articles.create({ title: "Their runbook" });
    const ours = await team.lead.api.kb.articles.create({ title: "Our runbook" });
    const before = await assessments();
    const refused = await failure(
      team.lead.api.imports.assessmentJson({
        document: documentWith([
          { knowledgeBaseArticleIds: [ours.id] },
          { knowledgeBaseArticleIds: [ours.id, theirs.id] },
        ]),
      }),
    );
    expect(refused).toMatchObject({ code: "NOT_FOUND", fields: ["activities[1].knowledgeBaseArticleIds[1]"] });
    expect(refused.message).not.toContain("Their runbook");
    expect(await assessments()).toBe(before);

    const imported = await team.lead.api.imports.assessmentJson({
      document: documentWith([{ knowledgeBaseArticleIds: [ours.id] }]),
    });
    const [activity] = (await team.lead.api.activities.list({ assessmentId: imported.assessment.id })).data;
    expect(activity?.knowledgeBaseArticleIds).toEqual([ours.id]);
  });
});
