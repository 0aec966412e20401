/**
 * Organizations themselves: creation (the creator becomes owner), the caller's list, reading,
 * renaming, soft delete with a restore period, restore, and the purge once that period ends.
 */
import type { Deps } from "../../context.js";
import type { Tx } from "../../db/database.js";
import type { Prisma } from "../../generated/prisma/client.js";
import type { AuthUser, OrgScope } from "../../identity/principal.js";
import { AppError } from "../../lib/app-error.js";
import { likeLiteral, pageWindow, toPage } from "../../lib/pagination.js";
import { changingOrg, orgNotFound, requireOrgPermission, resolveDeletedOrg } from "../acl/access.js";
import type { OrgRole } from "../acl/permissions.js";
import { recordAudits } from "../audit/audit.js";
import { lockOrganization, type OrgDeps, recordOrgAudit } from "./org-audit.js";
import {
  type CreateOrgInput,
  type ListOrgsInput,
  type Organization,
  SLUG_MAX,
  type UpdateOrgInput,
} from "./orgs.schemas.js";

/** How long a deleted organization can be restored before it is purged. */
export const ORG_RESTORE_DAYS = 30;
const DAY_MS = 24 * 3600 * 1000;
// Generated slugs leave room for a "-<n>" suffix within SLUG_MAX.
const GENERATED_SLUG_MAX = SLUG_MAX - 6;
const SLUG_ATTEMPTS = 5;

export const ORG_SELECT = {
  id: true,
  name: true,
  slug: true,
  description: true,
  createdAt: true,
  updatedAt: true,
  deletedAt: true,
  purgeAfter: true,
  _count: { select: { memberships: true } },
} satisfies Prisma.OrganizationSelect;

type OrgRow = Prisma.OrganizationGetPayload<{ select: typeof ORG_SELECT }>;

/** An organization row as the API shows it, with the caller's role. */
export function toOrganization(row: OrgRow, role: OrgRole, viaSuperuser: boolean): Organization {
  return {
    id: row.id,
    name: row.name,
    slug: row.slug,
    description: row.description,
    role,
    viaSuperuser,
    memberCount: row._count.memberships,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    deletedAt: row.deletedAt?.toISOString() ?? null,
    purgeAfter: row.purgeAfter?.toISOString() ?? null,
  };
}

function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === "P2002";
}

/** A URL-friendly form of `name`: ASCII letters and digits joined by single dashes. */
export function slugify(name: string): string {
  const slug = name
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .slice(0, GENERATED_SLUG_MAX)
    .replace(/^-+|-+$/g, "");
  return slug || "org";
}

/** `base` if no organization (deleted ones included) uses it, else `base-2`, `base-3`, ... */
async function freeSlug(tx: Tx, base: string): Promise<string> {
  const rows = await tx.organization.findMany({ where: { slug: { startsWith: base } }, select: { slug: true } });
  const taken = new Set(rows.map((row) => row.slug));
  if (!taken.has(base)) return base;
  let n = 2;
  while (taken.has(`${base}-${n}`)) n++;
  return `${base}-${n}`;
}

/** Creates an organization with the caller as its owner; the slug comes from the name, made unique. */
export async function createOrg(ctx: OrgDeps & { user: AuthUser }, input: CreateOrgInput): Promise<Organization> {
  const { user } = ctx;
  await ctx.limits.consume("orgCreatePerAccount", user.id);
  const base = slugify(input.name);
  for (let attempt = 1; ; attempt++) {
    try {
      return await ctx.db.prisma.$transaction(async (tx) => {
        const slug = await freeSlug(tx, base);
        const row = await tx.organization.create({
          data: {
            name: input.name,
            slug,
            description: input.description,
            createdById: user.id,
            createdAt: ctx.clock.now(),
            memberships: { create: { userId: user.id, role: "owner" } },
          },
          select: ORG_SELECT,
        });
        await recordOrgAudit(
          tx,
          ctx,
          user,
          { id: row.id, viaSuperuser: false },
          {
            type: "org.created",
            metadata: { name: row.name, slug },
          },
        );
        return toOrganization(row, "owner", false);
      });
    } catch (error) {
      // Another organization took the same slug between our read and our insert: pick again.
      if (isUniqueViolation(error) && attempt < SLUG_ATTEMPTS) continue;
      throw error;
    }
  }
}

