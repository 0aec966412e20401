/** Inputs and outputs of per-assessment ACLs. */
import { z } from "zod";
import { pageInput, pageOf } from "../../lib/pagination.js";
import { organizationIdField } from "../orgs/orgs.schemas.js";

// No component id: the assessments module registers "AssessmentRole" for the same enum.
export const assessmentRoleSchema = z
  .enum(["lead", "red", "blue", "spectator"])
  .describe("lead manages the assessment and its ACL; red and blue write their fields; spectator reads");

export const aclEntrySchema = z
  .object({
    userId: z.uuid(),
    email: z.string(),
    name: z.string(),
    avatarUrl: z.string().nullable(),
    role: assessmentRoleSchema,
    grantedById: z.uuid().nullable(),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .meta({ id: "AclEntry" });

export const aclPageSchema = pageOf(aclEntrySchema, "AclEntryPage");

export type AclEntry = z.infer<typeof aclEntrySchema>;

export const listAclInput = pageInput.extend({ organizationId: organizationIdField, assessmentId: z.uuid() });
export const aclTargetInput = z.object({
  organizationId: organizationIdField,
  assessmentId: z.uuid(),
  userId: z.uuid().describe("A member of the assessment's organization"),
});
export const aclGrantInput = aclTargetInput.extend({ role: assessmentRoleSchema });

export type ListAclInput = z.infer<typeof listAclInput>;
export type AclGrantInput = z.infer<typeof aclGrantInput>;
export type AclTargetInput = z.infer<typeof aclTargetInput>;
