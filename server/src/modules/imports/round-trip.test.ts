/**
 * The lossless round trip, as a property: for random assessments (phases, activities with
 * any mix of red, blue and evaluation facts, overrides, tags, target assets, comments, any
 * Unicode text), written straight into the database,
 *   export            equals the document the generated data describes, and
 *   export -> import -> export  gives the same document again (exportedAt aside).
 * Each run gets a fresh organization, so tag names never collide between runs. The data keeps
 * the rules every write path checks: ATT&CK mappings that fit (technique ids ATT&CK knows, a
 * tactic of one of them, or a tactic alone), knowledge-base links to the organization's articles.
 */
import { randomUUID } from "node:crypto";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addMember, createOrg, failure, type Member } from "../../test-support/assessment-fixtures.js";
import { createHarness, type Harness } from "../../test-support/harness.js";
import type { AssessmentDocument } from "../exports/assessment-document.js";

const SEVERITIES = ["info", "low", "medium", "high", "critical"] as const;
const RESULTS = ["pass", "fail", "na"] as const;
const CATEGORIES = ["prevention", "detection", "logging", "notification", "severity"] as const;
const KINDS = ["host", "account", "application", "network"] as const;

// Any code point but NUL (PostgreSQL cannot store it; imports refuse it).
const text = (maxLength: number, minLength = 0) =>
  fc.string({ unit: "binary", minLength, maxLength }).filter((s) => !s.includes("\u0000"));
const instant = fc
  .date({ min: new Date("2000-01-01T00:00:00Z"), max: new Date("2099-12-31T23:59:59Z"), noInvalidDate: true })
  .map((d) => d.toISOString());
const nullable = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: null });
/** Who: one of the members (by index), or nobody. */
const person = nullable(fc.nat(2));

/** ATT&CK mappings the rules accept as they are (an import would derive a missing tactic). */
const mappingArb = fc.constantFrom<{ tactic: string | null; techniques: string[] }>(
  { tactic: null, techniques: [] },
  { tactic: "execution", techniques: [] },
  { tactic: "credential-access", techniques: ["T1003", "T1003.001"] },
  { tactic: "execution", techniques: ["T1059"] },
  { tactic: "execution", techniques: ["T1059", "T1003.001"] },
  { tactic: "command-and-control", techniques: ["T1105"] },
  { tactic: "credential-access", techniques: ["T1558.003", "T1003"] },
);

const activityFields = fc.record({
  group: nullable(fc.nat(4)),
  title: text(40, 1),
  description: text(60),
  /** Indexes of the organization's knowledge-base articles (seed writes two). */
  articles: fc.uniqueArray(fc.nat(1), { maxLength: 2 }),
  status: fc.constantFrom("planned", "waiting_red", "waiting_blue", "evaluated", "skipped" as const),
  command: nullable(text(40)),
  executedAt: nullable(instant),
  executor: fc.oneof(fc.constant(null), fc.nat(2), text(20, 1)),
  source: nullable(text(20)),
  target: nullable(text(20)),
  expect: fc.record({ logged: fc.boolean(), prevented: fc.boolean(), alerted: fc.boolean(), notified: fc.boolean() }),
  expectedSeverity: nullable(fc.constantFrom(...SEVERITIES)),
  outcome: nullable(fc.constantFrom("prevented", "blocked", "alerted", "logged", "not_detected" as const)),
  detectedAt: nullable(instant),
  detectionSource: nullable(text(20)),
  alertSeverity: nullable(fc.constantFrom(...SEVERITIES)),
  notifiedAt: nullable(instant),
  notes: text(40),
  results: fc.tuple(...CATEGORIES.map(() => nullable(fc.constantFrom(...RESULTS)))),
  overrides: fc.uniqueArray(
    fc.record({
      category: fc.constantFrom(...CATEGORIES),
      computed: fc.constantFrom(...RESULTS),
      result: fc.constantFrom(...RESULTS),
      reason: text(30),
      by: person,
      at: instant,
    }),
    { selector: (o) => o.category, maxLength: 2 },
  ),
  evaluatedAt: nullable(instant),
  evaluatedBy: person,
  tags: fc.uniqueArray(fc.nat(3), { maxLength: 3 }),
  assets: fc.uniqueArray(fc.nat(3), { maxLength: 3 }),
  comments: fc.array(fc.record({ author: fc.nat(2), body: text(40, 1) }), { maxLength: 3 }),
});
const activityArb = fc.tuple(activityFields, mappingArb).map(([fields, mapping]) => ({ ...fields, ...mapping }));

