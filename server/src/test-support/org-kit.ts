/** Test shortcuts for organization and ACL tests: signed-in actors, org-scoped callers, seeded rows. */
import { expect } from "vitest";
import { mapError } from "../lib/error-mapping.js";
import type { AssessmentRole, OrgRole } from "../modules/acl/permissions.js";
import { type Caller, createHarness, type Harness } from "./harness.js";

/** A harness whose login limits do not get in the way of tests that sign many accounts in. */
export function createOrgHarness(): Promise<Harness> {
  return createHarness({ RATE_LIMIT_LOGIN_PER_IP: "10000/1m" });
}

export interface Actor {
  id: string;
  email: string;
  token: string;
  /** A caller with the bearer token only. */
  readonly api: Caller;
  /** A caller that also sends X-Organization-Id. */
  in(orgId: string): Caller;
  /** Signs in again (after the test clock moved past the access token's life). */
  relogin(): Promise<void>;
}

/** Creates an account and signs it in. */
export async function signIn(h: Harness, options: { email?: string; isSuperuser?: boolean } = {}): Promise<Actor> {
  const account = await h.createUser(options);
  const actor: Actor = {
    id: account.id,
    email: account.email,
    token: (await h.login(account)).accessToken,
    get api() {
      return h.as(actor.token);
    },
    in: (orgId) =>
      h.caller({ headers: new Headers({ authorization: `Bearer ${actor.token}`, "x-organization-id": orgId }) }),
    async relogin() {
      actor.token = (await h.login(account)).accessToken;
    },
  };
  return actor;
}

/** Puts `userId` into the organization directly (the invitation flow has its own tests). */
export async function addMember(h: Harness, organizationId: string, userId: string, role: OrgRole): Promise<void> {
  await h.deps.db.prisma.membership.create({ data: { organizationId, userId, role } });
}

/** An assessment row (the assessments module builds the real API). */
export async function createAssessment(h: Harness, organizationId: string, name = "Assessment"): Promise<string> {
  const row = await h.deps.db.prisma.assessment.create({ data: { organizationId, name } });
  return row.id;
}

export async function grantDirectly(h: Harness, assessmentId: string, userId: string, role: AssessmentRole) {
  await h.deps.db.prisma.assessmentAcl.create({ data: { assessmentId, userId, role } });
}

export interface OrgTeam {
  orgId: string;
  owner: Actor;
  admin: Actor;
  member: Actor;
}

/** An organization created through the API by its owner, with an admin and a member added. */
export async function createTeam(h: Harness, name = "Acme Security"): Promise<OrgTeam> {
  const [owner, admin, member] = await Promise.all([signIn(h), signIn(h), signIn(h)]);
  const org = await owner.api.orgs.create({ name });
  await addMember(h, org.id, admin.id, "admin");
  await addMember(h, org.id, member.id, "member");
  return { orgId: org.id, owner, admin, member };
}

/** Expects `promise` to fail with Assay `code` (and, when given, an error item naming `field`). */
export async function expectFailure(promise: Promise<unknown>, code: string, field?: string): Promise<string> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error, `expected ${code}`).toBeDefined();
  const mapped = mapError(error);
  expect(mapped.code, mapped.message).toBe(code);
  if (field !== undefined) expect(mapped.errors.map((e) => e.field)).toContain(field);
  return mapped.message;
}

/** Audit events of `type`, oldest first. */
export function auditEvents(h: Harness, type: string, targetId?: string) {
  return h.deps.db.prisma.auditEvent.findMany({
    where: { type, ...(targetId ? { targetId } : {}) },
    orderBy: { createdAt: "asc" },
  });
}
