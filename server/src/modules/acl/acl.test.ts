/**
 * Per-assessment ACLs: tenancy and role refusals first, then grant/update/revoke by the lead
 * and by org owners/admins acting as lead, each audited exactly once.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Harness } from "../../test-support/harness.js";
import {
  type Actor,
  addMember,
  auditEvents,
  createAssessment,
  createOrgHarness,
  createTeam,
  expectFailure,
  grantDirectly,
  type OrgTeam,
  signIn,
} from "../../test-support/org-kit.js";

let h: Harness;
beforeAll(async () => {
  h = await createOrgHarness();
});
afterAll(() => h.close());

interface Setup extends OrgTeam {
  assessmentId: string;
  lead: Actor;
  red: Actor;
  blue: Actor;
  spectator: Actor;
  /** A member of the organization with no role on the assessment. */
  bystander: Actor;
}

async function setup(): Promise<Setup> {
  const team = await createTeam(h);
  const assessmentId = await createAssessment(h, team.orgId);
  const [lead, red, blue, spectator] = await Promise.all([signIn(h), signIn(h), signIn(h), signIn(h)]);
  const roles = [
    [lead, "lead"],
    [red, "red"],
    [blue, "blue"],
    [spectator, "spectator"],
  ] as const;
  for (const [actor, role] of roles) {
    await addMember(h, team.orgId, actor.id, "member");
    await grantDirectly(h, assessmentId, actor.id, role);
  }
  return { ...team, assessmentId, lead, red, blue, spectator, bystander: team.member };
}

describe("refusals", () => {
  let s: Setup;
  beforeAll(async () => {
    s = await setup();
  });

  it("answers NOT_FOUND for another organization's assessment, even to its owner", async () => {
    const other = await createTeam(h, "Other Org");
    const foreignAssessment = await createAssessment(h, other.orgId);
    const scoped = s.owner.in(s.orgId);
    await expectFailure(scoped.acl.list({ assessmentId: foreignAssessment }), "NOT_FOUND", "assessmentId");
    await expectFailure(
      scoped.acl.grant({ assessmentId: foreignAssessment, userId: s.member.id, role: "red" }),
      "NOT_FOUND",
      "assessmentId",
    );
    // Naming the other organization does not help: the caller is not a member there.
    await expectFailure(s.owner.in(other.orgId).acl.list({ assessmentId: foreignAssessment }), "NOT_FOUND");
    await expectFailure(other.owner.in(other.orgId).acl.list({ assessmentId: s.assessmentId }), "NOT_FOUND");
    await expectFailure(
      other.owner.in(other.orgId).acl.revoke({ assessmentId: s.assessmentId, userId: s.red.id }),
      "NOT_FOUND",
    );
    expect(await h.deps.db.prisma.assessmentAcl.count({ where: { assessmentId: s.assessmentId } })).toBe(4);
  });

  it("red, blue and spectators cannot grant, update or revoke", async () => {
    for (const actor of [s.red, s.blue, s.spectator]) {
      const scoped = actor.in(s.orgId);
      await expectFailure(
        scoped.acl.grant({ assessmentId: s.assessmentId, userId: s.bystander.id, role: "red" }),
        "FORBIDDEN",
      );
      await expectFailure(
        scoped.acl.update({ assessmentId: s.assessmentId, userId: actor.id, role: "lead" }),
        "FORBIDDEN",
      );
      await expectFailure(scoped.acl.revoke({ assessmentId: s.assessmentId, userId: s.lead.id }), "FORBIDDEN");
    }
    expect(await auditEvents(h, "acl.granted", s.assessmentId)).toHaveLength(0);
    expect(await auditEvents(h, "acl.updated", s.assessmentId)).toHaveLength(0);
    expect(await auditEvents(h, "acl.revoked", s.assessmentId)).toHaveLength(0);
  });

  it("a member without an ACL entry gets NOT_FOUND, even on acl.list", async () => {
    await expectFailure(s.bystander.in(s.orgId).acl.list({ assessmentId: s.assessmentId }), "NOT_FOUND");
    await expectFailure(
      s.bystander.in(s.orgId).acl.grant({ assessmentId: s.assessmentId, userId: s.bystander.id, role: "lead" }),
      "NOT_FOUND",
    );
  });

  it("refuses a grantee who is not a member of the organization", async () => {
    const stranger = await signIn(h);
    await expectFailure(
      s.lead.in(s.orgId).acl.grant({ assessmentId: s.assessmentId, userId: stranger.id, role: "red" }),
      "NOT_FOUND",
      "userId",
    );
    const other = await createTeam(h, "Grantee Org");
    await expectFailure(
      s.lead.in(s.orgId).acl.grant({ assessmentId: s.assessmentId, userId: other.owner.id, role: "blue" }),
      "NOT_FOUND",
      "userId",
    );
  });

  it("refuses a duplicate grant and changes to entries that do not exist", async () => {
    await expectFailure(
      s.lead.in(s.orgId).acl.grant({ assessmentId: s.assessmentId, userId: s.red.id, role: "blue" }),
      "CONFLICT",
      "userId",
    );
    await expectFailure(
      s.lead.in(s.orgId).acl.update({ assessmentId: s.assessmentId, userId: s.bystander.id, role: "blue" }),
      "NOT_FOUND",
      "userId",
    );
    await expectFailure(
      s.lead.in(s.orgId).acl.revoke({ assessmentId: s.assessmentId, userId: s.bystander.id }),
      "NOT_FOUND",
      "userId",
    );
  });

  it("hides deleted assessments", async () => {
    const deleted = await createAssessment(h, s.orgId, "Gone");
    await h.deps.db.prisma.assessment.update({ where: { id: deleted }, data: { deletedAt: new Date() } });
    await expectFailure(s.owner.in(s.orgId).acl.list({ assessmentId: deleted }), "NOT_FOUND", "assessmentId");
  });
});

