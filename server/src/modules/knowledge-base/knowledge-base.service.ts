/**
 * Knowledge-base articles of an organization. Members read, write and edit them (shared
 * working knowledge, like tags); deleting one is for owners and admins. Every update first
 * stores the version it replaces, in the same transaction, and only succeeds against the
 * revision it read, so concurrent edits never lose a version.
 */
import { originOf } from "../../context.js";
import type { Tx } from "../../db/database.js";
import type { KnowledgeArticle, Prisma } from "../../generated/prisma/client.js";
import type { OrgCtx } from "../../identity/contexts.js";
import { AppError } from "../../lib/app-error.js";
import { likeLiteral, pageWindow, toPage } from "../../lib/pagination.js";
import { requireOrgPermission } from "../acl/access.js";
import { recordAudit } from "../audit/audit.js";
import type {
  Article,
  ArticleSummary,
  CreateArticleInput,
  ListArticlesInput,
  UpdateArticleInput,
} from "./knowledge-base.schemas.js";

const EXCERPT = 280;

function toSummary(row: Omit<KnowledgeArticle, "body">): Omit<ArticleSummary, "excerpt"> {
  return {
    id: row.id,
    organizationId: row.organizationId,
    title: row.title,
    kind: row.kind,
    tags: row.tags,
    techniques: row.techniques,
    revision: row.revision,
    createdById: row.createdById,
    updatedById: row.updatedById,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

export function toArticle(row: KnowledgeArticle): Article {
  return { ...toSummary(row), body: row.body };
}

/** NOT_FOUND for unknown ids and for another organization's articles alike. */
export const articleNotFound = (field = "id") => new AppError("NOT_FOUND", "Article not found", field);

function auditArticle(
  ctx: OrgCtx,
  tx: Tx,
  action: string,
  row: KnowledgeArticle,
  metadata: Prisma.InputJsonObject = {},
) {
  return recordAudit(tx, originOf(ctx), {
    type: `kb.article.${action}`,
    actorId: ctx.user.id,
    targetType: "knowledge_article",
    targetId: row.id,
    metadata: { organizationId: row.organizationId, title: row.title, revision: row.revision, ...metadata },
  });
}

/** One page of the organization's articles matching the filters. */
export async function listArticles(ctx: OrgCtx, input: ListArticlesInput) {
  requireOrgPermission(ctx.org, "read:organization");
  const where: Prisma.KnowledgeArticleWhereInput = { organizationId: ctx.org.id };
  if (input.kind) where.kind = input.kind;
  if (input.tag) where.tags = { has: input.tag };
  if (input.technique) where.techniques = { has: input.technique };
  if (input.q) {
    const q = likeLiteral(input.q);
    where.OR = [{ title: { contains: q, mode: "insensitive" } }, { body: { contains: q, mode: "insensitive" } }];
  }
  const order = input.order ?? (input.sort === "title" ? "asc" : "desc");
  const { prisma } = ctx.db;
  const [total, rows] = await prisma.$transaction([
    prisma.knowledgeArticle.count({ where }),
    prisma.knowledgeArticle.findMany({
      where,
      orderBy: [{ [input.sort]: order }, { id: order }],
      ...pageWindow(input),
    }),
  ]);
  const items = rows.map((row) => ({ ...toSummary(row), excerpt: row.body.slice(0, EXCERPT) }));
  return toPage(items, total, input.page, input.pageSize);
}

/** The article `id` of the caller's organization, or NOT_FOUND. */
export async function findArticle(ctx: OrgCtx, id: string, field = "id"): Promise<KnowledgeArticle> {
  requireOrgPermission(ctx.org, "read:organization");
  const row = await ctx.db.prisma.knowledgeArticle.findFirst({ where: { id, organizationId: ctx.org.id } });
  if (!row) throw articleNotFound(field);
  return row;
}

/** The ids among `ids` that name no article of `organizationId` (another organization's included). */
export async function unknownArticleIds(tx: Tx, organizationId: string, ids: string[]): Promise<string[]> {
  if (ids.length === 0) return [];
  const found = await tx.knowledgeArticle.findMany({
    where: { organizationId, id: { in: ids } },
    select: { id: true },
  });
  const known = new Set(found.map((a) => a.id));
  return [...new Set(ids)].filter((id) => !known.has(id));
}

/** NOT_FOUND naming `field` unless every id names an article of the organization (as tags and assets). */
export async function assertArticlesInOrg(
  tx: Tx,
  organizationId: string,
  ids: string[],
  field = "knowledgeBaseArticleIds",
): Promise<void> {
  if ((await unknownArticleIds(tx, organizationId, ids)).length > 0) throw articleNotFound(field);
}

/** One article with its body. */
export async function getArticle(ctx: OrgCtx, id: string): Promise<Article> {
  return toArticle(await findArticle(ctx, id));
}

/** Writes an article (revision 1). */
export async function createArticle(ctx: OrgCtx, input: CreateArticleInput): Promise<Article> {
  requireOrgPermission(ctx.org, "create:assessment");
  const row = await ctx.db.prisma.$transaction(async (tx) => {
    const created = await tx.knowledgeArticle.create({
      data: { organizationId: ctx.org.id, ...input, createdById: ctx.user.id, updatedById: ctx.user.id },
    });
    await auditArticle(ctx, tx, "created", created);
    return created;
  });
  return toArticle(row);
}

const EDITABLE = ["title", "body", "kind", "tags", "techniques"] as const;

/** Edits an article: the replaced version is stored as a revision; an edit that changes nothing stores none. */
export async function updateArticle(ctx: OrgCtx, input: UpdateArticleInput): Promise<Article> {
  requireOrgPermission(ctx.org, "create:assessment");
  const row = await ctx.db.prisma.$transaction(async (tx) => {
    const current = await tx.knowledgeArticle.findFirst({ where: { id: input.id, organizationId: ctx.org.id } });
    if (!current) throw articleNotFound();
    if (input.expectedRevision !== undefined && input.expectedRevision !== current.revision) {
      throw staleRevision(current.revision);
    }
    const changed = EDITABLE.filter(
      (field) => input[field] !== undefined && JSON.stringify(input[field]) !== JSON.stringify(current[field]),
    );
    if (changed.length === 0) return current;
    const now = ctx.clock.now();
    await tx.knowledgeArticleRevision.create({
      data: {
        organizationId: current.organizationId,
        articleId: current.id,
        revision: current.revision,
        title: current.title,
        body: current.body,
        kind: current.kind,
        tags: current.tags,
        techniques: current.techniques,
        authorId: current.updatedById,
        writtenAt: current.updatedAt,
        replacedById: ctx.user.id,
        replacedAt: now,
      },
    });
    const data: Prisma.KnowledgeArticleUpdateManyMutationInput = {
      revision: current.revision + 1,
      updatedById: ctx.user.id,
      updatedAt: now,
    };
    for (const field of changed) Object.assign(data, { [field]: input[field] });
    // Compare-and-set on the revision read above: a concurrent edit makes this match nothing.
    const { count } = await tx.knowledgeArticle.updateMany({
      where: { id: current.id, revision: current.revision },
      data,
    });
    if (count === 0) throw staleRevision(current.revision);
    const updated = await tx.knowledgeArticle.findUniqueOrThrow({ where: { id: current.id } });
    await auditArticle(ctx, tx, "updated", updated, { fields: [...changed] });
    return updated;
  });
  return toArticle(row);
}

function staleRevision(current: number): AppError {
  return new AppError(
    "CONFLICT",
    `The article changed since (now at revision ${current}): reload it and apply the edit again`,
    "expectedRevision",
  );
}

/** Deletes an article and its revisions (owners and admins). */
export async function deleteArticle(ctx: OrgCtx, id: string): Promise<Article> {
  const current = await findArticle(ctx, id);
  requireOrgPermission(ctx.org, "lead:assessments");
  await ctx.db.prisma.$transaction(async (tx) => {
    await tx.knowledgeArticle.delete({ where: { id: current.id } });
    await auditArticle(ctx, tx, "deleted", current);
  });
  return toArticle(current);
}
