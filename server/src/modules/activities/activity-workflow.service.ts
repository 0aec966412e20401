/**
 * The red/blue workflow of an activity: red records what it ran and expected, blue what it
 * saw, the lead evaluates. Field-level rules come from acl/permissions.ts (canWriteFields);
 * the allowed status moves are the table below. Each write locks the activity row, so a
 * status change and a field edit never race past each other.
 */

import type { Context } from "../../context.js";
import type { Tx } from "../../db/database.js";
import type { Prisma } from "../../generated/prisma/client.js";
import type { OrgCtx } from "../../identity/contexts.js";
import { AppError } from "../../lib/app-error.js";
import { defined } from "../../lib/defined.js";
import { isUuid } from "../../lib/ids.js";
import { type AssessmentRole, assessmentCan, canWriteFields } from "../acl/permissions.js";
import { changesOf, type FieldChange, recordHistory } from "../activity-history/activity-history.js";
import {
  type Activity,
  type ActivityStatus,
  EVALUATION_CATEGORIES,
  type EvaluateInput,
  type UpdateBlueInput,
  type UpdateRedInput,
} from "./activities.schemas.js";
import { activityAccess, activityOrThrow, type LockedActivity, lockActivity } from "./activity-access.js";
import { deriveActivityOutcome, replaceControlOutcomes } from "./control-outcomes.js";
import { computeEvaluation } from "./evaluation.js";

/**
 * Allowed moves and who may make them: "red" moves need the right to write red fields in
 * the current status (red while planned or waiting for red, or the lead); "lead" moves need
 * manage:activities. Moving to evaluated runs the evaluation.
 */
const TRANSITIONS: Record<ActivityStatus, Partial<Record<ActivityStatus, "red" | "lead">>> = {
  planned: { waiting_red: "red", skipped: "lead" },
  waiting_red: { waiting_blue: "red", planned: "lead", skipped: "lead" },
  waiting_blue: { evaluated: "lead", waiting_red: "lead", skipped: "lead" },
  evaluated: { waiting_blue: "lead" },
  skipped: { planned: "lead" },
};

const forbiddenSide = (side: "red" | "blue", role: AssessmentRole) =>
  new AppError(
    "FORBIDDEN",
    side === "red"
      ? `Red fields can be written by red while the activity is planned or waits for red (your role: ${role})`
      : `Blue fields can be written by blue while the activity waits for blue (your role: ${role})`,
  );

async function withLocked(
  ctx: OrgCtx,
  id: string,
  work: (tx: Tx, before: LockedActivity) => Promise<void>,
): Promise<Activity> {
  await ctx.db.prisma.$transaction(async (tx) => work(tx, await lockActivity(tx, ctx.org.id, id)));
  return activityOrThrow(ctx, id);
}

const RED_FIELDS = [
  ["red.command", "command"],
  ["red.executedAt", "executedAt"],
  ["red.executedBy", "executedBy"],
  ["red.source", "source"],
  ["red.target", "target"],
  ["red.expectations.logged", "expectLogged"],
  ["red.expectations.prevented", "expectPrevented"],
  ["red.expectations.alerted", "expectAlerted"],
  ["red.expectations.notified", "expectNotified"],
  ["red.expectations.expectedSeverity", "expectedSeverity"],
] as const;

const toDate = (value: string | null | undefined) => (value === undefined ? undefined : value ? new Date(value) : null);

/** The user id behind `executedBy` when it is a member's id; VALIDATION when it is an id of no member. */
async function executorId(tx: Tx, organizationId: string, executedBy: string | null): Promise<string | null> {
  if (!executedBy || !isUuid(executedBy)) return null;
  const member = await tx.membership.findFirst({
    where: { organizationId, userId: executedBy },
    select: { userId: true },
  });
  if (!member) throw new AppError("VALIDATION", "No member of this organization has this id", "executedBy");
  return member.userId;
}

