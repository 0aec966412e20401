/**
 * Applying a match to its activity (the alert's control gets its outcome, detection time,
 * severity and rule name; the activity's derived outcome follows) and undoing it (the
 * control's values before the match are restored). Runs inside the caller's transaction.
 */
import type { Tx } from "../../db/database.js";
import type { Prisma } from "../../generated/prisma/client.js";
import type { OrgCtx } from "../../identity/contexts.js";
import type { Outcome, Severity } from "../activities/activities.schemas.js";
import { lockActivity } from "../activities/activity-access.js";
import {
  bestOutcome,
  type ControlOutcomeValues,
  deriveActivityOutcome,
  setControlOutcome,
} from "../activities/control-outcomes.js";
import { actionPrevented } from "./alert-formats.js";

export type ApplyCtx = Pick<OrgCtx, "user" | "org" | "clock">;

export interface AlertFacts {
  controlId: string;
  occurredAt: Date;
  severity: Severity | null;
  ruleName: string | null;
  action: string | null;
}

interface StoredValues {
  outcome: Outcome;
  detectedAt: string | null;
  alertSeverity: Severity | null;
  ruleName: string | null;
  notes: string;
}

/** The control's values once `alert` is applied over `existing` (the stronger outcome, the earlier detection). */
export function valuesAfterAlert(existing: ControlOutcomeValues | null, alert: AlertFacts): ControlOutcomeValues {
  const outcome: Outcome = actionPrevented(alert.action) ? "prevented" : "alerted";
  if (!existing) {
    return {
      outcome,
      detectedAt: alert.occurredAt,
      alertSeverity: alert.severity,
      ruleName: alert.ruleName,
      notes: "",
    };
  }
  return {
    outcome: bestOutcome([existing.outcome, outcome]) ?? outcome,
    detectedAt: existing.detectedAt && existing.detectedAt < alert.occurredAt ? existing.detectedAt : alert.occurredAt,
    alertSeverity: alert.severity ?? existing.alertSeverity,
    ruleName: alert.ruleName ?? existing.ruleName,
    notes: existing.notes,
  };
}

/** `existing` as a match keeps it for undoing (null: the control had no outcome). */
export function undoValues(existing: ControlOutcomeValues | null): Prisma.InputJsonValue | null {
  if (!existing) return null;
  const previous: StoredValues = {
    outcome: existing.outcome,
    detectedAt: existing.detectedAt?.toISOString() ?? null,
    alertSeverity: existing.alertSeverity,
    ruleName: existing.ruleName,
    notes: existing.notes,
  };
  return previous as unknown as Prisma.InputJsonValue;
}

/** Fills the alert's control on the activity; returns the values it replaced (null: none), for undoing. */
export async function applyAlert(
  tx: Tx,
  ctx: ApplyCtx,
  activityId: string,
  alert: AlertFacts,
): Promise<Prisma.InputJsonValue | null> {
  await lockActivity(tx, ctx.org.id, activityId);
  const existing = await tx.activityControlOutcome.findUnique({
    where: { activityId_controlId: { activityId, controlId: alert.controlId } },
  });
  const changes = await setControlOutcome(tx, ctx, activityId, alert.controlId, valuesAfterAlert(existing, alert));
  await deriveActivityOutcome(tx, ctx, activityId, changes);
  return undoValues(existing);
}

/** Puts back the control's values from before the match (`previous` null: removes the control's outcome). */
export async function restoreBefore(
  tx: Tx,
  ctx: ApplyCtx,
  activityId: string,
  controlId: string,
  previous: unknown,
): Promise<void> {
  await lockActivity(tx, ctx.org.id, activityId);
  const stored = previous as StoredValues | null;
  const values: ControlOutcomeValues | null = stored
    ? { ...stored, detectedAt: stored.detectedAt ? new Date(stored.detectedAt) : null }
    : null;
  const changes = await setControlOutcome(tx, ctx, activityId, controlId, values);
  await deriveActivityOutcome(tx, ctx, activityId, changes);
}
