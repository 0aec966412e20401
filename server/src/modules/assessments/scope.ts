/**
 * What every service of the assessment domain works with: the request context narrowed by
 * orgProcedure (a signed-in user acting in one organization), the tenancy-safe lookups that
 * answer NOT_FOUND for another organization's ids, and the REST metadata those routes share.
 */
import type { Context } from "../../context.js";
import type { Prisma } from "../../generated/prisma/client.js";
import { AppError } from "../../lib/app-error.js";
import type { OrgScope } from "../acl/access.js";
import type { AuthUser } from "../auth/session-guard.js";

/** The context of an org-scoped procedure. */
export type OrgCtx = Pick<Context, "db" | "clock" | "ids" | "req" | "config"> & { user: AuthUser; org: OrgScope };

export type Tx = Prisma.TransactionClient;

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** NOT_FOUND naming the input field that held the unknown (or foreign) id. */
export function notFound(what: string, field: string | null = "id"): AppError {
  return new AppError("NOT_FOUND", `${what} not found`, field);
}

/**
 * Locks the assessment row for the rest of the transaction (SELECT ... FOR UPDATE). Every
 * write that computes positions (create, move) among an assessment's groups or activities
 * takes it first, so those writers run one after the other and always read the order the
 * previous one left. We chose the lock over fractional keys with a unique index and retry:
 * moves are rare and short, the lock needs no retry loop, and integer positions stay small.
 */
export async function lockAssessment(tx: Tx, organizationId: string, assessmentId: string): Promise<void> {
  const rows = await tx.$queryRaw<{ id: string }[]>`
    SELECT id FROM assessments
    WHERE id = ${assessmentId}::uuid AND "organizationId" = ${organizationId}::uuid AND "deletedAt" IS NULL
    FOR UPDATE`;
  if (rows.length === 0) throw notFound("Assessment", "assessmentId");
}

export { orgRoute } from "../../trpc/org-route.js";

/** `value` without its undefined properties (Prisma reads a present undefined as a value under exactOptionalPropertyTypes). */
export function defined<T extends object>(value: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as {
    [K in keyof T]?: Exclude<T[K], undefined>;
  };
}

/** ISO string of an optional date. */
export function iso(date: Date | null | undefined): string | null {
  return date ? date.toISOString() : null;
}
