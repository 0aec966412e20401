/**
 * Which activities an alert may be about: an activity of an in-progress assessment of the
 * same organization (alert matching not off) whose technique is the alert's (a sub-technique
 * matches its parent), one of whose target assets is the alert's host (hostname, FQDN or IP,
 * ignoring case), and whose red execution lies in [alert time - window, alert time + skew].
 */
import type { Tx } from "../../db/database.js";
import type { NormalisedAlert } from "./alert-formats.js";

export interface MatchWindow {
  windowSeconds: number;
  skewSeconds: number;
}

export interface Candidate {
  activityId: string;
  assessmentId: string;
  alertMatching: "auto" | "suggest";
  score: number;
  reasons: string[];
}

const parentOf = (technique: string) => technique.split(".")[0] ?? technique;

/** How the alert's techniques meet the activity's: exact, through the parent, or not at all. */
function techniqueMatch(alert: string[], activity: string[]): { points: number; reason: string } | undefined {
  const exact = alert.find((t) => activity.includes(t));
  if (exact) return { points: 50, reason: `technique ${exact}` };
  const viaParent = alert.find((t) => t.includes(".") && activity.includes(parentOf(t)));
  if (viaParent) return { points: 35, reason: `technique ${viaParent} (sub-technique of ${parentOf(viaParent)})` };
  return undefined;
}

const shortName = (host: string) => (/^\d+(\.\d+){3}$/.test(host) || host.includes(":") ? host : host.split(".")[0]);

/** How the alert's hosts meet the activity's target assets. */
function hostMatch(
  hosts: string[],
  assets: { name: string; identifier: string }[],
): { points: number; reason: string } | undefined {
  const names = assets
    .flatMap((a) => [a.identifier, a.name])
    .map((n) => n.trim().toLowerCase())
    .filter(Boolean);
  const exact = hosts.find((h) => names.includes(h));
  if (exact) return { points: 30, reason: `host ${exact}` };
  const short = hosts.find((h) => names.some((n) => shortName(n) === shortName(h)));
  if (short) return { points: 20, reason: `host ${short} (same host name)` };
  return undefined;
}

/** An activity an alert of the batch may be about, with what matching needs of it. */
export interface CandidateActivity {
  id: string;
  assessmentId: string;
  techniques: string[];
  executedAt: Date | null;
  assessment: { alertMatching: string };
  assets: { asset: { name: string; identifier: string } }[];
}

const techniquesOf = (alert: NormalisedAlert) => [...alert.techniques, ...alert.techniques.map(parentOf)];
const matchable = (alert: NormalisedAlert) => alert.techniques.length > 0 && alert.hosts.length > 0;

/**
 * Every activity that any of `alerts` may match, in one query: the union of their techniques
 * (and parents) over the span of their times. The host and the exact window are checked per
 * alert in memory (`matchesOf`), so no true match is cut off by a row limit.
 */
export async function loadCandidateActivities(
  tx: Tx,
  organizationId: string,
  alerts: NormalisedAlert[],
  window: MatchWindow,
): Promise<CandidateActivity[]> {
  const relevant = alerts.filter(matchable);
  if (relevant.length === 0) return [];
  const techniques = [...new Set(relevant.flatMap(techniquesOf))];
  const times = relevant.map((a) => a.occurredAt.getTime());
  const from = new Date(Math.min(...times) - window.windowSeconds * 1000);
  const to = new Date(Math.max(...times) + window.skewSeconds * 1000);
  // One statement with the assets aggregated per activity (the GIN index on techniques finds them).
  const rows = await tx.$queryRaw<
    {
      id: string;
      assessmentId: string;
      techniques: string[];
      executedAt: Date;
      alertMatching: string;
      assets: { name: string; identifier: string }[];
    }[]
  >`
    SELECT a.id, a."assessmentId", a.techniques, a."executedAt", s."alertMatching",
      COALESCE(
        (SELECT jsonb_agg(jsonb_build_object('name', x.name, 'identifier', x.identifier))
         FROM activity_assets aa JOIN assets x ON x.id = aa."assetId"
         WHERE aa."activityId" = a.id),
        '[]'::jsonb) AS assets
    FROM activities a
    JOIN assessments s ON s.id = a."assessmentId"
    WHERE a."organizationId" = ${organizationId}::uuid AND a."deletedAt" IS NULL
      AND a.status <> 'skipped' AND a.techniques && ${techniques}::text[]
      AND a."executedAt" BETWEEN ${from} AND ${to}
      AND s.status = 'in_progress' AND s."deletedAt" IS NULL AND s."alertMatching" IN ('auto', 'suggest')`;
  return rows.map((row) => ({
    id: row.id,
    assessmentId: row.assessmentId,
    techniques: row.techniques,
    executedAt: new Date(row.executedAt),
    assessment: { alertMatching: row.alertMatching },
    assets: row.assets.map((asset) => ({ asset })),
  }));
}

/** The activities of `activities` that `alert` matches, best first, each with its score and reasons. */
export function matchesOf(alert: NormalisedAlert, activities: CandidateActivity[], window: MatchWindow): Candidate[] {
  if (!matchable(alert)) return [];
  const time = alert.occurredAt.getTime();
  const candidates: Candidate[] = [];
  for (const activity of activities) {
    if (!activity.executedAt) continue;
    const delaySeconds = (time - activity.executedAt.getTime()) / 1000;
    if (delaySeconds > window.windowSeconds || delaySeconds < -window.skewSeconds) continue;
    const technique = techniqueMatch(alert.techniques, activity.techniques);
    const host =
      technique &&
      hostMatch(
        alert.hosts,
        activity.assets.map((a) => a.asset),
      );
    if (!technique || !host) continue;
    const closeness = Math.max(0, 1 - Math.max(0, delaySeconds) / window.windowSeconds);
    const timeReason =
      delaySeconds >= 0
        ? `${Math.round(delaySeconds)} s after red's execution`
        : `${Math.round(-delaySeconds)} s before red's execution (within the clock skew)`;
    candidates.push({
      activityId: activity.id,
      assessmentId: activity.assessmentId,
      alertMatching: activity.assessment.alertMatching as "auto" | "suggest",
      score: Math.round(technique.points + host.points + 20 * closeness),
      reasons: [technique.reason, host.reason, timeReason],
    });
  }
  return candidates.sort((a, b) => b.score - a.score);
}
