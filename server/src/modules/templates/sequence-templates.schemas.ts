/**
 * Inputs and outputs of the templates that order other templates: activity-group templates
 * (templates.activityGroup.*: ordered activity templates) and campaign templates
 * (templates.campaign.*: ordered group templates).
 */
import { z } from "zod";
import { pageOf } from "../../lib/pagination.js";
import {
  createScopeField,
  templateBaseShape,
  templateDescriptionSchema,
  templateListInput,
  templateNameSchema,
} from "./template-common.schemas.js";
import { templateScopeSchema } from "./template-scope.js";

const orderedIds = (what: string) => z.array(z.uuid()).max(200).describe(what);

/** An activity template as a group template lists it. */
export const activityTemplateRefSchema = z
  .object({
    id: z.uuid(),
    scope: templateScopeSchema,
    name: z.string(),
    tactic: z.string().nullable(),
    techniques: z.array(z.string()),
    platforms: z.array(z.string()),
  })
  .meta({ id: "ActivityTemplateRef" });

export const groupTemplateSchema = z
  .object({
    ...templateBaseShape,
    activities: z.array(activityTemplateRefSchema).describe("In order"),
  })
  .meta({ id: "ActivityGroupTemplate" });

export const groupTemplatePageSchema = pageOf(groupTemplateSchema, "ActivityGroupTemplatePage");

const activityIdsField = orderedIds(
  "Activity templates in order (global ones, or the organization's for an organization template); repeats allowed",
);

export const createGroupTemplateInput = z.object({
  scope: createScopeField,
  name: templateNameSchema,
  description: templateDescriptionSchema.default(""),
  activityTemplateIds: activityIdsField.default([]),
});

export const updateGroupTemplateInput = z.object({
  id: z.uuid(),
  name: templateNameSchema.optional(),
  description: templateDescriptionSchema.optional(),
  activityTemplateIds: activityIdsField.optional().describe("Replaces the whole list"),
});

export const listGroupTemplatesInput = templateListInput.prefault({});

/** A group template as a campaign template lists it, with its activities. */
export const campaignGroupSchema = z
  .object({
    id: z.uuid(),
    scope: templateScopeSchema,
    name: z.string(),
    description: z.string(),
    activities: z.array(activityTemplateRefSchema),
  })
  .meta({ id: "CampaignTemplateGroup" });

export const campaignTemplateSchema = z
  .object({
    ...templateBaseShape,
    groups: z.array(campaignGroupSchema).describe("In order: the phases of an assessment made from this campaign"),
  })
  .meta({ id: "CampaignTemplate" });

export const campaignTemplatePageSchema = pageOf(campaignTemplateSchema, "CampaignTemplatePage");

const groupIdsField = orderedIds(
  "Activity-group templates in order (global ones, or the organization's for an organization template)",
);

export const createCampaignTemplateInput = z.object({
  scope: createScopeField,
  name: templateNameSchema,
  description: templateDescriptionSchema.default(""),
  groupTemplateIds: groupIdsField.default([]),
});

export const updateCampaignTemplateInput = z.object({
  id: z.uuid(),
  name: templateNameSchema.optional(),
  description: templateDescriptionSchema.optional(),
  groupTemplateIds: groupIdsField.optional().describe("Replaces the whole list"),
});

export const listCampaignTemplatesInput = templateListInput.prefault({});

export type ActivityTemplateRef = z.infer<typeof activityTemplateRefSchema>;
export type GroupTemplate = z.infer<typeof groupTemplateSchema>;
export type CreateGroupTemplateInput = z.infer<typeof createGroupTemplateInput>;
export type UpdateGroupTemplateInput = z.infer<typeof updateGroupTemplateInput>;
export type ListGroupTemplatesInput = z.infer<typeof listGroupTemplatesInput>;
export type CampaignTemplate = z.infer<typeof campaignTemplateSchema>;
export type CreateCampaignTemplateInput = z.infer<typeof createCampaignTemplateInput>;
export type UpdateCampaignTemplateInput = z.infer<typeof updateCampaignTemplateInput>;
export type ListCampaignTemplatesInput = z.infer<typeof listCampaignTemplatesInput>;
