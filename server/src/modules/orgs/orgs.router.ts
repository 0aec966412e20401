/**
 * Organizations (orgs.*), their members (orgs.members.*) and invitations (orgs.invitations.*).
 * Org-scoped procedures name their organization with X-Organization-Id or organizationId.
 */
import { router } from "../../trpc/init.js";
import { authedProcedure, orgProcedure } from "../../trpc/procedures.js";
import { okSchema } from "../auth/auth.schemas.js";
import { inviteMember, listInvitations, revokeInvitation } from "./invitations.service.js";
import { leaveOrg, listMembers, removeMember, setMemberRole, transferOwnership } from "./members.service.js";
import {
  createOrgInput,
  invitationIdInput,
  invitationPageSchema,
  invitationSchema,
  inviteInput,
  listInvitationsInput,
  listMembersInput,
  listOrgsInput,
  memberPageSchema,
  memberSchema,
  memberTargetInput,
  organizationPageSchema,
  organizationSchema,
  orgScopedInput,
  type RouteMethod,
  restoreOrgInput,
  orgRoute as scopedRoute,
  setMemberRoleInput,
  updateOrgInput,
} from "./orgs.schemas.js";
import { createOrg, deleteOrg, getOrg, listOrgs, restoreOrg, updateOrg } from "./orgs.service.js";

const tags = ["organizations"];
const orgRoute = (method: RouteMethod, path: `/${string}`, summary: string, detail?: string) =>
  scopedRoute(tags, method, path, summary, detail);

// A void-looking input: leave() and friends may be called with no argument at all.
const optionalOrgInput = orgScopedInput.prefault({});

const membersRouter = router({
  // Members' names and addresses: a machine credential needs a data scope, not just any.
  list: orgProcedure
    .meta({ scope: "assessments:read" })
    .meta(orgRoute("GET", "/orgs/current/members", "Members of the organization, owners first"))
    .input(listMembersInput)
    .output(memberPageSchema)
    .query(({ ctx, input }) => listMembers(ctx, input)),
  invite: orgProcedure
    .meta({ scope: "interactive" })
    .meta(
      orgRoute(
        "POST",
        "/orgs/current/invitations",
        "Invite someone by email",
        "Owners and admins; only owners invite owners. Mails a single-use link valid for 7 days; a pending invitation for the same address is replaced.",
      ),
    )
    .input(inviteInput)
    .output(invitationSchema)
    .mutation(({ ctx, input }) => inviteMember(ctx, input)),
  setRole: orgProcedure
    .meta({ scope: "interactive" })
    .meta(
      orgRoute(
        "PUT",
        "/orgs/current/members/{userId}/role",
        "Change a member's role",
        "Owners and admins; admins cannot change owners nor make owners; the last owner cannot be demoted.",
      ),
    )
    .input(setMemberRoleInput)
    .output(memberSchema)
    .mutation(({ ctx, input }) => setMemberRole(ctx, input)),
  remove: orgProcedure
    .meta({ scope: "interactive" })
    .meta(
      orgRoute(
        "DELETE",
        "/orgs/current/members/{userId}",
        "Remove a member",
        "Same rules as role changes; the member's ACL entries on the organization's assessments go too.",
      ),
    )
    .input(memberTargetInput)
    .output(okSchema)
    .mutation(async ({ ctx, input }) => {
      await removeMember(ctx, input.userId);
      return { ok: true as const };
    }),
});

const invitationsRouter = router({
  list: orgProcedure
    .meta({ scope: "interactive" })
    .meta(orgRoute("GET", "/orgs/current/invitations", "Pending invitations, newest first (owners and admins)"))
    .input(listInvitationsInput)
    .output(invitationPageSchema)
    .query(({ ctx, input }) => listInvitations(ctx, input)),
  revoke: orgProcedure
    .meta({ scope: "interactive" })
    .meta(
      orgRoute(
        "POST",
        "/orgs/current/invitations/{id}/revoke",
        "Revoke a pending invitation",
        "Owners and admins; only owners revoke invitations to become owner.",
      ),
    )
    .input(invitationIdInput)
    .output(invitationSchema)
    .mutation(({ ctx, input }) => revokeInvitation(ctx, input.id)),
});

export const orgsRouter = router({
  create: authedProcedure
    .meta({ scope: "interactive" })
    .meta({
      openapi: { method: "POST", path: "/orgs", tags, summary: "Create an organization (you become its owner)" },
      description: "The slug is made from the name, with a numeric suffix when taken.",
    })
    .input(createOrgInput)
    .output(organizationSchema)
    .mutation(({ ctx, input }) => createOrg(ctx, input)),
  list: authedProcedure
    .meta({ scope: "signed-in" })
    .meta({
      openapi: {
        method: "GET",
        path: "/orgs",
        tags,
        summary: "Your organizations with your role (all of them for superusers with all=true)",
      },
    })
    .input(listOrgsInput)
    .output(organizationPageSchema)
    .query(({ ctx, input }) => listOrgs(ctx, input, ctx.principal.organizationId)),
  get: orgProcedure
    .meta({ scope: "signed-in" })
    .meta(orgRoute("GET", "/orgs/current", "The organization, with your role"))
    .input(optionalOrgInput)
    .output(organizationSchema)
    .query(({ ctx }) => getOrg(ctx)),
  update: orgProcedure
    .meta({ scope: "interactive" })
    .meta(orgRoute("PATCH", "/orgs/current", "Change name, description or slug (owners and admins)"))
    .input(updateOrgInput)
    .output(organizationSchema)
    .mutation(({ ctx, input }) => updateOrg(ctx, input)),
  delete: orgProcedure
    .meta({ scope: "interactive" })
    .meta(
      orgRoute(
        "DELETE",
        "/orgs/current",
        "Delete the organization (owners only)",
        "Soft delete: hidden at once, restorable by an owner for 30 days (orgs.restore), then purged.",
      ),
    )
    .input(optionalOrgInput)
    .output(organizationSchema)
    .mutation(({ ctx }) => deleteOrg(ctx)),
  restore: authedProcedure
    .meta({ scope: "interactive" })
    .meta({
      openapi: {
        method: "POST",
        path: "/orgs/{organizationId}/restore",
        tags,
        summary: "Restore a deleted organization within its 30-day restore period (owners only)",
      },
      description: "The organization is named in the path: a deleted one cannot be selected with X-Organization-Id.",
    })
    .input(restoreOrgInput)
    .output(organizationSchema)
    .mutation(({ ctx, input }) => restoreOrg(ctx, input.organizationId)),
  leave: orgProcedure
    .meta({ scope: "interactive" })
    .meta(orgRoute("POST", "/orgs/current/leave", "Leave the organization", "The last owner cannot leave."))
    .input(optionalOrgInput)
    .output(okSchema)
    .mutation(async ({ ctx }) => {
      await leaveOrg(ctx);
      return { ok: true as const };
    }),
  transferOwnership: orgProcedure
    .meta({ scope: "interactive" })
    .meta(
      orgRoute(
        "POST",
        "/orgs/current/transfer-ownership",
        "Make a member owner and step down to admin (owners only)",
        "Both changes happen in one transaction.",
      ),
    )
    .input(memberTargetInput)
    .output(organizationSchema)
    .mutation(({ ctx, input }) => transferOwnership(ctx, input.userId)),
  members: membersRouter,
  invitations: invitationsRouter,
});
