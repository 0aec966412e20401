/**
 * The per-control breakdown of an assessment's statistics: for each defensive control with an
 * outcome on a live, not skipped activity, its outcomes, prevention and detection rates and its
 * time to detect (the control's detectedAt - red's executedAt). One aggregate statement.
 */
import { Prisma } from "../../generated/prisma/client.js";
import type { SqlRunner } from "../activities/activity-rows.js";

interface ControlRow {
  controlId: string;
  name: string;
  kind: string;
  observed: number;
  prevented: number;
  blocked: number;
  alerted: number;
  logged: number;
  not_detected: number;
  detected: number;
  ttd_count: number;
  ttd_mean: number | null;
  ttd_median: number | null;
}

const share = (part: number, whole: number) => (whole > 0 ? part / whole : null);

/** The per-control statistics of assessment `assessmentId`, by control name. */
export async function controlStatistics(run: SqlRunner, organizationId: string, assessmentId: string) {
  const rows = await run<ControlRow>(Prisma.sql`
    WITH scoped AS (
      SELECT o."controlId", o.outcome::text AS outcome,
        -- Detected: the control alerted, or it stopped the action and still reported it.
        (o.outcome = 'alerted' OR (o.outcome IN ('prevented', 'blocked')
          AND (o."detectedAt" IS NOT NULL OR o."alertSeverity" IS NOT NULL))) AS detected,
        CASE WHEN o."detectedAt" >= a."executedAt" THEN date_part('epoch', o."detectedAt" - a."executedAt") END AS ttd
      FROM activity_control_outcomes o
      JOIN activities a ON a.id = o."activityId"
      WHERE a."organizationId" = ${organizationId}::uuid AND a."assessmentId" = ${assessmentId}::uuid
        AND a."deletedAt" IS NULL AND a.status <> 'skipped'
    )
    SELECT c.id AS "controlId", c.name, c.kind::text AS kind,
      count(*)::int AS observed,
      count(*) FILTER (WHERE s.outcome = 'prevented')::int AS prevented,
      count(*) FILTER (WHERE s.outcome = 'blocked')::int AS blocked,
      count(*) FILTER (WHERE s.outcome = 'alerted')::int AS alerted,
      count(*) FILTER (WHERE s.outcome = 'logged')::int AS logged,
      count(*) FILTER (WHERE s.outcome = 'not_detected')::int AS not_detected,
      count(*) FILTER (WHERE s.detected)::int AS detected,
      count(s.ttd)::int AS ttd_count,
      avg(s.ttd) AS ttd_mean,
      percentile_cont(0.5) WITHIN GROUP (ORDER BY s.ttd) AS ttd_median
    FROM scoped s JOIN defensive_controls c ON c.id = s."controlId"
    GROUP BY c.id, c.name, c.kind
    ORDER BY c.name, c.id`);
  return rows.map((r) => {
    const observed = Number(r.observed);
    const n = (v: unknown) => Number(v);
    return {
      controlId: r.controlId,
      name: r.name,
      kind: r.kind,
      activities: observed,
      outcomes: {
        prevented: n(r.prevented),
        blocked: n(r.blocked),
        alerted: n(r.alerted),
        logged: n(r.logged),
        not_detected: n(r.not_detected),
      },
      detected: n(r.detected),
      preventionRate: share(n(r.prevented) + n(r.blocked), observed),
      detectionRate: share(n(r.detected), observed),
      timeToDetect: {
        count: n(r.ttd_count),
        meanSeconds: r.ttd_mean === null ? null : Number(r.ttd_mean),
        medianSeconds: r.ttd_median === null ? null : Number(r.ttd_median),
      },
    };
  });
}
