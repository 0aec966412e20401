/**
 * Applying many auto matches in a few statements, whatever their number: the activities are
 * locked in id order (so concurrent pushes cannot deadlock), their control outcomes read once,
 * each match applied in memory in alert order (exactly as `applyAlert` would, one after the
 * other, so every match keeps the values it replaced for undoing), then the changed control
 * outcomes, the derived activity outcomes and the history rows are each written in one statement.
 */
import type { Tx } from "../../db/database.js";
import type { Prisma } from "../../generated/prisma/client.js";
import { uuidV7 } from "../../lib/ids.js";
import { type ControlOutcomeValues, derivedOutcome } from "../activities/control-outcomes.js";
import { type FieldChange, recordHistories } from "../activity-history/activity-history.js";
import { type AlertFacts, type ApplyCtx, undoValues, valuesAfterAlert } from "./alert-apply.js";

export interface AutoMatch {
  activityId: string;
  alert: AlertFacts;
}

/** What applying a match did: skipped (its activity is gone) or applied, with the values it replaced. */
export type Applied = { applied: false } | { applied: true; previous: Prisma.InputJsonValue | null };

type StoredOutcome = ControlOutcomeValues & { controlId: string };

/** The history shape of an activity's control outcomes (the shape `controlOutcomesOf` reads). */
const historyList = (outcomes: Map<string, StoredOutcome>) =>
  [...outcomes.values()]
    .sort((a, b) => (a.controlId < b.controlId ? -1 : a.controlId > b.controlId ? 1 : 0))
    .map((o) => ({
      controlId: o.controlId,
      outcome: o.outcome,
      detectedAt: o.detectedAt,
      alertSeverity: o.alertSeverity,
      ruleName: o.ruleName,
      notes: o.notes,
    }));

async function lockLive(tx: Tx, organizationId: string, ids: string[]): Promise<Set<string>> {
  const rows = await tx.$queryRaw<{ id: string }[]>`
    SELECT id FROM activities
    WHERE id = ANY(${ids}::uuid[]) AND "organizationId" = ${organizationId}::uuid AND "deletedAt" IS NULL
    ORDER BY id
    FOR UPDATE`;
  return new Set(rows.map((r) => r.id));
}

async function writeControlOutcomes(
  tx: Tx,
  organizationId: string,
  rows: (StoredOutcome & { activityId: string })[],
  now: Date,
) {
  if (rows.length === 0) return;
  const records = JSON.stringify(rows.map((r) => ({ ...r, id: uuidV7(now.getTime()) })));
  await tx.$executeRaw`
    INSERT INTO activity_control_outcomes (
      "id", "organizationId", "activityId", "controlId", "outcome", "detectedAt", "alertSeverity",
      "ruleName", "notes", "createdAt", "updatedAt")
    SELECT r."id", ${organizationId}::uuid, r."activityId", r."controlId", r."outcome"::"ActivityOutcome",
      r."detectedAt", r."alertSeverity"::"Severity", r."ruleName", r."notes", ${now}, ${now}
    FROM jsonb_to_recordset(${records}::jsonb) AS r(
      "id" uuid, "activityId" uuid, "controlId" uuid, "outcome" text, "detectedAt" timestamptz,
      "alertSeverity" text, "ruleName" text, "notes" text)
    ON CONFLICT ("activityId", "controlId") DO UPDATE SET
      "outcome" = EXCLUDED."outcome", "detectedAt" = EXCLUDED."detectedAt",
      "alertSeverity" = EXCLUDED."alertSeverity", "ruleName" = EXCLUDED."ruleName",
      "notes" = EXCLUDED."notes", "updatedAt" = EXCLUDED."updatedAt"`;
}

async function writeActivityOutcomes(
  tx: Tx,
  rows: { id: string; outcome: string | null; detectedAt: Date | null }[],
  now: Date,
) {
  if (rows.length === 0) return;
  await tx.$executeRaw`
    UPDATE activities AS a SET
      "outcome" = r."outcome"::"ActivityOutcome", "detectedAt" = r."detectedAt", "updatedAt" = ${now}
    FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS r("id" uuid, "outcome" text, "detectedAt" timestamptz)
    WHERE a.id = r."id"`;
}

/** Applies `matches` in order inside the caller's transaction; one answer per match. */
export async function applyAutoMatches(tx: Tx, ctx: ApplyCtx, matches: AutoMatch[]): Promise<Applied[]> {
  if (matches.length === 0) return [];
  const ids = [...new Set(matches.map((m) => m.activityId))].sort();
  const live = await lockLive(tx, ctx.org.id, ids);
  const liveIds = [...live];
  const [activities, stored] = await Promise.all([
    tx.activity.findMany({
      where: { id: { in: liveIds } },
      select: { id: true, outcome: true, detectedAt: true, outcomeByHand: true },
    }),
    tx.activityControlOutcome.findMany({
      where: { activityId: { in: liveIds } },
      select: {
        activityId: true,
        controlId: true,
        outcome: true,
        detectedAt: true,
        alertSeverity: true,
        ruleName: true,
        notes: true,
      },
    }),
  ]);
  const current = new Map<string, Map<string, StoredOutcome>>(liveIds.map((id) => [id, new Map()]));
  for (const { activityId, ...outcome } of stored) current.get(activityId)?.set(outcome.controlId, outcome);
  const before = new Map([...current].map(([id, outcomes]) => [id, JSON.stringify(historyList(outcomes))]));

  const answers: Applied[] = [];
  const touched = new Map<string, StoredOutcome & { activityId: string }>();
  for (const { activityId, alert } of matches) {
    const outcomes = current.get(activityId);
    if (!outcomes) {
      answers.push({ applied: false });
      continue;
    }
    const existing = outcomes.get(alert.controlId) ?? null;
    const values = { ...valuesAfterAlert(existing, alert), controlId: alert.controlId };
    outcomes.set(alert.controlId, values);
    touched.set(`${activityId}|${alert.controlId}`, { ...values, activityId });
    answers.push({ applied: true, previous: undoValues(existing) });
  }

  const history: (FieldChange & { activityId: string })[] = [];
  const derivedRows: { id: string; outcome: string | null; detectedAt: Date | null }[] = [];
  for (const activity of activities) {
    const outcomes = current.get(activity.id) ?? new Map();
    const after = historyList(outcomes);
    if (JSON.stringify(after) === before.get(activity.id)) continue;
    history.push({
      activityId: activity.id,
      field: "blue.controlOutcomes",
      oldValue: JSON.parse(before.get(activity.id) ?? "[]"),
      newValue: JSON.parse(JSON.stringify(after)),
    });
    const derived = derivedOutcome(activity, after, true);
    if (derived && derived.changes.length > 0) {
      derivedRows.push({ id: activity.id, outcome: derived.outcome, detectedAt: derived.detectedAt });
      history.push(...derived.changes.map((c) => ({ ...c, activityId: activity.id })));
    }
  }
  const now = ctx.clock.now();
  await writeControlOutcomes(tx, ctx.org.id, [...touched.values()], now);
  await writeActivityOutcomes(tx, derivedRows, now);
  await recordHistories(tx, ctx, history);
  return answers;
}