/** Records what red ran and expected (red while planned or waiting for red; lead any time). */
export async function updateRed(ctx: OrgCtx, input: UpdateRedInput): Promise<Activity> {
  const access = await activityAccess(ctx, input.id, "write:red-fields");
  return withLocked(ctx, input.id, async (tx, before) => {
    if (!canWriteFields(access.role, "red", before.status)) throw forbiddenSide("red", access.role);
    const e = input.expectations ?? {};
    const data = {
      command: input.command,
      executedAt: toDate(input.executedAt),
      executedBy: input.executedBy,
      source: input.source,
      target: input.target,
      expectLogged: e.logged,
      expectPrevented: e.prevented,
      expectAlerted: e.alerted,
      expectNotified: e.notified,
      expectedSeverity: e.expectedSeverity,
    };
    const changes = changesOf(before, data, RED_FIELDS);
    if (changes.length === 0) return;
    const executedByUserId =
      input.executedBy === undefined ? undefined : await executorId(tx, ctx.org.id, input.executedBy);
    await tx.activity.update({ where: { id: input.id }, data: defined({ ...data, executedByUserId }) });
    await recordHistory(tx, ctx, input.id, changes);
  });
}

const BLUE_FIELDS = [
  ["blue.outcome", "outcome"],
  ["blue.detectedAt", "detectedAt"],
  ["blue.detectionSource", "detectionSource"],
  ["blue.alertSeverity", "alertSeverity"],
  ["blue.notifiedAt", "notifiedAt"],
  ["blue.notes", "blueNotes"],
] as const;

/** Records what blue saw (blue while the activity waits for blue; lead any time). */
export async function updateBlue(ctx: OrgCtx, input: UpdateBlueInput): Promise<Activity> {
  const access = await activityAccess(ctx, input.id, "write:blue-fields");
  return withLocked(ctx, input.id, async (tx, before) => {
    if (!canWriteFields(access.role, "blue", before.status)) throw forbiddenSide("blue", access.role);
    const data = {
      outcome: input.outcome,
      detectedAt: toDate(input.detectedAt),
      detectionSource: input.detectionSource,
      alertSeverity: input.alertSeverity,
      notifiedAt: toDate(input.notifiedAt),
      blueNotes: input.notes,
    };
    const changes = changesOf(before, data, BLUE_FIELDS);
    // An outcome sent by hand sticks; sending null hands it back to the controls.
    const outcomeByHand = input.outcome === undefined ? before.outcomeByHand : input.outcome !== null;
    if (changes.length > 0 || outcomeByHand !== before.outcomeByHand) {
      await tx.activity.update({ where: { id: input.id }, data: defined({ ...data, outcomeByHand }) });
    }
    if (input.controlOutcomes) {
      const outcomes = input.controlOutcomes.map((o) => ({
        controlId: o.controlId,
        outcome: o.outcome,
        detectedAt: toDate(o.detectedAt) ?? null,
        alertSeverity: o.alertSeverity ?? null,
        ruleName: o.ruleName ?? null,
        notes: o.notes ?? "",
      }));
      changes.push(...(await replaceControlOutcomes(tx, ctx, input.id, outcomes)));
    }
    await deriveActivityOutcome(tx, ctx, input.id, changes);
  });
}

const RESULT_COLUMNS = {
  prevention: "preventionResult",
  detection: "detectionResult",
  logging: "loggingResult",
  notification: "notificationResult",
  severity: "severityResult",
} as const;

type Overrides = EvaluateInput["overrides"];

/** Scores the activity, applies the lead's overrides and marks it evaluated, inside `tx`. */
async function applyEvaluation(tx: Tx, ctx: OrgCtx, before: LockedActivity, overrides: Overrides): Promise<void> {
  if (before.status !== "waiting_blue" && before.status !== "evaluated") {
    throw new AppError(
      "CONFLICT",
      `Only an activity waiting for blue can be evaluated (it is ${before.status})`,
      "status",
    );
  }
  if (!before.outcome) {
    throw new AppError("UNPROCESSABLE", "Blue has not recorded an outcome yet", "outcome");
  }
  const computed = computeEvaluation({ ...before, outcome: before.outcome });
  const now = ctx.clock.now();
  const results = { ...computed };
  const stored = overrides.map((o) => {
    results[o.category] = o.result;
    return {
      category: o.category,
      computed: computed[o.category],
      result: o.result,
      reason: o.reason,
      byId: ctx.user.id,
      at: now.toISOString(),
    };
  });
  const data: Prisma.ActivityUpdateInput = {
    status: "evaluated",
    evaluationOverrides: stored,
    evaluatedAt: now,
    evaluatedById: ctx.user.id,
  };
  const changes: FieldChange[] = [];
  for (const category of EVALUATION_CATEGORIES) {
    const column = RESULT_COLUMNS[category];
    data[column] = results[category];
    if (before[column] !== results[category]) {
      changes.push({ field: `evaluation.${category}`, oldValue: before[column], newValue: results[category] });
    }
  }
  if (JSON.stringify(before.evaluationOverrides) !== JSON.stringify(stored)) {
    changes.push({ field: "evaluation.overrides", oldValue: before.evaluationOverrides, newValue: stored });
  }
  if (before.status !== "evaluated") changes.push({ field: "status", oldValue: before.status, newValue: "evaluated" });
  await tx.activity.update({ where: { id: before.id }, data });
  await recordHistory(tx, ctx, before.id, changes);
}

