/**
 * The articles linked to one ATT&CK technique that a caller may read, for mitre.technique.
 * ATT&CK reference data is open to every signed-in user, so an organization the caller cannot
 * see (or none named) yields no articles rather than an error.
 */
import type { Context } from "../../context.js";
import { enterOrganization } from "../../guard/chain.js";
import type { Principal } from "../../identity/principal.js";
import { AppError } from "../../lib/app-error.js";

export interface TechniqueArticle {
  id: string;
  title: string;
  kind: "procedure" | "detection" | "mitigation" | "note";
  tags: string[];
  updatedAt: string;
}

const LIMIT = 100;

/** Articles of the organization named by X-Organization-Id that link `attackId`, by title. */
export async function techniqueArticles(
  ctx: Pick<Context, "db" | "auth"> & { req?: Pick<Context["req"], "headers">; principal?: Principal | null },
  attackId: string,
): Promise<TechniqueArticle[]> {
  const orgId = ctx.req?.headers.get("x-organization-id");
  if (!orgId || !ctx.principal) return [];
  const org = await enterOrganization(ctx, ctx.principal, orgId).catch((error: unknown) => {
    if (error instanceof AppError && (error.code === "NOT_FOUND" || error.code === "VALIDATION")) return null;
    throw error;
  });
  if (!org) return [];
  const rows = await ctx.db.prisma.knowledgeArticle.findMany({
    where: { organizationId: org.id, techniques: { has: attackId } },
    orderBy: [{ title: "asc" }, { id: "asc" }],
    select: { id: true, title: true, kind: true, tags: true, updatedAt: true },
    take: LIMIT,
  });
  return rows.map((row) => ({ ...row, updatedAt: row.updatedAt.toISOString() }));
}
