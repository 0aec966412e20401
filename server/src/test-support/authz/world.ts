/**
 * The cast of the authorization matrix: one account per global role, two organizations
 * (the second one's owner is the "outsider"), and an assessment shared with each ACL role.
 */
import type { Harness } from "../harness.js";

export const ACTORS = [
  "anonymous",
  "viewer",
  "analyst",
  "admin",
  "superuser",
  "outsider",
  "orgMember",
  "orgAdmin",
  "orgOwner",
  "spectator",
  "blue",
  "red",
  "lead",
] as const;
export type Actor = (typeof ACTORS)[number];

export interface World {
  h: Harness;
  orgId: string;
  otherOrgId: string;
  assessmentId: string;
  otherAssessmentId: string;
  users: Record<Exclude<Actor, "anonymous">, { id: string; email: string; password: string; token: string }>;
  /** The organization the next call names in X-Organization-Id (org A unless a rule overrides it). */
  currentOrgId?: string;
  /** A new organization with the same org roles as org A (targets of destructive org actions). */
  freshOrg(options?: { extraOwner?: boolean }): Promise<string>;
  /** A new member of `orgId` (targets of member and ACL actions). */
  freshMember(orgId: string, role?: "owner" | "admin" | "member"): Promise<{ id: string; email: string }>;
  /** A fresh analyst account nobody else uses (targets of admin actions). */
  freshUser(): Promise<{ id: string; email: string; password: string }>;
  /** Signs `actor` in again and returns the new session's id (targets of session revocation). */
  newSession(actor: Exclude<Actor, "anonymous">): Promise<string>;
}

type Prisma = Harness["deps"]["db"]["prisma"];

async function addMember(prisma: Prisma, organizationId: string, userId: string, role: "owner" | "admin" | "member") {
  await prisma.membership.create({ data: { organizationId, userId, role } });
}

/** Builds the world in `h`'s database. */
export async function buildWorld(h: Harness): Promise<World> {
  const prisma = h.deps.db.prisma;
  const global = {
    viewer: await h.createUser({ role: "viewer" }),
    analyst: await h.createUser({ role: "analyst" }),
    admin: await h.createUser({ role: "admin" }),
    superuser: await h.createUser({ role: "admin", isSuperuser: true }),
  };
  const org = {
    outsider: await h.createUser(),
    orgMember: await h.createUser(),
    orgAdmin: await h.createUser(),
    orgOwner: await h.createUser(),
    spectator: await h.createUser(),
    blue: await h.createUser(),
    red: await h.createUser(),
    lead: await h.createUser(),
  };
  const orgA = await prisma.organization.create({ data: { name: "Org A", slug: `org-a-${Date.now()}` } });
  const orgB = await prisma.organization.create({ data: { name: "Org B", slug: `org-b-${Date.now()}` } });
  await addMember(prisma, orgB.id, org.outsider.id, "owner");
  await addMember(prisma, orgA.id, org.orgOwner.id, "owner");
  await addMember(prisma, orgA.id, org.orgAdmin.id, "admin");
  for (const name of ["orgMember", "spectator", "blue", "red", "lead"] as const) {
    await addMember(prisma, orgA.id, org[name].id, "member");
  }
  const assessment = await prisma.assessment.create({ data: { organizationId: orgA.id, name: "Shared" } });
  const other = await prisma.assessment.create({ data: { organizationId: orgB.id, name: "Elsewhere" } });
  for (const role of ["spectator", "blue", "red", "lead"] as const) {
    await prisma.assessmentAcl.create({ data: { assessmentId: assessment.id, userId: org[role].id, role } });
  }
  const accounts = { ...global, ...org };
  const users = {} as World["users"];
  for (const [name, account] of Object.entries(accounts) as [keyof typeof accounts, (typeof accounts)["viewer"]][]) {
    users[name] = { ...account, token: (await h.login(account)).accessToken };
  }
  return {
    h,
    orgId: orgA.id,
    otherOrgId: orgB.id,
    assessmentId: assessment.id,
    otherAssessmentId: other.id,
    users,
    freshUser: () => h.createUser(),
    async freshOrg(options = {}) {
      const fresh = await prisma.organization.create({ data: { name: "Fresh", slug: `fresh-${crypto.randomUUID()}` } });
      await addMember(prisma, fresh.id, org.orgOwner.id, "owner");
      await addMember(prisma, fresh.id, org.orgAdmin.id, "admin");
      await addMember(prisma, fresh.id, org.orgMember.id, "member");
      if (options.extraOwner) await addMember(prisma, fresh.id, (await h.createUser()).id, "owner");
      return fresh.id;
    },
    async freshMember(orgId, role = "member") {
      const account = await h.createUser();
      await addMember(prisma, orgId, account.id, role);
      return account;
    },
    newSession: async (actor) => (await h.login(users[actor])).sessionId,
  };
}