/** The caller's organizations (or, for superusers with `all`, every one), by name. */
export async function listOrgs(ctx: OrgDeps & { user: AuthUser }, input: ListOrgsInput, boundTo: string | null = null) {
  const { user } = ctx;
  if (input.all && !user.isSuperuser) throw new AppError("FORBIDDEN", "Only superusers can list every organization");
  const now = ctx.clock.now();
  const restorable: Prisma.OrganizationWhereInput = { deletedAt: { not: null }, purgeAfter: { gt: now } };
  // A credential bound to one organization sees that one only.
  const filters: Prisma.OrganizationWhereInput[] = boundTo ? [{ id: boundTo }] : [];
  if (input.all) {
    filters.push(input.includeDeleted ? { OR: [{ deletedAt: null }, restorable] } : { deletedAt: null });
  } else {
    filters.push({ memberships: { some: { userId: user.id } } });
    // Deleted organizations are hidden from everyone but their owners, who may restore them.
    const ownedRestorable = { ...restorable, memberships: { some: { userId: user.id, role: "owner" as const } } };
    filters.push(input.includeDeleted ? { OR: [{ deletedAt: null }, ownedRestorable] } : { deletedAt: null });
  }
  if (input.q) {
    const text = likeLiteral(input.q);
    filters.push({
      OR: [{ name: { contains: text, mode: "insensitive" } }, { slug: { contains: text, mode: "insensitive" } }],
    });
  }
  const where: Prisma.OrganizationWhereInput = { AND: filters };
  const [total, rows] = await ctx.db.prisma.$transaction([
    ctx.db.prisma.organization.count({ where }),
    ctx.db.prisma.organization.findMany({
      where,
      orderBy: [{ name: "asc" }, { id: "asc" }],
      ...pageWindow(input),
      select: { ...ORG_SELECT, memberships: { where: { userId: user.id }, select: { role: true } } },
    }),
  ]);
  const items = rows.map((row) => {
    const role = row.memberships[0]?.role;
    return toOrganization(row, role ?? "owner", role === undefined);
  });
  return toPage(items, total, input.page, input.pageSize);
}

/** The organization the request acts in. */
export async function getOrg(ctx: OrgDeps & { org: OrgScope }): Promise<Organization> {
  const { org } = ctx;
  const row = await ctx.db.prisma.organization.findFirst({
    where: { id: org.id, deletedAt: null },
    select: ORG_SELECT,
  });
  if (!row) throw orgNotFound();
  return toOrganization(row, org.role, org.viaSuperuser);
}

/** Changes name, description or slug (owners and admins); a change that alters nothing records nothing. */
export async function updateOrg(
  ctx: OrgDeps & { user: AuthUser; org: OrgScope },
  input: UpdateOrgInput,
): Promise<Organization> {
  const { user, org } = ctx;
  requireOrgPermission(org, "update:organization");
  try {
    return await changingOrg(ctx, org.id, () =>
      ctx.db.prisma.$transaction(async (tx) => {
        const current = await tx.organization.findFirst({ where: { id: org.id, deletedAt: null }, select: ORG_SELECT });
        if (!current) throw orgNotFound();
        const changes: Record<string, { from: string; to: string }> = {};
        for (const field of ["name", "description", "slug"] as const) {
          const value = input[field];
          if (value !== undefined && value !== current[field]) changes[field] = { from: current[field], to: value };
        }
        if (Object.keys(changes).length === 0) return toOrganization(current, org.role, org.viaSuperuser);
        const data = Object.fromEntries(Object.entries(changes).map(([field, change]) => [field, change.to]));
        const row = await tx.organization.update({ where: { id: org.id }, data, select: ORG_SELECT });
        await recordOrgAudit(tx, ctx, user, org, { type: "org.updated", metadata: { changes } });
        return toOrganization(row, org.role, org.viaSuperuser);
      }),
    );
  } catch (error) {
    if (isUniqueViolation(error)) throw new AppError("CONFLICT", "Another organization uses this slug", "slug");
    throw error;
  }
}

