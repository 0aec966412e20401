/**
 * An execution linked to an activity that waits for red writes its result into the activity
 * when it ends: the red fields (the command as displayed, when it ran, who ran it) and the
 * captured output as a text evidence file. It acts as the person who started it, through
 * the activities and evidence services, so their rules apply: nothing is written unless that
 * person may still edit the activity's red fields.
 */
import type { Deps } from "../../context.js";
import type { Execution } from "../../generated/prisma/client.js";
import type { OrgCtx } from "../../identity/contexts.js";
import type { AuthUser } from "../../identity/principal.js";
import { AppError } from "../../lib/app-error.js";
import { resolveOrg } from "../acl/access.js";
import { updateRed } from "../activities/activity-workflow.service.js";
import { uploadEvidence } from "../evidence/evidence.service.js";

type LinkDeps = Pick<Deps, "db" | "logger" | "clock" | "ids" | "config" | "auth">;

// Statuses whose command actually ran: an execution cancelled by its operator records nothing.
const RAN = new Set(["completed", "failed", "timed_out"]);

/** The starter of `row`, acting in its organization, or null when they no longer can. */
async function starterContext(deps: LinkDeps, row: Execution): Promise<OrgCtx | null> {
  const user = await deps.db.prisma.user.findFirst({
    where: { id: row.startedById, isActive: true, deletedAt: null },
    select: { id: true, email: true, name: true, role: true, isSuperuser: true },
  });
  if (!user) return null;
  const authUser: AuthUser = { ...user, sessionId: "" };
  const org = await resolveOrg(deps, authUser, row.organizationId).catch(() => null);
  if (!org) return null;
  const req = { requestId: `execution:${row.id}`, ip: null, userAgent: "assay-executions", headers: new Headers() };
  return { db: deps.db, clock: deps.clock, ids: deps.ids, config: deps.config, req, user: authUser, org };
}

/** Fills the activity's red fields and stores the output as evidence, when the rules allow it. */
export async function linkToActivity(deps: LinkDeps, row: Execution): Promise<void> {
  if (!row.activityId || !row.startedAt || !RAN.has(row.status)) return;
  const { prisma } = deps.db;
  const activity = await prisma.activity.findFirst({
    where: { id: row.activityId, organizationId: row.organizationId, deletedAt: null },
    select: { status: true },
  });
  if (activity?.status !== "waiting_red") return;
  const ctx = await starterContext(deps, row);
  if (!ctx) return;
  try {
    await updateRed(ctx, {
      id: row.activityId,
      command: row.command,
      executedAt: row.startedAt.toISOString(),
      executedBy: row.startedById,
    });
  } catch (error) {
    if (error instanceof AppError && (error.code === "FORBIDDEN" || error.code === "NOT_FOUND")) return;
    throw error;
  }
  await prisma.execution.update({ where: { id: row.id }, data: { redFieldsFilled: true } });
  const chunks = await prisma.executionOutput.findMany({ where: { executionId: row.id }, orderBy: { seq: "asc" } });
  const text = chunks.map((c) => c.data).join("");
  if (text === "") return;
  const evidence = await uploadEvidence(ctx, {
    activityId: row.activityId,
    fileName: `execution-${row.id}.txt`,
    declaredType: "text/plain",
    data: new TextEncoder().encode(text),
  });
  await prisma.execution.update({ where: { id: row.id }, data: { evidenceId: evidence.id } });
}
