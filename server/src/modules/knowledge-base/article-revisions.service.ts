/** Reading an article's history: the stored earlier versions, and any one version in full. */

import type { OrgCtx } from "../../identity/contexts.js";
import { AppError } from "../../lib/app-error.js";
import { pageWindow, toPage } from "../../lib/pagination.js";
import type { ListRevisionsInput, Revision } from "./knowledge-base.schemas.js";
import { findArticle } from "./knowledge-base.service.js";

const SUMMARY = {
  articleId: true,
  revision: true,
  title: true,
  kind: true,
  tags: true,
  techniques: true,
  authorId: true,
  writtenAt: true,
  replacedById: true,
  replacedAt: true,
} as const;

/** The earlier versions of an article, newest first (the current one is the article itself). */
export async function listRevisions(ctx: OrgCtx, input: ListRevisionsInput) {
  const article = await findArticle(ctx, input.id);
  const where = { articleId: article.id, organizationId: ctx.org.id };
  const { prisma } = ctx.db;
  const [total, rows] = await prisma.$transaction([
    prisma.knowledgeArticleRevision.count({ where }),
    prisma.knowledgeArticleRevision.findMany({
      where,
      orderBy: { revision: "desc" },
      select: SUMMARY,
      ...pageWindow(input),
    }),
  ]);
  const items = rows.map((row) => ({
    ...row,
    writtenAt: row.writtenAt.toISOString(),
    replacedAt: row.replacedAt.toISOString(),
  }));
  return toPage(items, total, input.page, input.pageSize);
}

/** Version `revision` of an article in full: a stored one, or the current one. */
export async function getRevision(ctx: OrgCtx, id: string, revision: number): Promise<Revision> {
  const article = await findArticle(ctx, id);
  if (revision === article.revision) {
    return {
      articleId: article.id,
      revision: article.revision,
      title: article.title,
      body: article.body,
      kind: article.kind,
      tags: article.tags,
      techniques: article.techniques,
      authorId: article.updatedById,
      writtenAt: article.updatedAt.toISOString(),
      replacedById: null,
      replacedAt: null,
      current: true,
    };
  }
  const row = await ctx.db.prisma.knowledgeArticleRevision.findFirst({
    where: { articleId: article.id, organizationId: ctx.org.id, revision },
  });
  if (!row) throw new AppError("NOT_FOUND", `Article ${id} has no revision ${revision}`, "revision");
  return {
    articleId: row.articleId,
    revision: row.revision,
    title: row.title,
    body: row.body,
    kind: row.kind,
    tags: row.tags,
    techniques: row.techniques,
    authorId: row.authorId,
    writtenAt: row.writtenAt.toISOString(),
    replacedById: row.replacedById,
    replacedAt: row.replacedAt.toISOString(),
    current: false,
  };
}
