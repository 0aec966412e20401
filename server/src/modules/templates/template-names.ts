/**
 * Names identify group, campaign, evaluation and report templates within their scope (what an
 * import matches on), so they are unique per kind and scope, ignoring case. NULL organization
 * ids defeat a unique index, so the check runs under a transaction lock per kind and scope.
 */
import type { Prisma } from "../../generated/prisma/client.js";
import { AppError } from "../../lib/app-error.js";
import type { TemplateKind } from "./template-audit.js";

export interface NameWhere {
  organizationId: string | null;
  name: { equals: string; mode: "insensitive" };
  id?: { not: string };
}

type Finder = (args: { where: NameWhere; select: { id: true } }) => Promise<{ id: string } | null>;

/** The name lookup of each kind whose names are unique. */
export function nameFinder(tx: Prisma.TransactionClient, kind: Exclude<TemplateKind, "activity">): Finder {
  switch (kind) {
    case "activityGroup":
      return (args) => tx.activityGroupTemplate.findFirst(args);
    case "campaign":
      return (args) => tx.campaignTemplate.findFirst(args);
    case "evaluation":
      return (args) => tx.evaluationTemplate.findFirst(args);
    case "report":
      return (args) => tx.reportTemplate.findFirst(args);
  }
}

/** Serialises name checks of one kind and scope until the transaction ends. */
export async function lockNames(tx: Prisma.TransactionClient, kind: TemplateKind, organizationId: string | null) {
  const key = `templates:${kind}:${organizationId ?? "global"}`;
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${key}))`;
}

/** CONFLICT on `field` when another template of `kind` in the scope already has `name` (in any case). */
export async function assertNameFree(
  tx: Prisma.TransactionClient,
  kind: Exclude<TemplateKind, "activity">,
  organizationId: string | null,
  name: string,
  exceptId?: string,
  field = "name",
): Promise<void> {
  await lockNames(tx, kind, organizationId);
  const where: NameWhere = { organizationId, name: { equals: name, mode: "insensitive" } };
  if (exceptId) where.id = { not: exceptId };
  const clash = await nameFinder(tx, kind)({ where, select: { id: true } });
  if (clash) throw new AppError("CONFLICT", "A template of this kind with this name already exists here", field);
}
