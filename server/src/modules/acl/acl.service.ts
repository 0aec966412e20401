/**
 * Per-assessment ACLs: who holds which role on an assessment, on top of their org role.
 * Reading needs read access to the assessment; changes need manage:acl (the lead, or an org
 * owner/admin acting as lead). Grantees are members of the assessment's organization; every
 * change is a security event, audited in its transaction.
 */

import type { Tx } from "../../db/database.js";
import type { Prisma } from "../../generated/prisma/client.js";
import type { AuthUser, OrgScope } from "../../identity/principal.js";
import { AppError } from "../../lib/app-error.js";
import { pageWindow, toPage } from "../../lib/pagination.js";
import { type OrgDeps, recordOrgAudit } from "../orgs/org-audit.js";
import { requireAssessmentPermission } from "./access.js";
import type { AclEntry, AclGrantInput, AclTargetInput, ListAclInput } from "./acl.schemas.js";

const ENTRY_SELECT = {
  role: true,
  grantedById: true,
  createdAt: true,
  updatedAt: true,
  user: { select: { id: true, email: true, name: true, avatarUrl: true } },
} satisfies Prisma.AssessmentAclSelect;

type EntryRow = Prisma.AssessmentAclGetPayload<{ select: typeof ENTRY_SELECT }>;

function toEntry(row: EntryRow): AclEntry {
  return {
    userId: row.user.id,
    email: row.user.email,
    name: row.user.name,
    avatarUrl: row.user.avatarUrl,
    role: row.role,
    grantedById: row.grantedById,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

const noEntry = () => new AppError("NOT_FOUND", "This user holds no role on this assessment", "userId");

function entryKey(input: AclTargetInput) {
  return { assessmentId_userId: { assessmentId: input.assessmentId, userId: input.userId } };
}

function audit(
  tx: Tx,
  ctx: OrgDeps,
  actor: AuthUser,
  org: OrgScope,
  type: string,
  input: AclTargetInput,
  metadata: Prisma.InputJsonObject,
) {
  return recordOrgAudit(tx, ctx, actor, org, {
    type,
    targetType: "assessment",
    targetId: input.assessmentId,
    metadata: { userId: input.userId, ...metadata },
  });
}

/** The ACL of an assessment the caller can read, by role then date. */
export async function listAcl(ctx: OrgDeps & { user: AuthUser; org: OrgScope }, input: ListAclInput) {
  await requireAssessmentPermission(ctx, input.assessmentId, "read:assessment");
  const where = { assessmentId: input.assessmentId };
  const [total, rows] = await ctx.db.prisma.$transaction([
    ctx.db.prisma.assessmentAcl.count({ where }),
    ctx.db.prisma.assessmentAcl.findMany({
      where,
      orderBy: [{ role: "asc" }, { createdAt: "asc" }, { id: "asc" }],
      ...pageWindow(input),
      select: ENTRY_SELECT,
    }),
  ]);
  return toPage(rows.map(toEntry), total, input.page, input.pageSize);
}

/** Gives a member of the organization a role on the assessment; a second grant is a CONFLICT. */
export async function grantAcl(
  ctx: OrgDeps & { user: AuthUser; org: OrgScope },
  input: AclGrantInput,
): Promise<AclEntry> {
  const { user: actor, org } = ctx;
  await requireAssessmentPermission(ctx, input.assessmentId, "manage:acl");
  const taken = () =>
    new AppError("CONFLICT", "This user already holds a role on this assessment: change it with acl.update", "userId");
  try {
    return await ctx.db.prisma.$transaction(async (tx) => {
      const member = await tx.membership.findUnique({
        where: { organizationId_userId: { organizationId: org.id, userId: input.userId } },
        select: { id: true },
      });
      if (!member) throw new AppError("NOT_FOUND", "No member of this organization has this id", "userId");
      const existing = await tx.assessmentAcl.findUnique({ where: entryKey(input), select: { id: true } });
      if (existing) throw taken();
      const row = await tx.assessmentAcl.create({
        data: { assessmentId: input.assessmentId, userId: input.userId, role: input.role, grantedById: actor.id },
        select: ENTRY_SELECT,
      });
      await audit(tx, ctx, actor, org, "acl.granted", input, { role: input.role });
      return toEntry(row);
    });
  } catch (error) {
    // Two grants racing for one user: the unique (assessment, user) key lets one through.
    if ((error as { code?: unknown } | null)?.code === "P2002") throw taken();
    throw error;
  }
}

/** Changes the role a user holds on the assessment; the same role changes (and records) nothing. */
export async function updateAcl(
  ctx: OrgDeps & { user: AuthUser; org: OrgScope },
  input: AclGrantInput,
): Promise<AclEntry> {
  const { user: actor, org } = ctx;
  await requireAssessmentPermission(ctx, input.assessmentId, "manage:acl");
  return ctx.db.prisma.$transaction(async (tx) => {
    const current = await tx.assessmentAcl.findUnique({ where: entryKey(input), select: ENTRY_SELECT });
    if (!current) throw noEntry();
    if (current.role === input.role) return toEntry(current);
    const row = await tx.assessmentAcl.update({
      where: entryKey(input),
      data: { role: input.role, grantedById: actor.id },
      select: ENTRY_SELECT,
    });
    await audit(tx, ctx, actor, org, "acl.updated", input, { from: current.role, to: input.role });
    return toEntry(row);
  });
}

/** Takes away the role a user holds on the assessment. */
export async function revokeAcl(
  ctx: OrgDeps & { user: AuthUser; org: OrgScope },
  input: AclTargetInput,
): Promise<void> {
  const { user: actor, org } = ctx;
  await requireAssessmentPermission(ctx, input.assessmentId, "manage:acl");
  await ctx.db.prisma.$transaction(async (tx) => {
    const current = await tx.assessmentAcl.findUnique({ where: entryKey(input), select: { id: true, role: true } });
    if (!current) throw noEntry();
    await tx.assessmentAcl.delete({ where: { id: current.id } });
    await audit(tx, ctx, actor, org, "acl.revoked", input, { role: current.role });
  });
}