/** Soft-deletes the organization (owners only): hidden at once, restorable for ORG_RESTORE_DAYS. */
export async function deleteOrg(ctx: OrgDeps & { user: AuthUser; org: OrgScope }): Promise<Organization> {
  const { user, org } = ctx;
  requireOrgPermission(org, "delete:organization");
  const now = ctx.clock.now();
  const purgeAfter = new Date(now.getTime() + ORG_RESTORE_DAYS * DAY_MS);
  return changingOrg(ctx, org.id, () =>
    ctx.db.prisma.$transaction(async (tx) => {
      await lockOrganization(tx, org.id);
      const done = await tx.organization.updateMany({
        where: { id: org.id, deletedAt: null },
        data: { deletedAt: now, purgeAfter },
      });
      if (done.count === 0) throw orgNotFound();
      await recordOrgAudit(tx, ctx, user, org, {
        type: "org.deleted",
        metadata: { purgeAfter: purgeAfter.toISOString() },
      });
      const row = await tx.organization.findUniqueOrThrow({ where: { id: org.id }, select: ORG_SELECT });
      return toOrganization(row, org.role, org.viaSuperuser);
    }),
  );
}

/** Undoes a soft delete (owners, or superusers) while the restore period lasts. */
export async function restoreOrg(ctx: OrgDeps & { user: AuthUser }, organizationId: string): Promise<Organization> {
  const { user } = ctx;
  const org = await resolveDeletedOrg(ctx, user, organizationId);
  requireOrgPermission(org, "delete:organization");
  const now = ctx.clock.now();
  if (!org.purgeAfter || org.purgeAfter <= now) {
    throw new AppError(
      "CONFLICT",
      `The ${ORG_RESTORE_DAYS}-day restore period of this organization has ended`,
      "organizationId",
    );
  }
  return ctx.db.prisma.$transaction(async (tx) => {
    await lockOrganization(tx, org.id);
    const done = await tx.organization.updateMany({
      where: { id: org.id, deletedAt: { not: null }, purgeAfter: { gt: now } },
      data: { deletedAt: null, purgeAfter: null },
    });
    if (done.count === 0) throw orgNotFound();
    await recordOrgAudit(tx, ctx, user, org, {
      type: "org.restored",
      metadata: { deletedAt: org.deletedAt.toISOString() },
    });
    const row = await tx.organization.findUniqueOrThrow({ where: { id: org.id }, select: ORG_SELECT });
    return toOrganization(row, org.role, org.viaSuperuser);
  });
}

/**
 * Deletes for good the organizations whose restore period ended, with everything they hold
 * (memberships, invitations, assessments and their ACLs cascade). For a background job.
 */
export async function purgeDeletedOrgs(deps: Pick<Deps, "db" | "clock">): Promise<number> {
  const now = deps.clock.now();
  return deps.db.prisma.$transaction(async (tx) => {
    const due = await tx.organization.findMany({
      where: { deletedAt: { not: null }, purgeAfter: { lte: now } },
      select: { id: true, name: true, slug: true },
    });
    if (due.length === 0) return 0;
    await tx.organization.deleteMany({ where: { id: { in: due.map((org) => org.id) } } });
    await recordAudits(
      tx,
      { ip: null, userAgent: null, requestId: null },
      due.map((org) => ({
        type: "org.purged",
        targetType: "organization",
        targetId: org.id,
        metadata: { organizationId: org.id, name: org.name, slug: org.slug },
      })),
    );
    return due.length;
  });
}