describe("acl", () => {
  it("anyone who can read the assessment lists its ACL", async () => {
    const s = await setup();
    for (const actor of [s.spectator, s.red, s.owner, s.admin]) {
      const page = await actor.in(s.orgId).acl.list({ assessmentId: s.assessmentId });
      expect(page.pagination.total).toBe(4);
      expect(page.data.map((e) => e.role)).toEqual(["lead", "red", "blue", "spectator"]);
    }
  });

  it("the lead grants, updates and revokes; each change is audited once as a security event", async () => {
    const s = await setup();
    const scoped = s.lead.in(s.orgId);
    const granted = await scoped.acl.grant({ assessmentId: s.assessmentId, userId: s.bystander.id, role: "red" });
    expect(granted).toMatchObject({ userId: s.bystander.id, role: "red", grantedById: s.lead.id });
    // The grantee now sees the assessment.
    await expect(s.bystander.in(s.orgId).acl.list({ assessmentId: s.assessmentId })).resolves.toMatchObject({
      pagination: { total: 5 },
    });
    const updated = await scoped.acl.update({ assessmentId: s.assessmentId, userId: s.bystander.id, role: "blue" });
    expect(updated.role).toBe("blue");
    await scoped.acl.update({ assessmentId: s.assessmentId, userId: s.bystander.id, role: "blue" });
    await expect(scoped.acl.revoke({ assessmentId: s.assessmentId, userId: s.bystander.id })).resolves.toEqual({
      ok: true,
    });
    await expectFailure(s.bystander.in(s.orgId).acl.list({ assessmentId: s.assessmentId }), "NOT_FOUND");
    const [grants, updates, revokes] = await Promise.all(
      ["acl.granted", "acl.updated", "acl.revoked"].map((type) => auditEvents(h, type, s.assessmentId)),
    );
    expect(grants).toHaveLength(1);
    expect(updates).toHaveLength(1);
    expect(revokes).toHaveLength(1);
    expect(grants?.[0]).toMatchObject({
      actorId: s.lead.id,
      targetType: "assessment",
      metadata: { userId: s.bystander.id, role: "red", organizationId: s.orgId },
    });
    expect(updates?.[0]?.metadata).toMatchObject({ from: "red", to: "blue" });
    expect(revokes?.[0]?.metadata).toMatchObject({ role: "blue" });
  });

  it("org owners and admins act as lead without an ACL entry", async () => {
    const s = await setup();
    expect(await h.deps.db.prisma.assessmentAcl.count({ where: { userId: { in: [s.owner.id, s.admin.id] } } })).toBe(0);
    await s.admin.in(s.orgId).acl.grant({ assessmentId: s.assessmentId, userId: s.bystander.id, role: "spectator" });
    await s.owner.in(s.orgId).acl.update({ assessmentId: s.assessmentId, userId: s.bystander.id, role: "lead" });
    await s.admin.in(s.orgId).acl.revoke({ assessmentId: s.assessmentId, userId: s.lead.id });
    // The new lead manages the ACL in turn.
    await s.bystander.in(s.orgId).acl.update({ assessmentId: s.assessmentId, userId: s.red.id, role: "spectator" });
    const entries = await s.owner.in(s.orgId).acl.list({ assessmentId: s.assessmentId });
    expect(entries.data.map((e) => [e.userId, e.role])).toEqual(
      expect.arrayContaining([
        [s.bystander.id, "lead"],
        [s.red.id, "spectator"],
      ]),
    );
    expect(entries.data.map((e) => e.userId)).not.toContain(s.lead.id);
  });

  it("a superuser outside the organization manages the ACL, audited viaSuperuser", async () => {
    const s = await setup();
    const root = await signIn(h, { isSuperuser: true });
    await root.in(s.orgId).acl.grant({ assessmentId: s.assessmentId, userId: s.bystander.id, role: "red" });
    const events = await auditEvents(h, "acl.granted", s.assessmentId);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ actorId: root.id, metadata: { viaSuperuser: true } });
  });

  it("serves the ACL over REST under /assessments/{assessmentId}/acl with X-Organization-Id", async () => {
    const s = await setup();
    const call = (actor: Actor, method: string, path: string, body?: unknown) =>
      h.app.request(`/api/v1/assessments/${s.assessmentId}/acl${path}`, {
        method,
        headers: {
          authorization: `Bearer ${actor.token}`,
          "x-organization-id": s.orgId,
          ...(body ? { "content-type": "application/json" } : {}),
        },
        ...(body ? { body: JSON.stringify(body) } : {}),
      });
    const list = await call(s.spectator, "GET", "");
    expect(list.status).toBe(200);
    expect((await list.json()).pagination.total).toBe(4);
    const grant = await call(s.lead, "POST", "", { userId: s.bystander.id, role: "red" });
    expect(grant.status).toBe(200);
    expect(await grant.json()).toMatchObject({ userId: s.bystander.id, role: "red" });
    const refused = await call(s.red, "PUT", `/${s.bystander.id}`, { role: "lead" });
    expect(refused.status).toBe(403);
    const update = await call(s.admin, "PUT", `/${s.bystander.id}`, { role: "blue" });
    expect(await update.json()).toMatchObject({ role: "blue" });
    const revoke = await call(s.owner, "DELETE", `/${s.bystander.id}`);
    expect(revoke.status).toBe(200);
    const outsider = await signIn(h);
    const foreign = await call(outsider, "GET", "");
    expect(foreign.status).toBe(404);
  });
});