const assessmentArb = fc.record({
  name: text(30, 1),
  description: text(60),
  status: fc.constantFrom("planned", "in_progress", "completed", "archived" as const),
  startDate: nullable(instant),
  endDate: nullable(instant),
  tags: fc.uniqueArray(fc.nat(3), { maxLength: 2 }),
  tagDefs: fc.uniqueArray(
    fc.record({
      name: text(16, 1),
      color: fc.stringMatching(/^#[0-9a-f]{6}$/),
      description: text(20),
    }),
    { selector: (t) => t.name, minLength: 4, maxLength: 4 },
  ),
  assetDefs: fc.uniqueArray(
    fc.record({ name: text(16, 1), kind: fc.constantFrom(...KINDS), identifier: text(16), description: text(20) }),
    { selector: (a) => `${a.kind}/${a.name}`, minLength: 4, maxLength: 4 },
  ),
  groups: fc.array(fc.record({ name: text(20, 1), description: text(30) }), { maxLength: 5 }),
  activities: fc.array(activityArb, { maxLength: 6 }),
});

type Generated = typeof assessmentArb extends fc.Arbitrary<infer T> ? T : never;

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const date = (iso: string | null) => (iso === null ? null : new Date(iso));

describe("assessment round trip (property)", () => {
  let h: Harness;
  let owner: Member;
  let members: Member[];

  beforeAll(async () => {
    // The property exports hundreds of times: far past the costly-read limit of one person.
    h = await createHarness({ RATE_LIMIT_COSTLY_READS_PER_ACCOUNT: "100000/1m" }, { attack: true });
    const org = await createOrg(h);
    owner = org.owner;
    members = [owner, await addMember(h, org.id), await addMember(h, org.id)];
  });
  afterAll(() => h.close());

  /** A fresh organization with the same three members, and the owner's caller acting in it. */
  async function freshOrg() {
    const prisma = h.deps.db.prisma;
    const org = await prisma.organization.create({ data: { name: "Run", slug: `run-${randomUUID()}` } });
    await prisma.membership.createMany({
      data: members.map((m, i) => ({ organizationId: org.id, userId: m.id, role: i === 0 ? "owner" : "member" })),
    });
    const api = h.caller({
      headers: new Headers({ authorization: `Bearer ${owner.token}`, "x-organization-id": org.id }),
    });
    return { orgId: org.id, api };
  }

  /** Writes the generated assessment (and two knowledge-base articles) straight into the database. */
  async function seed(orgId: string, g: Generated): Promise<{ assessmentId: string; articleIds: string[] }> {
    const prisma = h.deps.db.prisma;
    const articleIds = await Promise.all(
      ["Runbook", "Detection note"].map(
        async (title) =>
          (await prisma.knowledgeArticle.create({ data: { organizationId: orgId, title, kind: "note" } })).id,
      ),
    );
    const tagIds = await Promise.all(
      g.tagDefs.map(async (t) => (await prisma.tag.create({ data: { organizationId: orgId, ...t } })).id),
    );
    const assetIds = await Promise.all(
      g.assetDefs.map(async (a) => (await prisma.asset.create({ data: { organizationId: orgId, ...a } })).id),
    );
    const assessment = await prisma.assessment.create({
      data: {
        organizationId: orgId,
        name: g.name,
        description: g.description,
        status: g.status,
        startDate: date(g.startDate),
        endDate: date(g.endDate),
        tags: { create: g.tags.map((i) => ({ tagId: tagIds[i] as string })) },
      },
    });
    const groupIds: string[] = [];
    for (const [i, group] of g.groups.entries()) {
      const row = await prisma.activityGroup.create({
        data: { organizationId: orgId, assessmentId: assessment.id, position: (i + 1) * 100, ...group },
      });
      groupIds.push(row.id);
    }
    for (const [i, a] of g.activities.entries()) {
      const executor = typeof a.executor === "number" ? (members[a.executor] as Member).id : a.executor;
      const result = (k: number) => a.results[k] ?? null;
      const row = await prisma.activity.create({
        data: {
          organizationId: orgId,
          assessmentId: assessment.id,
          groupId: a.group === null ? null : (groupIds[a.group] ?? null),
          position: (i + 1) * 10,
          title: a.title,
          description: a.description,
          tactic: a.tactic,
          techniques: a.techniques,
          knowledgeBaseArticleIds: a.articles.map((k) => articleIds[k] as string),
          status: a.status,
          command: a.command,
          executedAt: date(a.executedAt),
          executedBy: executor,
          executedByUserId: typeof a.executor === "number" ? executor : null,
          source: a.source,
          target: a.target,
          expectLogged: a.expect.logged,
          expectPrevented: a.expect.prevented,
          expectAlerted: a.expect.alerted,
          expectNotified: a.expect.notified,
          expectedSeverity: a.expectedSeverity,
          outcome: a.outcome,
          detectedAt: date(a.detectedAt),
          detectionSource: a.detectionSource,
          alertSeverity: a.alertSeverity,
          notifiedAt: date(a.notifiedAt),
          blueNotes: a.notes,
          preventionResult: result(0),
          detectionResult: result(1),
          loggingResult: result(2),
          notificationResult: result(3),
          severityResult: result(4),
          evaluationOverrides: a.overrides.map(({ by, ...o }) => ({
            ...o,
            byId: by === null ? null : members[by]?.id,
          })),
          evaluatedAt: date(a.evaluatedAt),
          evaluatedById: a.evaluatedBy === null ? null : (members[a.evaluatedBy] as Member).id,
          tags: { create: a.tags.map((k) => ({ tagId: tagIds[k] as string })) },
          assets: { create: a.assets.map((k) => ({ assetId: assetIds[k] as string })) },
        },
      });
      // Distinct times in order, so the comments' order is the order they were written.
      await prisma.activityComment.createMany({
        data: a.comments.map((c, k) => ({
          organizationId: orgId,
          activityId: row.id,
          authorId: (members[c.author] as Member).id,
          body: c.body,
          createdAt: new Date(Date.UTC(2026, 0, 1, 0, k)),
        })),
      });
    }
    return { assessmentId: assessment.id, articleIds };
  }

  /** The document the generated data describes, by the export's rules (only used tags and assets, sorted). */
  function expectedDocument(g: Generated, articleIds: string[]): Omit<AssessmentDocument, "exportedAt"> {
    const email = (i: number | null) => (i === null ? null : (members[i] as Member).email);
    const usedTags = new Set([...g.tags, ...g.activities.flatMap((a) => a.tags)]);
    const usedAssets = new Set(g.activities.flatMap((a) => a.assets));
    const tagName = (i: number) => g.tagDefs[i]?.name as string;
    const assetOf = (i: number) => g.assetDefs[i] as Generated["assetDefs"][number];
    const byKindName = (a: { kind: string; name: string }, b: { kind: string; name: string }) =>
      compare(a.kind, b.kind) || compare(a.name, b.name);
    return {
      format: "assay.assessment",
      version: 1,
      assessment: {
        name: g.name,
        description: g.description,
        status: g.status,
        startDate: g.startDate,
        endDate: g.endDate,
        tags: g.tags.map(tagName).sort(),
        alertMatching: "suggest",
      },
      controls: [],
      tags: [...usedTags]
        .map((i) => g.tagDefs[i] as Generated["tagDefs"][number])
        .sort((a, b) => compare(a.name, b.name)),
      assets: [...usedAssets].map(assetOf).sort(byKindName),
      groups: g.groups.map((group, i) => ({ ref: `g${i + 1}`, ...group })),
      activities: g.activities.map((a, i) => ({
        ref: `a${i + 1}`,
        group: a.group !== null && a.group < g.groups.length ? `g${a.group + 1}` : null,
        title: a.title,
        description: a.description,
        tactic: a.tactic,
        techniques: a.techniques,
        knowledgeBaseArticleIds: a.articles.map((k) => articleIds[k] as string),
        status: a.status,
        tags: a.tags.map(tagName).sort(),
        assets: a.assets.map((k) => ({ name: assetOf(k).name, kind: assetOf(k).kind })).sort(byKindName),
        red: {
          command: a.command,
          executedAt: a.executedAt,
          executedBy: typeof a.executor === "number" ? null : a.executor,
          executedByUser: typeof a.executor === "number" ? email(a.executor) : null,
          source: a.source,
          target: a.target,
          expectations: { ...a.expect, expectedSeverity: a.expectedSeverity },
        },
        blue: {
          outcome: a.outcome,
          detectedAt: a.detectedAt,
          detectionSource: a.detectionSource,
          alertSeverity: a.alertSeverity,
          notifiedAt: a.notifiedAt,
          notes: a.notes,
          outcomeSetByHand: false,
          controlOutcomes: [],
        },
        evaluation: {
          results: Object.fromEntries(CATEGORIES.map((c, k) => [c, a.results[k]])) as never,
          overrides: a.overrides.map((o) => ({ ...o, by: email(o.by) })),
          evaluatedAt: a.evaluatedAt,
          evaluatedBy: email(a.evaluatedBy),
        },
        comments: a.comments.map((c, k) => ({
          author: email(c.author),
          body: c.body,
          createdAt: new Date(Date.UTC(2026, 0, 1, 0, k)).toISOString(),
        })),
      })),
    };
  }

  const withoutExportTime = ({ exportedAt: _, ...rest }: AssessmentDocument) => rest;

  it("export describes the data, and export -> import -> export is the identity", async () => {
    await fc.assert(
      fc.asyncProperty(assessmentArb, async (generated) => {
        const { orgId, api } = await freshOrg();
        const { assessmentId, articleIds } = await seed(orgId, generated);
        const first = await api.exports.assessmentJson({ assessmentId });
        expect(withoutExportTime(first)).toEqual(expectedDocument(generated, articleIds));
        const imported = await api.imports.assessmentJson({ document: first });
        expect(imported.warnings).toEqual([]);
        expect(imported.reused).toEqual({ tags: first.tags.length, assets: first.assets.length });
        const second = await api.exports.assessmentJson({ assessmentId: imported.assessment.id });
        expect(withoutExportTime(second)).toEqual(withoutExportTime(first));
      }),
      { numRuns: 40 },
    );
  }, 120_000);

  it("imports into another organization the same document, people and article links aside", async () => {
    // The first sample (in a fixed order) linking an article: the links name the source organization's articles.
    const generated = fc
      .sample(assessmentArb, { numRuns: 50, seed: 42 })
      .find((g) => g.activities.some((a) => a.articles.length > 0)) as Generated;
    const source = await freshOrg();
    const first = await source.api.exports.assessmentJson({
      assessmentId: (await seed(source.orgId, generated)).assessmentId,
    });
    const target = await createOrg(h);
    const linking = first.activities.findIndex((a) => a.knowledgeBaseArticleIds.length > 0);
    const refused = await failure(target.owner.api.imports.assessmentJson({ document: first }));
    expect(refused).toMatchObject({ code: "NOT_FOUND" });
    expect(refused.fields[0]).toBe(`activities[${linking}].knowledgeBaseArticleIds[0]`);

    const unlinked = { ...first, activities: first.activities.map((a) => ({ ...a, knowledgeBaseArticleIds: [] })) };
    const imported = await target.owner.api.imports.assessmentJson({ document: unlinked });
    expect(imported.reused).toEqual({ tags: 0, assets: 0 });
    const second = await target.owner.api.exports.assessmentJson({ assessmentId: imported.assessment.id });
    // Nobody of the source organization is a member here: executors stay as text, the rest unnamed or the importer.
    const anonymous = (doc: AssessmentDocument) =>
      withoutExportTime({
        ...doc,
        activities: doc.activities.map((a) => ({
          ...a,
          knowledgeBaseArticleIds: [],
          red: { ...a.red, executedBy: a.red.executedBy ?? a.red.executedByUser, executedByUser: null },
          evaluation: {
            ...a.evaluation,
            evaluatedBy: null,
            overrides: a.evaluation.overrides.map((o) => ({ ...o, by: null })),
          },
          comments: a.comments.map((c) => ({ ...c, author: null })),
        })),
      });
    expect(anonymous(second)).toEqual(anonymous(first));
  });
});
