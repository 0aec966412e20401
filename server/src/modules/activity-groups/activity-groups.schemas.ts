/** Inputs and outputs of activity groups (the phases of an assessment). */
import { z } from "zod";
import { PAGE_SIZE_MAX, pageInput, pageOf } from "../../lib/pagination.js";

export const activityGroupSchema = z
  .object({
    id: z.uuid(),
    organizationId: z.uuid(),
    assessmentId: z.uuid(),
    name: z.string(),
    description: z.string(),
    position: z.number().int().describe("Sort key within the assessment (gaps are normal)"),
    activityCount: z.number().int().nonnegative(),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .meta({ id: "ActivityGroup" });

export const activityGroupPageSchema = pageOf(activityGroupSchema, "ActivityGroupPage");

const nameSchema = z.string().trim().min(1).max(200);
const descriptionSchema = z.string().trim().max(10_000);

export const createGroupInput = z.object({
  assessmentId: z.uuid(),
  name: nameSchema,
  description: descriptionSchema.default(""),
});

export const listGroupsInput = pageInput.extend({
  assessmentId: z.uuid(),
  pageSize: pageInput.shape.pageSize.default(PAGE_SIZE_MAX),
});

export const updateGroupInput = z.object({
  id: z.uuid(),
  name: nameSchema.optional(),
  description: descriptionSchema.optional(),
});

export const moveGroupInput = z.object({
  id: z.uuid(),
  beforeId: z.uuid().optional().describe("Place just before this group"),
  afterId: z.uuid().optional().describe("Place just after this group (neither: at the end)"),
});

export const groupIdInput = z.object({ id: z.uuid() });

export type ActivityGroup = z.infer<typeof activityGroupSchema>;
export type CreateGroupInput = z.infer<typeof createGroupInput>;
export type ListGroupsInput = z.infer<typeof listGroupsInput>;
export type UpdateGroupInput = z.infer<typeof updateGroupInput>;
export type MoveGroupInput = z.infer<typeof moveGroupInput>;
