/**
 * Members of an organization: listing, role changes, removal, leaving and ownership transfer.
 * Each write locks the organization, re-reads the caller's role inside the transaction, and
 * keeps at least one owner; who may touch whom is canManageMember's decision.
 */

import type { Tx } from "../../db/database.js";
import type { Prisma } from "../../generated/prisma/client.js";
import type { AuthUser, OrgScope } from "../../identity/principal.js";
import { AppError } from "../../lib/app-error.js";
import { likeLiteral, pageWindow, toPage } from "../../lib/pagination.js";
import { changingOrg, orgNotFound, requireOrgPermission } from "../acl/access.js";
import { canManageMember, type OrgRole } from "../acl/permissions.js";
import { lockOrganization, type OrgDeps, recordOrgAudit } from "./org-audit.js";
import type { ListMembersInput, Member, Organization } from "./orgs.schemas.js";
import { ORG_SELECT, toOrganization } from "./orgs.service.js";

const MEMBER_SELECT = {
  role: true,
  createdAt: true,
  user: { select: { id: true, email: true, name: true, avatarUrl: true } },
} satisfies Prisma.MembershipSelect;

type MemberRow = Prisma.MembershipGetPayload<{ select: typeof MEMBER_SELECT }>;

function toMember(row: MemberRow): Member {
  return {
    userId: row.user.id,
    email: row.user.email,
    name: row.user.name,
    avatarUrl: row.user.avatarUrl,
    role: row.role,
    joinedAt: row.createdAt.toISOString(),
  };
}

const memberNotFound = () => new AppError("NOT_FOUND", "No member of this organization has this id", "userId");
const lastOwner = (what: string) =>
  new AppError(
    "CONFLICT",
    `The organization's last owner cannot ${what}: make another member owner first (orgs.transferOwnership)`,
    "userId",
  );

async function findMember(tx: Tx, organizationId: string, userId: string): Promise<MemberRow> {
  const row = await tx.membership.findUnique({
    where: { organizationId_userId: { organizationId, userId } },
    select: MEMBER_SELECT,
  });
  if (!row) throw memberNotFound();
  return row;
}

/** The caller's scope with the role read inside the transaction (it may have changed since the guard ran). */
async function freshScope(tx: Tx, org: OrgScope, actor: AuthUser): Promise<OrgScope> {
  if (org.viaSuperuser) return org;
  const me = await tx.membership.findUnique({
    where: { organizationId_userId: { organizationId: org.id, userId: actor.id } },
    select: { role: true },
  });
  if (!me) throw orgNotFound();
  return { ...org, role: me.role };
}

function assertMayManage(org: OrgScope, ...roles: OrgRole[]): void {
  if (!roles.every((role) => canManageMember(org.role, role))) {
    throw new AppError("FORBIDDEN", "Only owners can change owners or make new owners");
  }
}

async function assertOtherOwnerExists(tx: Tx, organizationId: string, what: string): Promise<void> {
  const owners = await tx.membership.count({ where: { organizationId, role: "owner" } });
  if (owners <= 1) throw lastOwner(what);
}

/** Deletes a membership and the member's ACL entries on the organization's assessments. */
async function deleteMembership(tx: Tx, organizationId: string, userId: string): Promise<number> {
  const acl = await tx.assessmentAcl.deleteMany({ where: { userId, assessment: { organizationId } } });
  await tx.membership.delete({ where: { organizationId_userId: { organizationId, userId } } });
  return acl.count;
}

/** Members of the organization, owners first, then by joining date. */
export async function listMembers(ctx: OrgDeps & { org: OrgScope }, input: ListMembersInput) {
  const { org } = ctx;
  requireOrgPermission(org, "read:members");
  const text = input.q ? likeLiteral(input.q) : undefined;
  const where: Prisma.MembershipWhereInput = {
    organizationId: org.id,
    ...(input.role ? { role: input.role } : {}),
    ...(text
      ? {
          user: {
            OR: [{ email: { contains: text, mode: "insensitive" } }, { name: { contains: text, mode: "insensitive" } }],
          },
        }
      : {}),
  };
  const [total, rows] = await ctx.db.prisma.$transaction([
    ctx.db.prisma.membership.count({ where }),
    ctx.db.prisma.membership.findMany({
      where,
      orderBy: [{ role: "asc" }, { createdAt: "asc" }, { id: "asc" }],
      ...pageWindow(input),
      select: MEMBER_SELECT,
    }),
  ]);
  return toPage(rows.map(toMember), total, input.page, input.pageSize);
}

