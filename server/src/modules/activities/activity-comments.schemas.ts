/** Inputs and outputs of activity comments. */
import { z } from "zod";
import { pageInput, pageOf } from "../../lib/pagination.js";

export const commentSchema = z
  .object({
    id: z.uuid(),
    activityId: z.uuid(),
    authorId: z.uuid(),
    authorName: z.string().nullable(),
    body: z.string(),
    createdAt: z.iso.datetime(),
  })
  .meta({ id: "ActivityComment" });

export const commentPageSchema = pageOf(commentSchema, "ActivityCommentPage");

export const createCommentInput = z.object({
  activityId: z.uuid(),
  body: z.string().trim().min(1).max(20_000),
});

export const listCommentsInput = pageInput.extend({ activityId: z.uuid() });
export const commentIdInput = z.object({ id: z.uuid() });

export type Comment = z.infer<typeof commentSchema>;
export type CreateCommentInput = z.infer<typeof createCommentInput>;
export type ListCommentsInput = z.infer<typeof listCommentsInput>;
