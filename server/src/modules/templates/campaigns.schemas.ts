/** Input of campaigns.instantiate: a campaign template and the new assessment's own fields. */
import { z } from "zod";
import { createAssessmentInput } from "../assessments/assessments.schemas.js";

const assessmentFields = createAssessmentInput.shape;

export const instantiateCampaignInput = z
  .object({
    campaignId: z.uuid().describe("A campaign template: global, or of the organization"),
    name: assessmentFields.name.describe("The new assessment's name"),
    description: assessmentFields.description.unwrap().optional().describe("Defaults to the campaign's description"),
    startDate: assessmentFields.startDate,
    endDate: assessmentFields.endDate,
    tagIds: assessmentFields.tagIds,
  })
  .refine((v) => !v.startDate || !v.endDate || new Date(v.endDate) >= new Date(v.startDate), {
    error: "must not be before startDate",
    path: ["endDate"],
  });

export type InstantiateCampaignInput = z.infer<typeof instantiateCampaignInput>;
