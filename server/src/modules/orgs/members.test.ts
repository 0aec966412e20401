/**
 * Members: who may change whom (refusals first), the last owner, leaving, removal taking the
 * member's ACL entries with it, and ownership transfer in one transaction.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Harness } from "../../test-support/harness.js";
import {
  addMember,
  auditEvents,
  createAssessment,
  createOrgHarness,
  createTeam,
  expectFailure,
  grantDirectly,
  signIn,
} from "../../test-support/org-kit.js";

let h: Harness;
beforeAll(async () => {
  h = await createOrgHarness();
});
afterAll(() => h.close());

const roleOf = async (organizationId: string, userId: string) =>
  (await h.deps.db.prisma.membership.findUnique({ where: { organizationId_userId: { organizationId, userId } } }))
    ?.role ?? null;

describe("refusals", () => {
  it("a member cannot set roles, remove members or transfer ownership", async () => {
    const { orgId, owner, admin, member } = await createTeam(h);
    const scoped = member.in(orgId);
    await expectFailure(scoped.orgs.members.setRole({ userId: admin.id, role: "member" }), "FORBIDDEN");
    await expectFailure(scoped.orgs.members.setRole({ userId: member.id, role: "admin" }), "FORBIDDEN");
    await expectFailure(scoped.orgs.members.remove({ userId: admin.id }), "FORBIDDEN");
    await expectFailure(scoped.orgs.transferOwnership({ userId: member.id }), "FORBIDDEN");
    expect(await roleOf(orgId, admin.id)).toBe("admin");
    expect(await roleOf(orgId, owner.id)).toBe("owner");
    expect(await auditEvents(h, "org.member.role_changed", orgId)).toHaveLength(0);
  });

  it("an admin cannot demote or remove an owner, make an owner, or transfer ownership", async () => {
    const { orgId, owner, admin, member } = await createTeam(h);
    const scoped = admin.in(orgId);
    await expectFailure(scoped.orgs.members.setRole({ userId: owner.id, role: "member" }), "FORBIDDEN");
    await expectFailure(scoped.orgs.members.remove({ userId: owner.id }), "FORBIDDEN");
    await expectFailure(scoped.orgs.members.setRole({ userId: member.id, role: "owner" }), "FORBIDDEN");
    await expectFailure(scoped.orgs.members.setRole({ userId: admin.id, role: "owner" }), "FORBIDDEN");
    await expectFailure(scoped.orgs.transferOwnership({ userId: admin.id }), "FORBIDDEN");
    expect(await roleOf(orgId, owner.id)).toBe("owner");
    expect(await roleOf(orgId, member.id)).toBe("member");
  });

  it("answers NOT_FOUND for a user who is not a member", async () => {
    const { orgId, owner } = await createTeam(h);
    const stranger = await signIn(h);
    await expectFailure(
      owner.in(orgId).orgs.members.setRole({ userId: stranger.id, role: "admin" }),
      "NOT_FOUND",
      "userId",
    );
    await expectFailure(owner.in(orgId).orgs.members.remove({ userId: stranger.id }), "NOT_FOUND", "userId");
    await expectFailure(owner.in(orgId).orgs.transferOwnership({ userId: stranger.id }), "NOT_FOUND", "userId");
  });

  it("the last owner can be neither demoted, removed, nor leave", async () => {
    const { orgId, owner, admin } = await createTeam(h);
    await expectFailure(owner.in(orgId).orgs.members.setRole({ userId: owner.id, role: "admin" }), "CONFLICT");
    await expectFailure(owner.in(orgId).orgs.members.remove({ userId: owner.id }), "CONFLICT");
    const message = await expectFailure(owner.in(orgId).orgs.leave(), "CONFLICT");
    expect(message).toMatch(/last owner/);
    expect(await roleOf(orgId, owner.id)).toBe("owner");
    // With a second owner, the first may step down.
    await owner.in(orgId).orgs.members.setRole({ userId: admin.id, role: "owner" });
    await expect(owner.in(orgId).orgs.members.setRole({ userId: owner.id, role: "admin" })).resolves.toMatchObject({
      role: "admin",
    });
    await expectFailure(admin.in(orgId).orgs.members.setRole({ userId: admin.id, role: "member" }), "CONFLICT");
  });

  it("two owners demoting each other at once keep one owner", async () => {
    const { orgId, owner, admin } = await createTeam(h);
    await owner.in(orgId).orgs.members.setRole({ userId: admin.id, role: "owner" });
    const results = await Promise.allSettled([
      owner.in(orgId).orgs.members.setRole({ userId: admin.id, role: "member" }),
      admin.in(orgId).orgs.members.setRole({ userId: owner.id, role: "member" }),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    expect(await h.deps.db.prisma.membership.count({ where: { organizationId: orgId, role: "owner" } })).toBe(1);
  });
});

describe("members", () => {
  it("lists members owners first, filterable by role and text", async () => {
    const { orgId, owner, admin, member } = await createTeam(h);
    const all = await member.in(orgId).orgs.members.list();
    expect(all.data.map((m) => [m.userId, m.role])).toEqual([
      [owner.id, "owner"],
      [admin.id, "admin"],
      [member.id, "member"],
    ]);
    expect(all.pagination.total).toBe(3);
    const admins = await member.in(orgId).orgs.members.list({ role: "admin" });
    expect(admins.data.map((m) => m.userId)).toEqual([admin.id]);
    const byEmail = await member.in(orgId).orgs.members.list({ q: member.email.slice(0, 12).toUpperCase() });
    expect(byEmail.data.map((m) => m.userId)).toContain(member.id);
  });

  it("an admin manages members and admins; each change is audited once", async () => {
    const { orgId, admin, member } = await createTeam(h);
    const promoted = await admin.in(orgId).orgs.members.setRole({ userId: member.id, role: "admin" });
    expect(promoted).toMatchObject({ userId: member.id, role: "admin" });
    // Setting the same role again changes and records nothing.
    await admin.in(orgId).orgs.members.setRole({ userId: member.id, role: "admin" });
    const events = await auditEvents(h, "org.member.role_changed", orgId);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      actorId: admin.id,
      metadata: { userId: member.id, from: "member", to: "admin" },
    });
    expect(events[0]?.metadata).not.toHaveProperty("viaSuperuser");
  });

  it("removing a member deletes their ACL entries in this organization only", async () => {
    const { orgId, admin, member } = await createTeam(h);
    const other = await createTeam(h, "Other Org");
    await addMember(h, other.orgId, member.id, "member");
    const here = await createAssessment(h, orgId);
    const there = await createAssessment(h, other.orgId);
    await grantDirectly(h, here, member.id, "red");
    await grantDirectly(h, there, member.id, "blue");
    await expect(admin.in(orgId).orgs.members.remove({ userId: member.id })).resolves.toEqual({ ok: true });
    expect(await roleOf(orgId, member.id)).toBeNull();
    expect(await h.deps.db.prisma.assessmentAcl.count({ where: { userId: member.id, assessmentId: here } })).toBe(0);
    expect(await h.deps.db.prisma.assessmentAcl.count({ where: { userId: member.id, assessmentId: there } })).toBe(1);
    const events = await auditEvents(h, "org.member.removed", orgId);
    expect(events).toHaveLength(1);
    expect(events[0]?.metadata).toMatchObject({ userId: member.id, role: "member", aclEntriesRemoved: 1 });
    await expectFailure(member.in(orgId).orgs.get(), "NOT_FOUND");
  });

  it("a member leaves (with their ACL entries); the organization disappears from their list", async () => {
    const { orgId, member } = await createTeam(h);
    const assessment = await createAssessment(h, orgId);
    await grantDirectly(h, assessment, member.id, "spectator");
    await expect(member.in(orgId).orgs.leave()).resolves.toEqual({ ok: true });
    expect((await member.api.orgs.list()).data).toHaveLength(0);
    expect(await h.deps.db.prisma.assessmentAcl.count({ where: { userId: member.id } })).toBe(0);
    expect(await auditEvents(h, "org.member.left", orgId)).toHaveLength(1);
    await expectFailure(member.in(orgId).orgs.leave(), "NOT_FOUND");
  });
});

describe("transferOwnership", () => {
  it("makes the target owner and the caller admin in one step, audited once", async () => {
    const { orgId, owner, member } = await createTeam(h);
    const result = await owner.in(orgId).orgs.transferOwnership({ userId: member.id });
    expect(result).toMatchObject({ id: orgId, role: "admin" });
    expect(await roleOf(orgId, member.id)).toBe("owner");
    expect(await roleOf(orgId, owner.id)).toBe("admin");
    const events = await auditEvents(h, "org.ownership.transferred", orgId);
    expect(events).toHaveLength(1);
    expect(events[0]?.metadata).toMatchObject({ from: owner.id, to: member.id, previousRole: "member" });
    // The former owner is an admin now: no second transfer, and the new owner is safe from them.
    await expectFailure(owner.in(orgId).orgs.transferOwnership({ userId: owner.id }), "FORBIDDEN");
    await expectFailure(owner.in(orgId).orgs.members.remove({ userId: member.id }), "FORBIDDEN");
    // The new owner cannot leave while the only owner.
    await expectFailure(member.in(orgId).orgs.leave(), "CONFLICT");
  });

  it("refuses a transfer to yourself or to an owner", async () => {
    const { orgId, owner, admin } = await createTeam(h);
    await expectFailure(owner.in(orgId).orgs.transferOwnership({ userId: owner.id }), "VALIDATION", "userId");
    await owner.in(orgId).orgs.members.setRole({ userId: admin.id, role: "owner" });
    await expectFailure(owner.in(orgId).orgs.transferOwnership({ userId: admin.id }), "CONFLICT", "userId");
  });
});

describe("cached scopes", () => {
  it("a demotion, a removal or a deletion holds on the member's very next request", async () => {
    const { orgId, owner, admin, member } = await createTeam(h);
    // Both act once, so their scopes in the organization are cached.
    await admin.in(orgId).orgs.update({ description: "set by the admin" });
    await member.in(orgId).orgs.get();

    await owner.in(orgId).orgs.members.setRole({ userId: admin.id, role: "member" });
    await expectFailure(admin.in(orgId).orgs.update({ description: "no longer" }), "FORBIDDEN");

    await owner.in(orgId).orgs.members.remove({ userId: member.id });
    await expectFailure(member.in(orgId).orgs.get(), "NOT_FOUND", "organizationId");

    await owner.in(orgId).orgs.delete();
    await expectFailure(admin.in(orgId).orgs.get(), "NOT_FOUND", "organizationId");
  });
});
