/**
 * Outcomes per defensive control and the activity's overall outcome derived from them: unless
 * a person set the outcome by hand, the best control outcome wins (prevented > blocked >
 * alerted > logged > not_detected) and the earliest control detection is the activity's
 * detection time. Used by activities.updateBlue and by alert matching.
 */
import type { Tx } from "../../db/database.js";
import type { OrgCtx } from "../../identity/contexts.js";
import { type FieldChange, recordHistory } from "../activity-history/activity-history.js";
import { controlOfOrg } from "../controls/controls.service.js";
import type { Outcome, Severity } from "./activities.schemas.js";

/** Strongest effect first. */
export const OUTCOME_RANK: Record<Outcome, number> = {
  prevented: 0,
  blocked: 1,
  alerted: 2,
  logged: 3,
  not_detected: 4,
};

/** The best of `outcomes`, or null when there is none. */
export function bestOutcome(outcomes: Outcome[]): Outcome | null {
  return outcomes.reduce<Outcome | null>(
    (best, o) => (best === null || OUTCOME_RANK[o] < OUTCOME_RANK[best] ? o : best),
    null,
  );
}

export interface ControlOutcomeValues {
  outcome: Outcome;
  detectedAt: Date | null;
  alertSeverity: Severity | null;
  ruleName: string | null;
  notes: string;
}

type HistoryCtx = Pick<OrgCtx, "user" | "org" | "clock">;

/** The control outcomes of an activity, for history and for restoring. */
export async function controlOutcomesOf(tx: Tx, activityId: string) {
  return tx.activityControlOutcome.findMany({
    where: { activityId },
    orderBy: { controlId: "asc" },
    select: { controlId: true, outcome: true, detectedAt: true, alertSeverity: true, ruleName: true, notes: true },
  });
}

/** Replaces every control outcome of the activity (controls must be the organization's). */
export async function replaceControlOutcomes(
  tx: Tx,
  ctx: Pick<OrgCtx, "org">,
  activityId: string,
  outcomes: (ControlOutcomeValues & { controlId: string })[],
): Promise<FieldChange[]> {
  for (const [index, o] of outcomes.entries()) {
    await controlOfOrg(tx, ctx.org.id, o.controlId, `controlOutcomes.${index}.controlId`);
  }
  const before = await controlOutcomesOf(tx, activityId);
  await tx.activityControlOutcome.deleteMany({ where: { activityId } });
  if (outcomes.length > 0) {
    await tx.activityControlOutcome.createMany({
      data: outcomes.map((o) => ({ ...o, activityId, organizationId: ctx.org.id })),
    });
  }
  const after = await controlOutcomesOf(tx, activityId);
  return JSON.stringify(before) === JSON.stringify(after)
    ? []
    : [{ field: "blue.controlOutcomes", oldValue: before, newValue: after }];
}

/** Sets (or, with `values` null, removes) one control's outcome on an activity. */
export async function setControlOutcome(
  tx: Tx,
  ctx: Pick<OrgCtx, "org">,
  activityId: string,
  controlId: string,
  values: ControlOutcomeValues | null,
): Promise<FieldChange[]> {
  const before = await controlOutcomesOf(tx, activityId);
  if (values === null) {
    await tx.activityControlOutcome.deleteMany({ where: { activityId, controlId } });
  } else {
    await tx.activityControlOutcome.upsert({
      where: { activityId_controlId: { activityId, controlId } },
      create: { ...values, activityId, controlId, organizationId: ctx.org.id },
      update: values,
    });
  }
  const after = await controlOutcomesOf(tx, activityId);
  return JSON.stringify(before) === JSON.stringify(after)
    ? []
    : [{ field: "blue.controlOutcomes", oldValue: before, newValue: after }];
}

export interface OutcomeState {
  outcome: Outcome | null;
  detectedAt: Date | null;
  outcomeByHand: boolean;
}

/**
 * The activity's outcome and detection time that follow from its control outcomes (the best
 * outcome, the earliest detection), with the changes to record; null when it does not follow:
 * set by hand, or no control outcomes unless `controlsChanged` just removed the last one.
 */
export function derivedOutcome(
  activity: OutcomeState,
  outcomes: Pick<ControlOutcomeValues, "outcome" | "detectedAt">[],
  controlsChanged: boolean,
): { outcome: Outcome | null; detectedAt: Date | null; changes: FieldChange[] } | null {
  if (activity.outcomeByHand || (outcomes.length === 0 && !controlsChanged)) return null;
  const outcome = bestOutcome(outcomes.map((o) => o.outcome));
  const detections = outcomes.flatMap((o) => (o.detectedAt ? [o.detectedAt.getTime()] : []));
  const detectedAt = detections.length > 0 ? new Date(Math.min(...detections)) : activity.detectedAt;
  const changes: FieldChange[] = [];
  if (outcome !== activity.outcome)
    changes.push({ field: "blue.outcome", oldValue: activity.outcome, newValue: outcome });
  if (detectedAt?.getTime() !== activity.detectedAt?.getTime()) {
    changes.push({ field: "blue.detectedAt", oldValue: activity.detectedAt, newValue: detectedAt });
  }
  return { outcome, detectedAt, changes };
}

/**
 * Unless the activity's outcome was set by hand (or it has no control outcomes, and `earlier`
 * did not just remove them), sets it to the best control outcome and its detection time to the
 * earliest control detection; records `earlier` changes with its own.
 */
export async function deriveActivityOutcome(
  tx: Tx,
  ctx: HistoryCtx,
  activityId: string,
  earlier: FieldChange[],
): Promise<void> {
  const activity = await tx.activity.findUniqueOrThrow({
    where: { id: activityId },
    select: { outcome: true, detectedAt: true, outcomeByHand: true },
  });
  const outcomes = activity.outcomeByHand ? [] : await controlOutcomesOf(tx, activityId);
  const derived = derivedOutcome(
    activity,
    outcomes,
    earlier.some((c) => c.field === "blue.controlOutcomes"),
  );
  if (derived && derived.changes.length > 0) {
    await tx.activity.update({
      where: { id: activityId },
      data: { outcome: derived.outcome, detectedAt: derived.detectedAt },
    });
  }
  await recordHistory(tx, ctx, activityId, [...earlier, ...(derived?.changes ?? [])]);
}
