/**
 * Test fixtures for the assessment domain: organizations with members of each role, signed
 * in, with a tRPC caller and REST headers already pointing at the organization.
 */
import { expect } from "vitest";
import { mapError } from "../lib/error-mapping.js";
import type { AssessmentRole, OrgRole } from "../modules/acl/permissions.js";
import type { Caller, Harness } from "./harness.js";

export interface Member {
  id: string;
  email: string;
  token: string;
  /** tRPC caller sending the bearer token and X-Organization-Id. */
  api: Caller;
  /** Headers for h.app.request (bearer token and X-Organization-Id). */
  headers: Record<string, string>;
}

let orgs = 0;

/** A member of `orgId` with `role`, signed in. */
export async function addMember(h: Harness, orgId: string, role: OrgRole = "member"): Promise<Member> {
  const account = await h.createUser();
  await h.deps.db.prisma.membership.create({ data: { organizationId: orgId, userId: account.id, role } });
  const { accessToken } = await h.login(account);
  const headers = { authorization: `Bearer ${accessToken}`, "x-organization-id": orgId };
  return {
    id: account.id,
    email: account.email,
    token: accessToken,
    api: h.caller({ headers: new Headers(headers) }),
    headers,
  };
}

/** A new organization and its owner. */
export async function createOrg(h: Harness): Promise<{ id: string; owner: Member }> {
  const n = ++orgs;
  const org = await h.deps.db.prisma.organization.create({
    data: { name: `Org ${n}`, slug: `org-${n}-${Date.now().toString(36)}` },
  });
  return { id: org.id, owner: await addMember(h, org.id, "owner") };
}

/** Grants `member` a role on an assessment (directly in the ACL table: the ACL module owns the API). */
export async function grant(h: Harness, assessmentId: string, member: Member, role: AssessmentRole): Promise<void> {
  await h.deps.db.prisma.assessmentAcl.upsert({
    where: { assessmentId_userId: { assessmentId, userId: member.id } },
    create: { assessmentId, userId: member.id, role },
    update: { role },
  });
}

/** A team on one assessment: the lead (org owner), and members holding red, blue and spectator. */
export async function createTeam(h: Harness) {
  const org = await createOrg(h);
  const [red, blue, spectator, outsider] = await Promise.all([
    addMember(h, org.id),
    addMember(h, org.id),
    addMember(h, org.id),
    addMember(h, org.id),
  ]);
  const assessment = await org.owner.api.assessments.create({ name: "Q3 purple team" });
  await grant(h, assessment.id, red, "red");
  await grant(h, assessment.id, blue, "blue");
  await grant(h, assessment.id, spectator, "spectator");
  return { orgId: org.id, lead: org.owner, red, blue, spectator, outsider, assessmentId: assessment.id };
}

/** The Assay error a call failed with (the same mapping the wire formats use). */
export async function failure(
  call: Promise<unknown>,
): Promise<{ code: string; fields: (string | null)[]; message: string }> {
  try {
    await call;
  } catch (error) {
    const mapped = mapError(error);
    return { code: mapped.code, fields: mapped.errors.map((e) => e.field), message: mapped.message };
  }
  throw new Error("expected the call to fail");
}

/** Asserts that `call` fails with Assay code `code` (naming `field`, when given). */
export async function expectCode(call: Promise<unknown>, code: string, field?: string | null): Promise<void> {
  const { code: actual, fields, message } = await failure(call);
  expect(actual, message).toBe(code);
  if (field !== undefined) expect(fields).toContain(field);
}

/** A REST call through the whole Hono app; the body is parsed JSON (or the text). */
export async function rest(
  h: Harness,
  who: Pick<Member, "headers">,
  method: string,
  path: string,
  body?: unknown,
  // biome-ignore lint/suspicious/noExplicitAny: tests read REST bodies freely and assert their shape.
): Promise<{ status: number; body: any; headers: Headers }> {
  const res = await h.app.request(`/api/v1${path}`, {
    method,
    headers: { ...who.headers, ...(body === undefined ? {} : { "content-type": "application/json" }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    // Not JSON.
  }
  return { status: res.status, body: parsed, headers: res.headers };
}