/** Sets a member's role; admins cannot touch owners nor make owners; the last owner stays owner. */
export async function setMemberRole(
  ctx: OrgDeps & { user: AuthUser; org: OrgScope },
  input: { userId: string; role: OrgRole },
): Promise<Member> {
  const { user: actor, org } = ctx;
  requireOrgPermission(org, "manage:members");
  return changingOrg(ctx, org.id, () =>
    ctx.db.prisma.$transaction(async (tx) => {
      await lockOrganization(tx, org.id);
      const scope = await freshScope(tx, org, actor);
      requireOrgPermission(scope, "manage:members");
      const target = await findMember(tx, org.id, input.userId);
      assertMayManage(scope, target.role, input.role);
      if (target.role === input.role) return toMember(target);
      if (target.role === "owner") await assertOtherOwnerExists(tx, org.id, "be demoted");
      const row = await tx.membership.update({
        where: { organizationId_userId: { organizationId: org.id, userId: input.userId } },
        data: { role: input.role },
        select: MEMBER_SELECT,
      });
      await recordOrgAudit(tx, ctx, actor, scope, {
        type: "org.member.role_changed",
        metadata: { userId: input.userId, from: target.role, to: input.role },
      });
      return toMember(row);
    }),
  );
}

/** Removes a member (same rules as role changes) with their ACL entries in the organization. */
export async function removeMember(ctx: OrgDeps & { user: AuthUser; org: OrgScope }, userId: string): Promise<void> {
  const { user: actor, org } = ctx;
  requireOrgPermission(org, "manage:members");
  await changingOrg(ctx, org.id, () =>
    ctx.db.prisma.$transaction(async (tx) => {
      await lockOrganization(tx, org.id);
      const scope = await freshScope(tx, org, actor);
      requireOrgPermission(scope, "manage:members");
      const target = await findMember(tx, org.id, userId);
      assertMayManage(scope, target.role);
      if (target.role === "owner") await assertOtherOwnerExists(tx, org.id, "be removed");
      const aclEntriesRemoved = await deleteMembership(tx, org.id, userId);
      await recordOrgAudit(tx, ctx, actor, scope, {
        type: "org.member.removed",
        metadata: { userId, role: target.role, aclEntriesRemoved },
      });
    }),
  );
}

/** The caller leaves the organization (with their ACL entries); the last owner cannot. */
export async function leaveOrg(ctx: OrgDeps & { user: AuthUser; org: OrgScope }): Promise<void> {
  const { user: actor, org } = ctx;
  if (org.viaSuperuser) throw new AppError("CONFLICT", "You are not a member of this organization");
  await changingOrg(ctx, org.id, () =>
    ctx.db.prisma.$transaction(async (tx) => {
      await lockOrganization(tx, org.id);
      const scope = await freshScope(tx, org, actor);
      if (scope.role === "owner") {
        const owners = await tx.membership.count({ where: { organizationId: org.id, role: "owner" } });
        if (owners <= 1) {
          throw new AppError(
            "CONFLICT",
            "You are the last owner: transfer ownership (orgs.transferOwnership) or delete the organization before leaving",
          );
        }
      }
      const aclEntriesRemoved = await deleteMembership(tx, org.id, actor.id);
      await recordOrgAudit(tx, ctx, actor, scope, {
        type: "org.member.left",
        metadata: { userId: actor.id, role: scope.role, aclEntriesRemoved },
      });
    }),
  );
}

/** Makes a member owner and the calling owner an admin, in one transaction (owners only). */
export async function transferOwnership(
  ctx: OrgDeps & { user: AuthUser; org: OrgScope },
  userId: string,
): Promise<Organization> {
  const { user: actor, org } = ctx;
  requireOrgPermission(org, "transfer:organization");
  if (userId === actor.id) throw new AppError("VALIDATION", "You already own this organization", "userId");
  return changingOrg(ctx, org.id, () =>
    ctx.db.prisma.$transaction(async (tx) => {
      await lockOrganization(tx, org.id);
      const scope = await freshScope(tx, org, actor);
      requireOrgPermission(scope, "transfer:organization");
      const target = await findMember(tx, org.id, userId);
      if (target.role === "owner") throw new AppError("CONFLICT", "This member is already an owner", "userId");
      await tx.membership.update({
        where: { organizationId_userId: { organizationId: org.id, userId } },
        data: { role: "owner" },
      });
      // A superuser acting without membership has no role of their own to give up.
      const callerRole: OrgRole = scope.viaSuperuser ? "owner" : "admin";
      if (!scope.viaSuperuser) {
        await tx.membership.update({
          where: { organizationId_userId: { organizationId: org.id, userId: actor.id } },
          data: { role: "admin" },
        });
      }
      await recordOrgAudit(tx, ctx, actor, scope, {
        type: "org.ownership.transferred",
        metadata: { from: actor.id, to: userId, previousRole: target.role, callerRole },
      });
      const row = await tx.organization.findUniqueOrThrow({ where: { id: org.id }, select: ORG_SELECT });
      return toOrganization(row, callerRole, scope.viaSuperuser);
    }),
  );
}