/** A workflow service's context: an org-scoped caller that may announce events. */
type WorkflowCtx = OrgCtx & Pick<Context, "events">;

/** Announces (after the commit) that `activity` now waits for blue or was evaluated. */
function announce(ctx: WorkflowCtx, activity: Activity, previousStatus: ActivityStatus): void {
  if (activity.status !== "waiting_blue" && activity.status !== "evaluated") return;
  const data: Record<string, unknown> = {
    assessmentId: activity.assessmentId,
    activityId: activity.id,
    title: activity.title,
    tactic: activity.tactic,
    techniques: activity.techniques,
    status: activity.status,
    previousStatus,
  };
  if (activity.status === "evaluated") {
    data.outcome = activity.blue.outcome;
    data.evaluation = activity.evaluation.results;
  }
  ctx.events.emit({
    type: activity.status === "waiting_blue" ? "activity.waiting_blue" : "activity.evaluated",
    organizationId: ctx.org.id,
    actorId: ctx.user.id,
    data,
  });
}

/** Computes the evaluation (with optional overrides, each with a reason) and marks the activity evaluated (lead). */
export async function evaluateActivity(ctx: WorkflowCtx, input: EvaluateInput): Promise<Activity> {
  await activityAccess(ctx, input.id, "evaluate:activity");
  let previous: ActivityStatus | undefined;
  const activity = await withLocked(ctx, input.id, (tx, before) => {
    previous = before.status;
    return applyEvaluation(tx, ctx, before, input.overrides);
  });
  if (previous !== undefined) announce(ctx, activity, previous);
  return activity;
}

/** Moves an activity along the workflow; out-of-order moves are CONFLICT on `to`. */
export async function transitionActivity(
  ctx: WorkflowCtx,
  input: { id: string; to: ActivityStatus },
): Promise<Activity> {
  const access = await activityAccess(ctx, input.id, "read:assessment");
  let previous: ActivityStatus | undefined;
  const activity = await withLocked(ctx, input.id, async (tx, before) => {
    previous = before.status;
    const mover = TRANSITIONS[before.status][input.to];
    if (!mover) {
      const allowed = Object.keys(TRANSITIONS[before.status]).join(", ");
      throw new AppError(
        "CONFLICT",
        `An activity that is ${before.status} cannot move to ${input.to} (allowed: ${allowed})`,
        "to",
      );
    }
    const permitted =
      mover === "red"
        ? canWriteFields(access.role, "red", before.status)
        : assessmentCan(access.role, "manage:activities");
    if (!permitted) {
      throw new AppError("FORBIDDEN", `Your role on this assessment (${access.role}) cannot move it to ${input.to}`);
    }
    if (input.to === "evaluated") return applyEvaluation(tx, ctx, before, []);
    const data: Prisma.ActivityUpdateInput = { status: input.to };
    const changes: FieldChange[] = [{ field: "status", oldValue: before.status, newValue: input.to }];
    if (before.status === "evaluated") {
      // Reopening: the old scores no longer describe the activity until it is evaluated again.
      for (const category of EVALUATION_CATEGORIES) {
        const column = RESULT_COLUMNS[category];
        data[column] = null;
        if (before[column] !== null)
          changes.push({ field: `evaluation.${category}`, oldValue: before[column], newValue: null });
      }
      Object.assign(data, { evaluationOverrides: [], evaluatedAt: null, evaluatedById: null });
    }
    await tx.activity.update({ where: { id: input.id }, data });
    await recordHistory(tx, ctx, input.id, changes);
  });
  if (previous !== undefined && previous !== activity.status) announce(ctx, activity, previous);
  return activity;
}
