/** Matrix rules for organizations, members, invitations and assessment ACLs. */
import { randomToken, sha256 } from "../../lib/crypto.js";
import { assessmentRole, type Call, type Expectations, orgRole, type Rule, signedIn } from "./ladders.js";
import type { Actor, World } from "./world.js";

const prismaOf = (world: World) => world.h.deps.db.prisma;

/** An org owned like org A, for calls that would damage org A. */
async function inFreshOrg(world: World, input: (orgId: string) => Promise<unknown> | unknown): Promise<Call> {
  const orgId = await world.freshOrg({ extraOwner: true });
  return { input: await input(orgId), orgId };
}

async function pendingInvitation(world: World, orgId: string, email: string): Promise<{ id: string; token: string }> {
  const token = randomToken();
  const row = await prismaOf(world).invitation.create({
    data: { organizationId: orgId, email, tokenHash: sha256(token), expiresAt: new Date(Date.now() + 86_400_000) },
  });
  return { id: row.id, token };
}

/** Invitation answered by its addressee (`viewer`), or by the wrong account (`analyst`: 403). */
function invitationCall(world: World, actor: Actor): Promise<Call> {
  return inFreshOrg(world, async (orgId) => {
    const addressee = actor === "viewer" ? world.users.viewer.email : `someone-${crypto.randomUUID()}@example.com`;
    return { token: (await pendingInvitation(world, orgId, addressee)).token };
  });
}

const invitationAnswer: Expectations = { anonymous: 401, viewer: "ok", analyst: 403 };

/** A member of org A holding `role` on the shared assessment, as an ACL target. */
async function aclTarget(world: World, role?: "spectator"): Promise<string> {
  const member = await world.freshMember(world.orgId);
  if (role) {
    await prismaOf(world).assessmentAcl.create({ data: { assessmentId: world.assessmentId, userId: member.id, role } });
  }
  return member.id;
}

const { superuser: _leaveAsSuperuser, ...leaveLadder } = orgRole("member");

export const orgRules: Record<string, Rule> = {
  "orgs.create": { expect: signedIn, call: () => ({ input: { name: `Org ${crypto.randomUUID().slice(0, 8)}` } }) },
  "orgs.list": { expect: signedIn, call: () => ({ input: {} }) },
  "orgs.get": { expect: orgRole("member"), call: () => ({ input: {} }) },
  "orgs.update": { expect: orgRole("admin"), call: () => ({ input: { description: "updated by the matrix" } }) },
  "orgs.delete": { expect: orgRole("owner"), call: (w) => inFreshOrg(w, () => ({})) },
  "orgs.restore": {
    expect: { anonymous: 401, outsider: 404, orgMember: 403, orgAdmin: 403, orgOwner: "ok" },
    call: async (world) => {
      const orgId = await world.freshOrg();
      const grace = new Date(Date.now() + 30 * 86_400_000);
      await prismaOf(world).organization.update({
        where: { id: orgId },
        data: { deletedAt: new Date(), purgeAfter: grace },
      });
      return { input: { organizationId: orgId } };
    },
  },
  // Superusers act in any organization without being members, so they have nothing to leave.
  "orgs.leave": { expect: leaveLadder, call: (w) => inFreshOrg(w, () => ({})) },
  "orgs.transferOwnership": {
    expect: orgRole("owner"),
    call: (w) => inFreshOrg(w, async (orgId) => ({ userId: (await w.freshMember(orgId)).id })),
  },
  "orgs.members.list": { expect: orgRole("member"), call: () => ({ input: {} }) },
  "orgs.members.invite": {
    expect: orgRole("admin"),
    call: () => ({ input: { email: `invitee-${crypto.randomUUID()}@example.com`, role: "member" } }),
  },
  "orgs.members.setRole": {
    expect: orgRole("admin"),
    call: (w) => inFreshOrg(w, async (orgId) => ({ userId: (await w.freshMember(orgId)).id, role: "admin" })),
  },
  "orgs.members.remove": {
    expect: orgRole("admin"),
    call: (w) => inFreshOrg(w, async (orgId) => ({ userId: (await w.freshMember(orgId)).id })),
  },
  "orgs.invitations.list": { expect: orgRole("admin"), call: () => ({ input: {} }) },
  "orgs.invitations.revoke": {
    expect: orgRole("admin"),
    call: async (w) => ({
      input: { id: (await pendingInvitation(w, w.orgId, `x-${crypto.randomUUID()}@example.com`)).id },
    }),
  },
  "invitations.accept": { expect: invitationAnswer, call: invitationCall },
  "invitations.decline": { expect: invitationAnswer, call: invitationCall },
  "acl.list": {
    expect: assessmentRole("spectator", "blue", "red", "lead"),
    call: (w) => ({ input: { assessmentId: w.assessmentId } }),
  },
  "acl.grant": {
    expect: assessmentRole("lead"),
    call: async (w) => ({ input: { assessmentId: w.assessmentId, userId: await aclTarget(w), role: "spectator" } }),
  },
  "acl.update": {
    expect: assessmentRole("lead"),
    call: async (w) => ({
      input: { assessmentId: w.assessmentId, userId: await aclTarget(w, "spectator"), role: "blue" },
    }),
  },
  "acl.revoke": {
    expect: assessmentRole("lead"),
    call: async (w) => ({ input: { assessmentId: w.assessmentId, userId: await aclTarget(w, "spectator") } }),
  },
};
