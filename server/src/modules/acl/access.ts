/**
 * Tenancy and assessment access, resolved in one place: which organization a request acts
 * in (membership checked), and which role the caller holds on an assessment. Ids from an
 * organization the caller cannot see answer NOT_FOUND, never FORBIDDEN: existence must not leak.
 */
import type { Context } from "../../context.js";
import type { AuthUser, OrgScope } from "../../identity/principal.js";
import { AppError } from "../../lib/app-error.js";
import { isUuid } from "../../lib/ids.js";
import {
  type AssessmentPermission,
  type AssessmentRole,
  assessmentCan,
  effectiveAssessmentRole,
  type OrgPermission,
  type OrgRole,
  orgCan,
} from "./permissions.js";

export const orgNotFound = () => new AppError("NOT_FOUND", "Organization not found", "organizationId");

/**
 * The organization `orgId` as `user` may act in it; NOT_FOUND when not a member (or deleted).
 * Cached with the session (SESSION_CACHE_TTL_MS): every change to the organization or its
 * memberships goes through `changingOrg`, which drops the cached scopes on every instance.
 */
export async function resolveOrg(
  ctx: Pick<Context, "db" | "auth">,
  user: AuthUser,
  orgId: string | undefined | null,
): Promise<OrgScope> {
  if (!orgId) {
    throw new AppError(
      "VALIDATION",
      "Choose an organization: send X-Organization-Id or organizationId",
      "organizationId",
    );
  }
  if (!isUuid(orgId)) throw orgNotFound();
  return ctx.auth.sessions.orgScope(user.id, orgId, () => loadOrgScope(ctx, user, orgId));
}

/**
 * Runs `work` (a transaction changing the organization or its memberships), then forgets the
 * cached scopes in the organization, once the change is committed (or did not happen).
 */
export async function changingOrg<T>(
  ctx: Pick<Context, "auth">,
  organizationId: string,
  work: () => Promise<T>,
): Promise<T> {
  try {
    return await work();
  } finally {
    ctx.auth.sessions.invalidateOrganization(organizationId);
  }
}

async function loadOrgScope(ctx: Pick<Context, "db">, user: AuthUser, orgId: string): Promise<OrgScope> {
  // One statement on the driver (the Prisma query with the nested membership cost two round
  // trips and ~0.2 ms of CPU; see tests/bench).
  const [org] = await ctx.db.query<{ id: string; name: string; slug: string; role: OrgRole | null }>(
    `SELECT o.id, o.name, o.slug, m.role::text AS role
       FROM organizations o
       LEFT JOIN memberships m ON m."organizationId" = o.id AND m."userId" = $2::uuid
      WHERE o.id = $1::uuid AND o."deletedAt" IS NULL`,
    [orgId, user.id],
  );
  if (!org) throw orgNotFound();
  if (org.role) return { id: org.id, name: org.name, slug: org.slug, role: org.role, viaSuperuser: false };
  if (user.isSuperuser) return { id: org.id, name: org.name, slug: org.slug, role: "owner", viaSuperuser: true };
  throw orgNotFound();
}

/** Throws FORBIDDEN unless the caller's org role grants `permission`. */
export function requireOrgPermission(org: OrgScope, permission: OrgPermission): void {
  if (!orgCan(org.role, permission))
    throw new AppError("FORBIDDEN", "Your role in this organization does not allow this");
}

export interface AssessmentAccess {
  assessmentId: string;
  role: AssessmentRole;
}

/**
 * The caller's role on an assessment of the current organization. NOT_FOUND when the
 * assessment is in another organization, deleted (unless `includeDeleted`), or not shared
 * with the caller; FORBIDDEN when visible but `permission` is not granted.
 */
export async function requireAssessmentPermission(
  ctx: Pick<Context, "db"> & { user: AuthUser; org: OrgScope },
  assessmentId: string,
  permission: AssessmentPermission,
  options: { includeDeleted?: boolean } = {},
): Promise<AssessmentAccess> {
  const { user, org } = ctx;
  if (!isUuid(assessmentId)) throw assessmentNotFound();
  // One statement on the driver, like resolveOrg: it runs on every assessment-scoped request.
  const [assessment] = await ctx.db.query<{ id: string; aclRole: AssessmentRole | null }>(
    `SELECT a.id, acl.role::text AS "aclRole"
       FROM assessments a
       LEFT JOIN assessment_acl acl ON acl."assessmentId" = a.id AND acl."userId" = $3::uuid
      WHERE a.id = $1::uuid AND a."organizationId" = $2::uuid${options.includeDeleted ? "" : ' AND a."deletedAt" IS NULL'}`,
    [assessmentId, org.id, user.id],
  );
  if (!assessment) throw assessmentNotFound();
  const role = requireRolePermission(effectiveAssessmentRole(org.role, assessment.aclRole), permission);
  return { assessmentId: assessment.id, role };
}

// Built only when thrown: an AppError captures a stack, which costs on a hot path.
const assessmentNotFound = (field = "assessmentId") => new AppError("NOT_FOUND", "Assessment not found", field);

/** True when the caller's org role leads every assessment of the organization (no ACL entry needed). */
export function leadsEveryAssessment(org: OrgScope): boolean {
  return effectiveAssessmentRole(org.role, null) !== null;
}

/**
 * The caller's effective role on an assessment when it grants `permission`: NOT_FOUND when
 * they hold none (the assessment is not shared with them), FORBIDDEN when it falls short.
 */
export function requireRolePermission(
  role: AssessmentRole | null,
  permission: AssessmentPermission,
  field = "assessmentId",
): AssessmentRole {
  if (!role) throw assessmentNotFound(field);
  if (!assessmentCan(role, permission)) {
    throw new AppError("FORBIDDEN", `Your role on this assessment (${role}) does not allow this`);
  }
  return role;
}

/** A soft-deleted organization as `user` may see it: its scope plus when it was deleted and is purged. */
export interface DeletedOrgScope extends OrgScope {
  deletedAt: Date;
  purgeAfter: Date | null;
}

/**
 * The soft-deleted organization `orgId` as `user` may act on it (to restore it): members see
 * it with their role, superusers as owner; NOT_FOUND for anyone else, or when it is not deleted.
 */
export async function resolveDeletedOrg(
  ctx: Pick<Context, "db">,
  user: AuthUser,
  orgId: string,
): Promise<DeletedOrgScope> {
  if (!isUuid(orgId)) throw orgNotFound();
  const org = await ctx.db.prisma.organization.findFirst({
    where: { id: orgId, deletedAt: { not: null } },
    select: {
      id: true,
      name: true,
      slug: true,
      deletedAt: true,
      purgeAfter: true,
      memberships: { where: { userId: user.id }, select: { role: true } },
    },
  });
  if (!org?.deletedAt) throw orgNotFound();
  const base = { id: org.id, name: org.name, slug: org.slug, deletedAt: org.deletedAt, purgeAfter: org.purgeAfter };
  const membership = org.memberships[0];
  if (membership) return { ...base, role: membership.role, viaSuperuser: false };
  if (user.isSuperuser) return { ...base, role: "owner", viaSuperuser: true };
  throw orgNotFound();
}
