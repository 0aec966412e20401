/**
 * Where a template lives and who may touch it. Global templates (organizationId null) are
 * read by every signed-in user and written by superusers; an organization's templates are
 * read by its members and written by those holding "manage:templates". The organization is
 * named like everywhere else (X-Organization-Id or organizationId) but resolved only when an
 * operation needs it, so global reads and writes work with or without one.
 */
import { z } from "zod";
import type { Context } from "../../context.js";
import { enterOrganization, requestedOrgId } from "../../guard/chain.js";
import type { AuthUser, OrgScope, Principal } from "../../identity/principal.js";
import { AppError } from "../../lib/app-error.js";
import { likeLiteral } from "../../lib/pagination.js";
import { type AppMeta, middleware } from "../../trpc/init.js";
import type { RouteMethod } from "../../trpc/org-route.js";
import { authedProcedure } from "../../trpc/procedures.js";
import { requireOrgPermission } from "../acl/access.js";

/** The context of a template procedure: the signed-in user and the organization they named, if any. */
export type TemplateCtx = Pick<Context, "db" | "auth" | "clock" | "ids" | "req" | "config"> & {
  user: AuthUser;
  principal: Principal;
  requestedOrgId: string | undefined;
};

export const templateScopeSchema = z.enum(["org", "global"]).meta({ id: "TemplateScope" });
export type TemplateScope = z.infer<typeof templateScopeSchema>;

/** The organization named by the header or the input, unresolved (resolved on demand). */
const captureOrg = middleware(async ({ ctx, next, getRawInput }) =>
  next({ ctx: { requestedOrgId: await requestedOrgId(ctx, getRawInput) } }),
);

/** Signed-in users; the organization they name is resolved on demand (requireOrg / namedOrg). */
export const templateProcedure = authedProcedure.use(captureOrg);

/** The named organization with the caller's role; VALIDATION when none is named, NOT_FOUND when invisible. */
export function requireOrg(ctx: TemplateCtx): Promise<OrgScope> {
  return enterOrganization(ctx, ctx.principal, ctx.requestedOrgId);
}

/** The named organization, or null when the request names none. */
export async function namedOrg(ctx: TemplateCtx): Promise<OrgScope | null> {
  return ctx.requestedOrgId ? requireOrg(ctx) : null;
}

/** The organization id a new template gets in `scope` (null = global), after checking the caller may write there. */
export async function writableScope(ctx: TemplateCtx, scope: TemplateScope): Promise<string | null> {
  if (scope === "global") {
    assertSuperuser(ctx);
    return null;
  }
  const org = await requireOrg(ctx);
  requireOrgPermission(org, "manage:templates");
  return org.id;
}

function assertSuperuser(ctx: TemplateCtx): void {
  if (!ctx.user.isSuperuser) throw new AppError("FORBIDDEN", "Global templates are managed by superusers");
  // A credential bound to one organization acts there only, so never on global templates.
  if (ctx.principal.organizationId) {
    throw new AppError("FORBIDDEN", "A credential bound to one organization cannot change global templates");
  }
}

/**
 * Checks the caller may see a template owned by `organizationId` (null = global): NOT_FOUND
 * (on `field`) unless it is global or belongs to the named organization. With `write`, also
 * FORBIDDEN unless the caller may manage it.
 */
export async function assertTemplateAccess(
  ctx: TemplateCtx,
  organizationId: string | null,
  what: string,
  options: { write?: boolean; field?: string } = {},
): Promise<void> {
  if (organizationId === null) {
    if (options.write) assertSuperuser(ctx);
    return;
  }
  const org = await namedOrg(ctx).catch((error: unknown) => {
    throw error instanceof AppError && error.code === "NOT_FOUND" ? templateNotFound(what, options.field) : error;
  });
  if (!org || org.id !== organizationId) throw templateNotFound(what, options.field);
  if (options.write) requireOrgPermission(org, "manage:templates");
}

/** NOT_FOUND naming the input field that held the unknown (or invisible) id. */
export function templateNotFound(what: string, field = "id"): AppError {
  return new AppError("NOT_FOUND", `${what} not found`, field);
}

/** Which rows a list reads: one scope, or global plus the named organization's ("all"). */
export const listScopeSchema = z
  .enum(["org", "global", "all"])
  .default("all")
  .describe(
    "org: the named organization's; global: shared ones; all: both (global only when no organization is named)",
  );

/** The organizationId filter for a list in `scope`. */
export async function scopeFilter(
  ctx: TemplateCtx,
  scope: "org" | "global" | "all",
): Promise<{ organizationId: string | null } | { OR: { organizationId: string | null }[] }> {
  if (scope === "global") return { organizationId: null };
  if (scope === "org") {
    const org = await requireOrg(ctx);
    return { organizationId: org.id };
  }
  const org = await namedOrg(ctx);
  return org ? { OR: [{ organizationId: null }, { organizationId: org.id }] } : { organizationId: null };
}

/** A name/description search for list inputs of every kind. */
export function textSearch(q: string | undefined) {
  if (!q) return [];
  const pattern = likeLiteral(q);
  return [
    {
      OR: [
        { name: { contains: pattern, mode: "insensitive" as const } },
        { description: { contains: pattern, mode: "insensitive" as const } },
      ],
    },
  ];
}

/** The scope an organizationId stands for. */
export const scopeOf = (organizationId: string | null): TemplateScope => (organizationId ? "org" : "global");

const ORG_NOTE =
  "Organization templates are those of the organization named by X-Organization-Id (or organizationId); global ones need none.";

const orgHeaders = z.object({
  "x-organization-id": z
    .uuid()
    .optional()
    .describe("The organization whose templates to use (optional for global ones)"),
});

/** The metadata of a template REST route, with the optional X-Organization-Id header documented. */
export function templateRoute(method: RouteMethod, path: `/${string}`, summary: string, detail?: string): AppMeta {
  const description = detail ? `${detail} ${ORG_NOTE}` : ORG_NOTE;
  return {
    openapi: { method, path, tags: ["templates"], summary, description, requestHeaders: orgHeaders },
    description,
  };
}
