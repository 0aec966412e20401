/**
 * Comments on an activity: anyone who may comment (lead, red, blue) adds them, anyone on
 * the assessment reads them, authors delete their own and the lead deletes any.
 */

import type { OrgCtx } from "../../identity/contexts.js";
import { AppError, notFound } from "../../lib/app-error.js";
import { isUuid } from "../../lib/ids.js";
import { pageWindow, toPage } from "../../lib/pagination.js";
import { assessmentCan } from "../acl/permissions.js";
import { activityAccess } from "./activity-access.js";
import type { Comment, CreateCommentInput, ListCommentsInput } from "./activity-comments.schemas.js";

interface CommentRow {
  id: string;
  activityId: string;
  authorId: string;
  body: string;
  createdAt: Date;
}

async function withAuthorNames(ctx: OrgCtx, rows: CommentRow[]): Promise<Comment[]> {
  const ids = [...new Set(rows.map((r) => r.authorId))];
  const users = ids.length
    ? await ctx.db.prisma.user.findMany({ where: { id: { in: ids } }, select: { id: true, name: true } })
    : [];
  const names = new Map(users.map((u) => [u.id, u.name]));
  return rows.map((r) => ({
    id: r.id,
    activityId: r.activityId,
    authorId: r.authorId,
    authorName: names.get(r.authorId) ?? null,
    body: r.body,
    createdAt: r.createdAt.toISOString(),
  }));
}

/** Adds a comment to an activity. */
export async function createComment(ctx: OrgCtx, input: CreateCommentInput): Promise<Comment> {
  await activityAccess(ctx, input.activityId, "comment:activity", "activityId");
  const row = await ctx.db.prisma.activityComment.create({
    data: { organizationId: ctx.org.id, activityId: input.activityId, authorId: ctx.user.id, body: input.body },
  });
  const [comment] = await withAuthorNames(ctx, [row]);
  return comment as Comment;
}

/** An activity's comments, oldest first. */
export async function listComments(ctx: OrgCtx, input: ListCommentsInput) {
  await activityAccess(ctx, input.activityId, "read:assessment", "activityId");
  const where = { activityId: input.activityId, organizationId: ctx.org.id };
  const { prisma } = ctx.db;
  const [total, rows] = await prisma.$transaction([
    prisma.activityComment.count({ where }),
    prisma.activityComment.findMany({ where, orderBy: [{ createdAt: "asc" }, { id: "asc" }], ...pageWindow(input) }),
  ]);
  return toPage(await withAuthorNames(ctx, rows), total, input.page, input.pageSize);
}

/** Deletes a comment: the author's own, or any for the lead. */
export async function deleteComment(ctx: OrgCtx, id: string): Promise<Comment> {
  const row = isUuid(id)
    ? await ctx.db.prisma.activityComment.findFirst({ where: { id, organizationId: ctx.org.id } })
    : null;
  if (!row) throw notFound("Comment");
  const access = await activityAccess(ctx, row.activityId, "read:assessment").catch(() => {
    throw notFound("Comment");
  });
  if (row.authorId !== ctx.user.id && !assessmentCan(access.role, "manage:activities")) {
    throw new AppError("FORBIDDEN", "Only the author or the lead can delete this comment");
  }
  await ctx.db.prisma.activityComment.delete({ where: { id } });
  const [comment] = await withAuthorNames(ctx, [row]);
  return comment as Comment;
}
