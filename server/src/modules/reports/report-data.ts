/**
 * The data a report template sees (documented in the README's Reports section): the
 * organization, the assessment, its groups and activities (red and blue fields,
 * expectations against outcomes, evaluation, techniques, tags, assets, evidence), the
 * assessment's statistics, the techniques exercised, and who generated it when. Built from
 * the assessment export (one reading of an assessment for both) and the statistics module.
 */
import type { OrgCtx } from "../../identity/contexts.js";
import { type AssessmentDocument, DOCUMENT_FORMAT } from "../exports/assessment-document.js";
import { buildAssessmentDocument } from "../exports/assessment-export.service.js";
import type { AssessmentStatistics } from "../statistics/statistics.schemas.js";
import { assessmentStatistics } from "../statistics/statistics.service.js";

type DocActivity = AssessmentDocument["activities"][number];

export interface ReportEvidence {
  id: string;
  fileName: string;
  contentType: string;
  size: number;
  isImage: boolean;
}

export interface ExpectationRow {
  category: string;
  expected: string;
  observed: string;
  result: string;
}

export interface ReportActivity {
  id: string;
  ref: string;
  number: number;
  title: string;
  description: string;
  status: string;
  group: string | null;
  tactic: string | null;
  tacticName: string | null;
  techniques: { id: string; name: string | null }[];
  tags: string[];
  assets: { name: string; kind: string }[];
  red: DocActivity["red"];
  blue: DocActivity["blue"];
  evaluation: DocActivity["evaluation"];
  expectationsVsOutcomes: ExpectationRow[];
  evidence: ReportEvidence[];
}

export interface ReportArticle {
  id: string;
  title: string;
  kind: string;
  /** Markdown. */
  body: string;
}

/** Most articles the appendix shows per technique. */
const ARTICLES_PER_TECHNIQUE = 20;

/** The organization's articles linked to any of `techniques`, grouped by technique. */
async function articlesByTechnique(ctx: OrgCtx, techniques: string[]): Promise<Map<string, ReportArticle[]>> {
  const byTechnique = new Map<string, ReportArticle[]>();
  if (techniques.length === 0) return byTechnique;
  const rows = await ctx.db.prisma.knowledgeArticle.findMany({
    where: { organizationId: ctx.org.id, techniques: { hasSome: techniques } },
    orderBy: [{ title: "asc" }, { id: "asc" }],
    select: { id: true, title: true, kind: true, body: true, techniques: true },
  });
  for (const { techniques: linked, ...article } of rows) {
    for (const technique of linked) {
      const list = byTechnique.get(technique) ?? [];
      if (list.length < ARTICLES_PER_TECHNIQUE) list.push(article);
      byTechnique.set(technique, list);
    }
  }
  return byTechnique;
}

export interface ReportData {
  org: { id: string; name: string };
  assessment: AssessmentDocument["assessment"] & { id: string };
  groups: { ref: string | null; name: string; description: string; activities: ReportActivity[] }[];
  activities: ReportActivity[];
  statistics: AssessmentStatistics;
  techniques: {
    id: string;
    name: string | null;
    activities: number;
    preventionRate: number | null;
    detectionRate: number | null;
    score: number | null;
    /** The organization's knowledge-base articles linked to the technique, by title. */
    articles: ReportArticle[];
  }[];
  generatedAt: string;
  generatedBy: { name: string; email: string };
}

/** Evidence types embedded as pictures (DOCX takes these three; HTML and PDF show them all alike). */
export const EMBEDDABLE_IMAGES = new Set(["image/png", "image/jpeg", "image/gif"]);

const yesNo = (value: boolean | null) => (value === null ? "—" : value ? "yes" : "no");

/** The five evaluation categories side by side: what the red team expected, what blue observed, the verdict. */
function expectationRows(activity: DocActivity): ExpectationRow[] {
  const { expectations } = activity.red;
  const { outcome, detectedAt, alertSeverity, notifiedAt } = activity.blue;
  const results = activity.evaluation.results;
  const seen = outcome !== null;
  const prevented = seen ? outcome === "prevented" || outcome === "blocked" : null;
  const alerted = seen ? outcome === "alerted" || alertSeverity !== null || detectedAt !== null : null;
  const logged = seen ? outcome !== "not_detected" : null;
  return [
    { category: "Prevention", expected: yesNo(expectations.prevented), observed: yesNo(prevented) },
    { category: "Detection (alert)", expected: yesNo(expectations.alerted), observed: yesNo(alerted) },
    { category: "Logging", expected: yesNo(expectations.logged), observed: yesNo(logged) },
    { category: "Notification", expected: yesNo(expectations.notified), observed: yesNo(notifiedAt ? true : null) },
    {
      category: "Severity",
      expected: expectations.expectedSeverity ?? "—",
      observed: alertSeverity ?? "—",
    },
  ].map((row, i) => {
    const key = (["prevention", "detection", "logging", "notification", "severity"] as const)[i] ?? "prevention";
    return { ...row, result: results[key] ?? "—" };
  });
}

