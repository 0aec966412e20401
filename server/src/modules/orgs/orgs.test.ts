/**
 * Organizations: tenancy first (another organization's id answers NOT_FOUND), then who may
 * change what, soft delete with restore, superusers acting as owner (audited), and REST.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Harness } from "../../test-support/harness.js";
import {
  type Actor,
  addMember,
  auditEvents,
  createOrgHarness,
  createTeam,
  expectFailure,
  type OrgTeam,
  signIn,
} from "../../test-support/org-kit.js";
import { purgeDeletedOrgs, slugify } from "./orgs.service.js";

let h: Harness;
beforeAll(async () => {
  h = await createOrgHarness();
});
afterAll(() => h.close());

describe("tenancy", () => {
  let team: OrgTeam;
  let outsider: Actor;
  beforeAll(async () => {
    team = await createTeam(h, "Tenancy Org");
    outsider = await signIn(h);
    await outsider.api.orgs.create({ name: "Outsider Org" });
  });

  it("refuses anonymous callers", async () => {
    await expectFailure(h.caller().orgs.list(), "AUTH_REQUIRED");
    await expectFailure(h.caller().orgs.create({ name: "x" }), "AUTH_REQUIRED");
  });

  it("answers NOT_FOUND, never data, to a user of another organization", async () => {
    const foreign = outsider.in(team.orgId);
    await expectFailure(foreign.orgs.get(), "NOT_FOUND", "organizationId");
    await expectFailure(foreign.orgs.update({ name: "Pwned" }), "NOT_FOUND", "organizationId");
    await expectFailure(foreign.orgs.delete(), "NOT_FOUND", "organizationId");
    await expectFailure(foreign.orgs.members.list(), "NOT_FOUND", "organizationId");
    await expectFailure(foreign.orgs.members.invite({ email: "x@example.com" }), "NOT_FOUND", "organizationId");
    await expectFailure(foreign.orgs.invitations.list(), "NOT_FOUND", "organizationId");
    await expectFailure(foreign.orgs.members.setRole({ userId: outsider.id, role: "owner" }), "NOT_FOUND");
    await expectFailure(foreign.orgs.members.remove({ userId: team.member.id }), "NOT_FOUND");
    await expectFailure(foreign.orgs.transferOwnership({ userId: outsider.id }), "NOT_FOUND");
    await expectFailure(foreign.orgs.leave(), "NOT_FOUND");
    await expectFailure(outsider.api.orgs.restore({ organizationId: team.orgId }), "NOT_FOUND");
    // The same through the input field, and for ids that do not exist or are not ids at all.
    await expectFailure(outsider.api.orgs.get({ organizationId: team.orgId }), "NOT_FOUND");
    await expectFailure(outsider.in("0190b1c2-0000-7000-8000-000000000000").orgs.get(), "NOT_FOUND");
    await expectFailure(outsider.in("not-a-uuid").orgs.get(), "NOT_FOUND");
    const org = await h.deps.db.prisma.organization.findUniqueOrThrow({ where: { id: team.orgId } });
    expect(org.name).toBe("Tenancy Org");
    const list = await outsider.api.orgs.list();
    expect(list.data.map((o) => o.id)).not.toContain(team.orgId);
  });

  it("refuses a header and an organizationId input that disagree", async () => {
    const other = await team.owner.api.orgs.create({ name: "Second Org" });
    await expectFailure(
      team.owner.in(team.orgId).orgs.get({ organizationId: other.id }),
      "VALIDATION",
      "organizationId",
    );
    await expectFailure(team.owner.api.orgs.get(), "VALIDATION", "organizationId");
    await expect(team.owner.in(team.orgId).orgs.get({ organizationId: team.orgId })).resolves.toMatchObject({
      id: team.orgId,
    });
  });

  it("a member cannot update or delete the organization; an admin cannot delete it", async () => {
    await expectFailure(team.member.in(team.orgId).orgs.update({ name: "Mine now" }), "FORBIDDEN");
    await expectFailure(team.member.in(team.orgId).orgs.delete(), "FORBIDDEN");
    await expectFailure(team.admin.in(team.orgId).orgs.delete(), "FORBIDDEN");
    expect(await auditEvents(h, "org.updated", team.orgId)).toHaveLength(0);
    expect(await auditEvents(h, "org.deleted", team.orgId)).toHaveLength(0);
  });

  it("only superusers list every organization", async () => {
    await expectFailure(team.owner.api.orgs.list({ all: true }), "FORBIDDEN");
  });
});

describe("organizations", () => {
  it("makes the creator owner, with a slug from the name that stays unique", async () => {
    const alice = await signIn(h);
    const first = await alice.api.orgs.create({ name: "Blue Team Ünïted!", description: "Defenders" });
    expect(first).toMatchObject({ slug: "blue-team-united", role: "owner", viaSuperuser: false, memberCount: 1 });
    const second = await alice.api.orgs.create({ name: "Blue team united" });
    const third = await alice.api.orgs.create({ name: "blue TEAM united" });
    expect([second.slug, third.slug]).toEqual(["blue-team-united-2", "blue-team-united-3"]);
    expect((await alice.api.orgs.create({ name: "!!!" })).slug).toBe("org");
    expect(slugify("x".repeat(200)).length).toBeLessThanOrEqual(42);
    const membership = await h.deps.db.prisma.membership.findFirstOrThrow({ where: { organizationId: first.id } });
    expect(membership).toMatchObject({ userId: alice.id, role: "owner" });
    const created = await auditEvents(h, "org.created", first.id);
    expect(created).toHaveLength(1);
    expect(created[0]).toMatchObject({ actorId: alice.id, targetType: "organization" });
  });

  it("lists my organizations with my role, searchable and paginated", async () => {
    const team = await createTeam(h, "Listing Org");
    const mine = await team.member.api.orgs.list();
    expect(mine.data).toEqual([expect.objectContaining({ id: team.orgId, role: "member", memberCount: 3 })]);
    expect(mine.pagination).toMatchObject({ total: 1, page: 1 });
    await team.admin.api.orgs.create({ name: "Admin's Own" });
    const page = await team.admin.api.orgs.list({ pageSize: 1 });
    expect(page.pagination).toMatchObject({ total: 2, totalPages: 2, hasNext: true });
    expect(page.data[0]).toMatchObject({ name: "Admin's Own", role: "owner" });
    const found = await team.admin.api.orgs.list({ q: "listing" });
    expect(found.data.map((o) => [o.id, o.role])).toEqual([[team.orgId, "admin"]]);
    expect((await team.admin.api.orgs.list({ q: "%" })).data).toHaveLength(0);
  });

  it("updates name, description and slug (owner or admin), audited once, and refuses a taken slug", async () => {
    const team = await createTeam(h, "Update Org");
    const updated = await team.admin.in(team.orgId).orgs.update({ name: "Renamed Org", slug: "renamed-org" });
    expect(updated).toMatchObject({ name: "Renamed Org", slug: "renamed-org", role: "admin" });
    // Nothing changes: nothing is recorded.
    await team.owner.in(team.orgId).orgs.update({ name: "Renamed Org" });
    const events = await auditEvents(h, "org.updated", team.orgId);
    expect(events).toHaveLength(1);
    expect(events[0]?.metadata).toMatchObject({ changes: { name: { from: "Update Org", to: "Renamed Org" } } });
    const other = await team.owner.api.orgs.create({ name: "Taken Slug" });
    await expectFailure(team.owner.in(team.orgId).orgs.update({ slug: other.slug }), "CONFLICT", "slug");
    await expectFailure(team.owner.in(team.orgId).orgs.update({ slug: "Not A Slug" }), "VALIDATION", "slug");
  });

  it("soft delete hides the organization from its members; the owner restores it within the grace period", async () => {
    const team = await createTeam(h, "Deleted Org");
    const deleted = await team.owner.in(team.orgId).orgs.delete();
    expect(deleted.deletedAt).not.toBeNull();
    const days = (Date.parse(deleted.purgeAfter ?? "") - Date.parse(deleted.deletedAt ?? "")) / 86_400_000;
    expect(days).toBe(30);
    for (const actor of [team.owner, team.admin, team.member]) {
      await expectFailure(actor.in(team.orgId).orgs.get(), "NOT_FOUND", "organizationId");
      expect((await actor.api.orgs.list()).data.map((o) => o.id)).not.toContain(team.orgId);
    }
    // Owners still find it to restore it; others do not, and cannot restore it.
    expect((await team.owner.api.orgs.list({ includeDeleted: true })).data.map((o) => o.id)).toContain(team.orgId);
    expect((await team.admin.api.orgs.list({ includeDeleted: true })).data.map((o) => o.id)).not.toContain(team.orgId);
    await expectFailure(team.admin.api.orgs.restore({ organizationId: team.orgId }), "FORBIDDEN");
    await expectFailure(team.owner.in(team.orgId).orgs.delete(), "NOT_FOUND");
    h.clock.advance(29 * 86_400);
    try {
      await team.owner.relogin();
      const restored = await team.owner.api.orgs.restore({ organizationId: team.orgId });
      expect(restored).toMatchObject({ id: team.orgId, deletedAt: null, purgeAfter: null, role: "owner" });
    } finally {
      h.clock.advance(-29 * 86_400);
      await team.owner.relogin();
    }
    await expect(team.member.in(team.orgId).orgs.get()).resolves.toMatchObject({ id: team.orgId, role: "member" });
    await expectFailure(team.owner.api.orgs.restore({ organizationId: team.orgId }), "NOT_FOUND");
    expect(await auditEvents(h, "org.deleted", team.orgId)).toHaveLength(1);
    expect(await auditEvents(h, "org.restored", team.orgId)).toHaveLength(1);
  });

  it("cannot be restored after the grace period, and is then purged with everything in it", async () => {
    const team = await createTeam(h, "Purged Org");
    await h.deps.db.prisma.assessment.create({ data: { organizationId: team.orgId, name: "Doomed" } });
    await team.owner.in(team.orgId).orgs.delete();
    h.clock.advance(31 * 86_400);
    try {
      await team.owner.relogin();
      const message = await expectFailure(team.owner.api.orgs.restore({ organizationId: team.orgId }), "CONFLICT");
      expect(message).toMatch(/restore period/);
      expect(await purgeDeletedOrgs(h.deps)).toBeGreaterThanOrEqual(1);
    } finally {
      h.clock.advance(-31 * 86_400);
    }
    expect(await h.deps.db.prisma.organization.count({ where: { id: team.orgId } })).toBe(0);
    expect(await h.deps.db.prisma.membership.count({ where: { organizationId: team.orgId } })).toBe(0);
    expect(await h.deps.db.prisma.assessment.count({ where: { organizationId: team.orgId } })).toBe(0);
    expect(await auditEvents(h, "org.purged", team.orgId)).toHaveLength(1);
  });
});

describe("superusers", () => {
  it("list every organization and act as owner in one they are not a member of, audited viaSuperuser", async () => {
    const team = await createTeam(h, "Supervised Org");
    const root = await signIn(h, { isSuperuser: true });
    const all = await root.api.orgs.list({ all: true, pageSize: 100 });
    expect(all.data.find((o) => o.id === team.orgId)).toMatchObject({ role: "owner", viaSuperuser: true });
    expect((await root.api.orgs.list()).data.map((o) => o.id)).not.toContain(team.orgId);
    const scoped = root.in(team.orgId);
    await expect(scoped.orgs.get()).resolves.toMatchObject({ role: "owner", viaSuperuser: true });
    await scoped.orgs.update({ description: "Reviewed by the platform team" });
    await scoped.orgs.members.setRole({ userId: team.member.id, role: "admin" });
    const updates = await auditEvents(h, "org.updated", team.orgId);
    const roles = await auditEvents(h, "org.member.role_changed", team.orgId);
    expect(updates).toHaveLength(1);
    expect(roles).toHaveLength(1);
    for (const event of [...updates, ...roles]) {
      expect(event.actorId).toBe(root.id);
      expect(event.metadata).toMatchObject({ viaSuperuser: true, organizationId: team.orgId });
    }
    // A member's own writes are not marked.
    await team.owner.in(team.orgId).orgs.update({ description: "Back to us" });
    const own = (await auditEvents(h, "org.updated", team.orgId))[1];
    expect(own?.metadata).not.toHaveProperty("viaSuperuser");
    await expectFailure(scoped.orgs.leave(), "CONFLICT");
    await scoped.orgs.delete();
    expect((await auditEvents(h, "org.deleted", team.orgId))[0]?.metadata).toMatchObject({ viaSuperuser: true });
    await root.api.orgs.restore({ organizationId: team.orgId });
    expect((await auditEvents(h, "org.restored", team.orgId))[0]?.metadata).toMatchObject({ viaSuperuser: true });
  });
});

describe("REST", () => {
  it("serves org-scoped routes with the X-Organization-Id header", async () => {
    const team = await createTeam(h, "Rest Org");
    const outsider = await signIn(h);
    const call = (actor: Actor, method: string, path: string, orgId?: string, body?: unknown) =>
      h.app.request(`/api/v1${path}`, {
        method,
        headers: {
          authorization: `Bearer ${actor.token}`,
          ...(orgId ? { "x-organization-id": orgId } : {}),
          ...(body ? { "content-type": "application/json" } : {}),
        },
        ...(body ? { body: JSON.stringify(body) } : {}),
      });
    const get = await call(team.member, "GET", "/orgs/current", team.orgId);
    expect(get.status).toBe(200);
    expect(await get.json()).toMatchObject({ id: team.orgId, role: "member" });
    const foreign = await call(outsider, "GET", "/orgs/current", team.orgId);
    expect(foreign.status).toBe(404);
    expect((await foreign.json()).errors[0]).toMatchObject({ code: "NOT_FOUND", field: "organizationId" });
    const members = await call(team.admin, "GET", "/orgs/current/members?role=member", team.orgId);
    expect(members.status).toBe(200);
    expect((await members.json()).data.map((m: { userId: string }) => m.userId)).toEqual([team.member.id]);
    const patch = await call(team.member, "PATCH", "/orgs/current", team.orgId, { name: "Nope" });
    expect(patch.status).toBe(403);
    const created = await call(outsider, "POST", "/orgs", undefined, { name: "Made Over Rest" });
    expect(created.status).toBe(200);
    expect(await created.json()).toMatchObject({ slug: "made-over-rest", role: "owner" });
    const list = await call(outsider, "GET", "/orgs?q=rest");
    expect((await list.json()).pagination.total).toBe(1);
    const setRole = await call(team.owner, "PUT", `/orgs/current/members/${team.member.id}/role`, team.orgId, {
      role: "admin",
    });
    expect(setRole.status).toBe(200);
    expect(await setRole.json()).toMatchObject({ userId: team.member.id, role: "admin" });
    const remove = await call(team.owner, "DELETE", `/orgs/current/members/${team.member.id}`, team.orgId);
    expect(remove.status).toBe(200);
    const mismatch = await call(team.owner, "GET", `/orgs/current?organizationId=${team.orgId}`, outsider.id);
    expect(mismatch.status).toBe(400);
  });

  it("documents the X-Organization-Id header in the OpenAPI document", async () => {
    const doc = await (await h.app.request("/api/v1/openapi.json")).json();
    const get = doc.paths["/orgs/current"].get;
    expect(get.description).toContain("X-Organization-Id");
    expect(get.parameters.map((p: { name: string; in: string }) => `${p.in}:${p.name}`)).toContain(
      "header:x-organization-id",
    );
    expect(doc.paths["/orgs/{organizationId}/restore"].post).toBeDefined();
    expect(doc.paths["/invitations/accept"].post).toBeDefined();
    expect(doc.paths["/assessments/{assessmentId}/acl"].get).toBeDefined();
    expect(doc.paths["/assessments/{assessmentId}/acl/{userId}"].put).toBeDefined();
  });
});

// Keeps the shortcut honest: addMember is what the other files rely on.
it("addMember puts a user in with the given role", async () => {
  const team = await createTeam(h, "Kit Org");
  const extra = await signIn(h);
  await addMember(h, team.orgId, extra.id, "admin");
  await expect(extra.in(team.orgId).orgs.get()).resolves.toMatchObject({ role: "admin" });
});
