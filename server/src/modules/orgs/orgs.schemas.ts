/** Inputs and outputs of organizations, their members and invitations. */
import { z } from "zod";

export { ORG_HEADER_NOTE, orgHeaders, orgRoute, type RouteMethod } from "../../trpc/org-route.js";

import { pageInput, pageOf, queryBoolean } from "../../lib/pagination.js";
import type { OrgRole } from "../acl/permissions.js";
import { emailSchema } from "../auth/auth.schemas.js";

export const orgRoleSchema = z.enum(["owner", "admin", "member"]).meta({ id: "OrgRole" });

/** The organizationId field every org-scoped input accepts, as an alternative to the header. */
export const organizationIdField = z
  .uuid()
  .optional()
  .describe("The organization to act in, when the X-Organization-Id header is not sent");

export const orgScopedInput = z.object({ organizationId: organizationIdField });

const nameSchema = z.string().trim().min(1).max(120);
const descriptionSchema = z.string().trim().max(2000);
export const SLUG_MAX = 48;
const slugSchema = z
  .string()
  .trim()
  .toLowerCase()
  .max(SLUG_MAX)
  .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, { error: "use lower-case letters, digits and single dashes" });

export const organizationSchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    slug: z.string(),
    description: z.string(),
    role: orgRoleSchema.describe("Your role here; superusers who are not members act as owner"),
    viaSuperuser: z.boolean().describe("True when you are not a member but a superuser acting on the organization"),
    memberCount: z.number().int().nonnegative(),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
    deletedAt: z.iso
      .datetime()
      .nullable()
      .describe("Set while the organization is deleted (restorable until purgeAfter)"),
    purgeAfter: z.iso.datetime().nullable(),
  })
  .meta({ id: "Organization" });

export const organizationPageSchema = pageOf(organizationSchema, "OrganizationPage");

export type Organization = z.infer<typeof organizationSchema>;

export const createOrgInput = z.object({
  name: nameSchema,
  description: descriptionSchema.default(""),
});

export const listOrgsInput = pageInput
  .extend({
    all: queryBoolean.default(false).describe("Superusers only: every organization, not just yours"),
    includeDeleted: queryBoolean
      .default(false)
      .describe("Also list deleted organizations still in their restore period (those you own; all for superusers)"),
    q: z.string().trim().max(200).optional().describe("Case-insensitive search in name and slug"),
  })
  .prefault({});

export const updateOrgInput = orgScopedInput.extend({
  name: nameSchema.optional(),
  description: descriptionSchema.optional(),
  slug: slugSchema.optional().describe("Must be unique"),
});

export const restoreOrgInput = z.object({ organizationId: z.uuid() });

export type CreateOrgInput = z.infer<typeof createOrgInput>;
export type ListOrgsInput = z.infer<typeof listOrgsInput>;
export type UpdateOrgInput = z.infer<typeof updateOrgInput>;

export const memberSchema = z
  .object({
    userId: z.uuid(),
    email: z.string(),
    name: z.string(),
    avatarUrl: z.string().nullable(),
    role: orgRoleSchema,
    joinedAt: z.iso.datetime(),
  })
  .meta({ id: "OrganizationMember" });

export const memberPageSchema = pageOf(memberSchema, "OrganizationMemberPage");

export type Member = z.infer<typeof memberSchema>;

export const listMembersInput = pageInput
  .extend({
    organizationId: organizationIdField,
    role: orgRoleSchema.optional(),
    q: z.string().trim().max(200).optional().describe("Case-insensitive search in email and name"),
  })
  .prefault({});

export const memberTargetInput = orgScopedInput.extend({ userId: z.uuid() });
export const setMemberRoleInput = memberTargetInput.extend({ role: orgRoleSchema });

export type ListMembersInput = z.infer<typeof listMembersInput>;

export const invitationStatusSchema = z.enum(["pending", "accepted", "declined", "revoked", "expired"]);

export const invitationSchema = z
  .object({
    id: z.uuid(),
    email: z.string(),
    role: orgRoleSchema,
    status: invitationStatusSchema,
    invitedBy: z.object({ id: z.uuid(), name: z.string(), email: z.string() }).nullable(),
    createdAt: z.iso.datetime(),
    expiresAt: z.iso.datetime(),
  })
  .meta({ id: "Invitation" });

export const invitationPageSchema = pageOf(invitationSchema, "InvitationPage");

export type Invitation = z.infer<typeof invitationSchema>;

export const inviteInput = orgScopedInput.extend({
  email: emailSchema,
  role: orgRoleSchema.default("member"),
});

export const listInvitationsInput = pageInput.extend({ organizationId: organizationIdField }).prefault({});
export const invitationIdInput = orgScopedInput.extend({ id: z.uuid() });
// A token is 43 base64url characters; the bound only keeps junk input small.
export const invitationTokenInput = z.object({ token: z.string().min(1).max(200) });

export type InviteInput = z.infer<typeof inviteInput>;

export interface InvitationRow {
  id: string;
  email: string;
  role: OrgRole;
  createdAt: Date;
  expiresAt: Date;
  acceptedAt: Date | null;
  declinedAt: Date | null;
  revokedAt: Date | null;
}

/** Where an invitation stands at `now`. */
export function invitationStatus(row: InvitationRow, now: Date): Invitation["status"] {
  if (row.acceptedAt) return "accepted";
  if (row.declinedAt) return "declined";
  if (row.revokedAt) return "revoked";
  if (row.expiresAt <= now) return "expired";
  return "pending";
}

/** An invitation as the API shows it (never its token or hash). */
export function toInvitation(row: InvitationRow, invitedBy: Invitation["invitedBy"], now: Date): Invitation {
  return {
    id: row.id,
    email: row.email,
    role: row.role,
    status: invitationStatus(row, now),
    invitedBy,
    createdAt: row.createdAt.toISOString(),
    expiresAt: row.expiresAt.toISOString(),
  };
}