/** Everything a template of assessment `assessmentId` sees; the caller checked access. */
export async function buildReportData(ctx: OrgCtx, assessmentId: string): Promise<ReportData> {
  const { prisma } = ctx.db;
  const [document, statistics, activityIds, evidence] = await Promise.all([
    buildAssessmentDocument(ctx, assessmentId),
    assessmentStatistics(ctx, { assessmentId }),
    // The export names activities by their order (a1, a2...): the same order gives their ids.
    prisma.activity.findMany({
      where: { assessmentId, organizationId: ctx.org.id, deletedAt: null },
      orderBy: [{ position: "asc" }, { id: "asc" }],
      select: { id: true, title: true },
    }),
    prisma.evidence.findMany({
      where: { assessmentId, organizationId: ctx.org.id },
      orderBy: [{ createdAt: "asc" }, { id: "asc" }],
      select: { id: true, activityId: true, fileName: true, contentType: true, size: true },
    }),
  ]);
  if (document.format !== DOCUMENT_FORMAT) throw new Error("unexpected assessment document");
  const names = new Map(statistics.techniques.map((t) => [t.techniqueId, t.name]));
  const tacticNames = new Map(statistics.tactics.map((t) => [t.tactic, t.tacticName]));
  const groupNames = new Map(document.groups.map((g) => [g.ref, g.name]));
  const evidenceOf = new Map<string, ReportEvidence[]>();
  for (const e of evidence) {
    const list = evidenceOf.get(e.activityId) ?? [];
    list.push({ ...e, isImage: EMBEDDABLE_IMAGES.has(e.contentType) || e.contentType === "image/webp" });
    evidenceOf.set(e.activityId, list);
  }
  const activities = document.activities.map((activity, index): ReportActivity => {
    const row = activityIds[index];
    const id = row && row.title === activity.title ? row.id : "";
    return {
      id,
      ref: activity.ref,
      number: index + 1,
      title: activity.title,
      description: activity.description,
      status: activity.status,
      group: activity.group ? (groupNames.get(activity.group) ?? null) : null,
      tactic: activity.tactic,
      tacticName: activity.tactic ? (tacticNames.get(activity.tactic) ?? null) : null,
      techniques: activity.techniques.map((t) => ({ id: t, name: names.get(t) ?? null })),
      tags: activity.tags,
      assets: activity.assets,
      red: activity.red,
      blue: activity.blue,
      evaluation: activity.evaluation,
      expectationsVsOutcomes: expectationRows(activity),
      evidence: id ? (evidenceOf.get(id) ?? []) : [],
    };
  });
  const groups: ReportData["groups"] = document.groups.map((g) => ({
    ref: g.ref,
    name: g.name,
    description: g.description,
    activities: activities.filter((a) => document.activities[a.number - 1]?.group === g.ref),
  }));
  const ungrouped = activities.filter((a) => document.activities[a.number - 1]?.group === null);
  if (ungrouped.length > 0)
    groups.push({ ref: null, name: "Other activities", description: "", activities: ungrouped });
  const articles = await articlesByTechnique(
    ctx,
    statistics.techniques.map((t) => t.techniqueId),
  );
  return {
    org: { id: ctx.org.id, name: ctx.org.name },
    assessment: { id: assessmentId, ...document.assessment },
    groups,
    activities,
    statistics,
    techniques: statistics.techniques.map((t) => ({
      id: t.techniqueId,
      name: t.name,
      activities: t.activities,
      preventionRate: t.preventionRate,
      detectionRate: t.detectionRate,
      score: t.score,
      articles: articles.get(t.techniqueId) ?? [],
    })),
    generatedAt: ctx.clock.now().toISOString(),
    generatedBy: { name: ctx.user.name, email: ctx.user.email },
  };
}
