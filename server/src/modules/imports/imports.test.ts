/**
 * imports.assessmentJson: a document becomes a new assessment led by the importer, tags and
 * assets are reused or created, people are matched by email; every problem is reported with
 * its JSON path and then nothing is written; a failure inside the transaction leaves nothing
 * behind; tenancy.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { addMember, createOrg, createTeam, expectCode, failure, rest } from "../../test-support/assessment-fixtures.js";
import { createHarness, type Harness } from "../../test-support/harness.js";

const minimal = (extra: Record<string, unknown> = {}) => ({
  format: "assay.assessment",
  version: 1,
  assessment: { name: "Imported" },
  ...extra,
});

describe("imports", () => {
  let h: Harness;
  let team: Awaited<ReturnType<typeof createTeam>>;
  const prisma = () => h.deps.db.prisma;

  /** Rows an import writes, to prove a refused one wrote none. */
  async function footprint(orgId: string) {
    const where = { organizationId: orgId };
    const [assessments, activities, groups, tags, assets, comments] = await Promise.all([
      prisma().assessment.count({ where }),
      prisma().activity.count({ where }),
      prisma().activityGroup.count({ where }),
      prisma().tag.count({ where }),
      prisma().asset.count({ where }),
      prisma().activityComment.count({ where }),
    ]);
    return { assessments, activities, groups, tags, assets, comments };
  }

  beforeAll(async () => {
    h = await createHarness({}, { attack: true });
    team = await createTeam(h);
  });
  afterAll(() => h.close());

  const document = () =>
    minimal({
      assessment: { name: "From the field", description: "d", status: "completed", tags: ["external"] },
      tags: [
        { name: "external", color: "#123456", description: "" },
        { name: "existing", color: "#654321", description: "ignored: the organization's tag wins" },
      ],
      assets: [
        { name: "dc01", kind: "host", identifier: "10.0.0.1", description: "" },
        { name: "dc01", kind: "account", identifier: "", description: "" },
      ],
      groups: [{ ref: "p1", name: "Initial access" }],
      activities: [
        {
          ref: "x",
          group: "p1",
          title: "Phish",
          tactic: "initial-access",
          techniques: ["T1566.001"],
          status: "evaluated",
          tags: ["existing", "external"],
          assets: [{ name: "dc01", kind: "host" }],
          red: { executedAt: "2026-03-02T10:00:00Z", executedByUser: team.red.email.toUpperCase() },
          blue: { outcome: "alerted", alertSeverity: "high", detectedAt: "2026-03-02T10:05:00+01:00" },
          evaluation: {
            results: { detection: "pass" },
            evaluatedAt: "2026-03-03T00:00:00Z",
            evaluatedBy: "gone@example.com",
          },
          comments: [
            { author: team.blue.email, body: "seen in the SIEM", createdAt: "2026-03-02T11:00:00Z" },
            { author: "gone@example.com", body: "old note", createdAt: "2026-03-02T12:00:00Z" },
          ],
        },
        { ref: "y", title: "Plain" },
      ],
    });

  it("creates a new assessment led by the importer, reusing and creating tags and assets", async () => {
    const member = await addMember(h, team.orgId);
    await prisma().tag.create({ data: { organizationId: team.orgId, name: "existing", color: "#000000" } });
    const host = await prisma().asset.create({
      data: { organizationId: team.orgId, name: "dc01", kind: "host", identifier: "10.0.0.1" },
    });
    const result = await member.api.imports.assessmentJson({ document: document() });
    expect(result.assessment).toMatchObject({ name: "From the field", status: "completed", role: "lead" });
    expect(result.assessment.ownerId).toBe(member.id);
    expect(result.assessment.tags.map((t) => t.name)).toEqual(["external"]);
    expect(result.created).toEqual({ groups: 1, activities: 2, comments: 2, tags: 1, assets: 1 });
    expect(result.reused).toEqual({ tags: 1, assets: 1 });
    expect(result.warnings).toEqual([
      {
        field: "activities[0].evaluation.evaluatedBy",
        message: "gone@example.com is not a member of this organization; recorded without an evaluator",
      },
      {
        field: "activities[0].comments[1].author",
        message: "gone@example.com is not a member of this organization; the comment is attributed to you",
      },
    ]);

    const id = result.assessment.id;
    const acl = await prisma().assessmentAcl.findMany({ where: { assessmentId: id } });
    expect(acl.map((r) => [r.userId, r.role])).toEqual([[member.id, "lead"]]);
    const [phish, plain] = (await member.api.activities.list({ assessmentId: id })).data;
    expect(phish?.tags.map((t) => t.name)).toEqual(["existing", "external"]);
    expect(phish?.tags[0]?.color).toBe("#000000");
    expect(phish?.assets.map((a) => a.id)).toEqual([host.id]);
    expect(phish?.red).toMatchObject({ executedBy: team.red.id, executedByUserId: team.red.id });
    expect(phish?.blue.detectedAt).toBe("2026-03-02T09:05:00.000Z");
    expect(phish?.evaluation).toMatchObject({ evaluatedById: null, evaluatedAt: "2026-03-03T00:00:00.000Z" });
    expect(phish?.evaluation.results).toEqual({
      prevention: null,
      detection: "pass",
      logging: null,
      notification: null,
      severity: null,
    });
    const comments = (await member.api.activities.comments.list({ activityId: phish?.id as string })).data;
    expect(comments.map((c) => [c.authorId, c.body])).toEqual([
      [team.blue.id, "seen in the SIEM"],
      [member.id, "old note"],
    ]);
    expect(plain).toMatchObject({ title: "Plain", status: "planned", groupId: null, tactic: null });
    const history = await member.api.activities.history({ id: plain?.id as string });
    expect(history.data.map((e) => e.field)).toEqual(["created"]);
    const audit = await prisma().auditEvent.findFirst({ where: { type: "assessment.imported", targetId: id } });
    expect(audit?.actorId).toBe(member.id);
  });

  it("names the new assessment as asked", async () => {
    const result = await team.lead.api.imports.assessmentJson({ document: minimal(), name: "  Renamed  " });
    expect(result.assessment.name).toBe("Renamed");
  });

  it("reports every problem with its JSON path and imports nothing", async () => {
    const before = await footprint(team.orgId);
    const broken = minimal({
      version: 2,
      tags: [
        { name: "a", color: "red" },
        { name: "a", color: "#000000" },
      ],
      groups: [{ ref: "g" }, { ref: "g", name: "again" }],
      activities: [
        { ref: "1", title: "ok", group: "nowhere", tags: ["a", "b"], assets: [{ name: "h", kind: "host" }] },
        { ref: "2", title: "", techniques: ["T1003.1"], red: { comand: "typo" } },
        { ref: "3", title: "x", blue: { outcome: "stopped" }, status: "done", comments: [{ body: "no author" }] },
        { ref: "3", title: "x", blue: { detectedAt: "yesterday", notes: "nul\u0000byte" } },
      ],
    });
    const { code, fields, message } = await failure(team.lead.api.imports.assessmentJson({ document: broken }));
    expect(code).toBe("VALIDATION");
    expect(message).toMatch(/nothing was imported/);
    expect([...fields].sort()).toEqual(
      [
        "version",
        "tags[0].color",
        "tags[1].name",
        "groups[0].name",
        "groups[1].ref",
        "activities[0].group",
        "activities[0].tags[1]",
        "activities[0].assets[0]",
        "activities[1].title",
        "activities[1].techniques[0]",
        "activities[1].red.comand",
        "activities[2].blue.outcome",
        "activities[2].status",
        "activities[2].comments[0].author",
        "activities[2].comments[0].createdAt",
        "activities[3].ref",
        "activities[3].blue.detectedAt",
        "activities[3].blue.notes",
      ].sort(),
    );
    expect(await footprint(team.orgId)).toEqual(before);
  });

  it("refuses what is not a document at all", async () => {
    await expectCode(team.lead.api.imports.assessmentJson({ document: "hello" }), "VALIDATION", "document");
    await expectCode(team.lead.api.imports.assessmentJson({ document: [] }), "VALIDATION", "document");
    const layer = { name: "x", versions: { layer: "4.5" }, domain: "enterprise-attack", techniques: [] };
    const { fields } = await failure(team.lead.api.imports.assessmentJson({ document: layer }));
    expect(fields).toEqual(expect.arrayContaining(["format", "version", "assessment", "name", "versions", "domain"]));
    await expectCode(team.lead.api.imports.assessmentJson({ document: minimal(), name: "" }), "VALIDATION", "name");
  });

  it("writes in one transaction: a failure at the last step leaves nothing behind", async () => {
    const before = await footprint(team.orgId);
    const db = prisma();
    const original = db.$transaction.bind(db) as (fn: (tx: unknown) => Promise<unknown>, o?: unknown) => unknown;
    const spy = vi.spyOn(db, "$transaction").mockImplementationOnce(((
      fn: (tx: unknown) => Promise<unknown>,
      o: unknown,
    ) =>
      original(async (tx) => {
        await fn(tx);
        throw new Error("disk full");
      }, o)) as never);
    try {
      await expectCode(team.lead.api.imports.assessmentJson({ document: document() }), "INTERNAL");
    } finally {
      spy.mockRestore();
    }
    expect(await footprint(team.orgId)).toEqual(before);
  });

  it("imports into the caller's organization only", async () => {
    const stranger = await createOrg(h);
    const before = await footprint(stranger.id);
    // Naming an organization one is not a member of: NOT_FOUND, whatever the document.
    const res = await rest(
      h,
      { headers: { ...team.lead.headers, "x-organization-id": stranger.id } },
      "POST",
      "/assessments/import",
      {
        document: minimal(),
      },
    );
    expect(res.status).toBe(404);
    expect(res.body.errors[0].field).toBe("organizationId");
    expect(await footprint(stranger.id)).toEqual(before);
    // The stranger's import lands in the stranger's organization, with their own new tags.
    const result = await stranger.owner.api.imports.assessmentJson({ document: document() });
    expect(result.assessment.organizationId).toBe(stranger.id);
    expect(result.created.tags).toBe(2);
    expect(result.warnings.map((w) => w.field)).toContain("activities[0].red.executedByUser");
  });

  it("answers REST callers with one error item per problem", async () => {
    const res = await rest(h, team.lead, "POST", "/assessments/import", {
      document: minimal({ activities: [{ ref: "a", title: "t", blue: { outcome: "x" } }, { ref: "b" }] }),
    });
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { field: string }) => e.field)).toEqual([
      "activities[0].blue.outcome",
      "activities[1].title",
    ]);
    const ok = await rest(h, team.red, "POST", "/assessments/import", { document: minimal() });
    expect(ok.status).toBe(200);
    expect(ok.body.assessment.role).toBe("lead");
  });
});
