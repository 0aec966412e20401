/** admin.*: changes of access that must bite on the very next request, the audit trail they leave, and REST. */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mapError } from "../../lib/error-mapping.js";
import { type Caller, createHarness, type Harness, type TestAccount } from "../../test-support/harness.js";

/** The Assay error code a call failed with. */
async function codeOf(call: Promise<unknown>): Promise<string> {
  try {
    await call;
  } catch (error) {
    return mapError(error).code;
  }
  throw new Error("expected the call to fail");
}

describe("admin: access changes", () => {
  let h: Harness;
  let adminAccount: TestAccount;
  let adminToken: string;
  let admin: Caller;
  let ips = 0;

  const signIn = (account: TestAccount) => h.login(account, { ip: `10.3.0.${++ips}` });

  beforeAll(async () => {
    h = await createHarness();
    adminAccount = await h.createUser({ role: "admin" });
    adminToken = (await signIn(adminAccount)).accessToken;
    admin = h.as(adminToken);
  });
  afterAll(() => h.close());

  it("deactivation fails the user's access token on the very next call, and their refresh and sign-in", async () => {
    const account = await h.createUser();
    const pair = await signIn(account);
    await h.as(pair.accessToken).auth.me(); // cached as valid: the deactivation must clear it

    const result = await admin.admin.users.deactivate({ id: account.id });
    expect(result.isActive).toBe(false);
    expect(await codeOf(h.as(pair.accessToken).auth.me())).toBe("AUTH_TOKEN_INVALID");
    expect(await codeOf(h.caller().auth.refresh({ refreshToken: pair.refreshToken }))).toBe("AUTH_TOKEN_INVALID");
    expect(await codeOf(signIn(account))).toBe("AUTH_INVALID_CREDENTIALS");

    const revoked = await admin.admin.sessions.list({ userId: account.id });
    expect(revoked.data.map((s) => [s.id, s.revokedReason])).toEqual([[pair.sessionId, "deactivated"]]);

    await admin.admin.users.activate({ id: account.id });
    expect((await signIn(account)).user.isActive).toBe(true);
  });

  it("a role change takes effect on the next request: a demoted admin is refused at once", async () => {
    const other = await h.createUser({ role: "admin" });
    const otherAdmin = h.as((await signIn(other)).accessToken);
    await otherAdmin.admin.users.list(); // cached as an admin

    const changed = await admin.admin.users.setRole({ id: other.id, role: "analyst" });
    expect(changed.role).toBe("analyst");
    expect(await codeOf(otherAdmin.admin.users.list())).toBe("FORBIDDEN");
    expect(await codeOf(otherAdmin.audit.list())).toBe("FORBIDDEN");

    await admin.admin.users.setRole({ id: other.id, role: "admin" });
    expect((await otherAdmin.admin.users.list()).pagination.total).toBeGreaterThan(0);
  });

  it("deletion anonymises the account, ends its access, frees its email and hides it from lists", async () => {
    const account = await h.createUser({ name: "Soon Gone" });
    const pair = await signIn(account);
    await h.as(pair.accessToken).auth.me();

    const deleted = await admin.admin.users.delete({ id: account.id });
    expect(deleted).toMatchObject({
      email: `deleted-${account.id}@deleted.invalid`,
      name: "Deleted user",
      avatarUrl: null,
      isActive: false,
      hasPassword: false,
    });
    expect(deleted.deletedAt).not.toBeNull();
    expect(await codeOf(h.as(pair.accessToken).auth.me())).toBe("AUTH_TOKEN_INVALID");
    expect(await codeOf(h.caller().auth.refresh({ refreshToken: pair.refreshToken }))).toBe("AUTH_TOKEN_INVALID");
    const row = await h.deps.db.prisma.user.findUniqueOrThrow({ where: { id: account.id } });
    expect(row.passwordHash).toBeNull();

    const visible = (await admin.admin.users.list({ pageSize: 100 })).data.map((u) => u.id);
    expect(visible).not.toContain(account.id);
    const all = (await admin.admin.users.list({ pageSize: 100, includeDeleted: true })).data.map((u) => u.id);
    expect(all).toContain(account.id);
    expect((await admin.admin.users.get({ id: account.id })).deletedAt).not.toBeNull();

    expect(await codeOf(admin.admin.users.activate({ id: account.id }))).toBe("CONFLICT");
    expect(await codeOf(admin.admin.users.delete({ id: account.id }))).toBe("CONFLICT");
    const reused = await admin.admin.users.create({
      email: account.email,
      name: "New Owner",
      password: "another long passphrase",
      role: "viewer",
    });
    expect(reused.id).not.toBe(account.id);
  });

  it("unlock ends a lockout and clears the counters", async () => {
    const account = await h.createUser();
    const lockedUntil = new Date(h.clock.now().getTime() + 3_600_000);
    // Locked out from the address the test signs in from (the harness's 127.0.0.1).
    await h.deps.db.prisma.user.update({ where: { id: account.id }, data: { lockedUntil } });
    await h.deps.db.prisma.loginFailure.create({
      data: { userId: account.id, ip: "127.0.0.1", lockedUntil, lockoutLevel: 2 },
    });
    const before = await admin.admin.users.get({ id: account.id });
    expect(before).toMatchObject({ isLocked: true, lockedUntil: lockedUntil.toISOString() });
    expect(await codeOf(h.login(account))).toBe("AUTH_INVALID_CREDENTIALS");

    expect(await admin.admin.users.unlock({ id: account.id })).toMatchObject({ isLocked: false, lockedUntil: null });
    const row = await h.deps.db.prisma.user.findUniqueOrThrow({ where: { id: account.id } });
    expect(row.lockedUntil).toBeNull();
    expect(await h.deps.db.prisma.loginFailure.count({ where: { userId: account.id } })).toBe(0);
    expect((await h.login(account)).user.id).toBe(account.id);
  });

  it("lists every account's sessions by user and state, and revokes one", async () => {
    const account = await h.createUser();
    const first = await signIn(account);
    const second = await signIn(account);
    await h.as(second.accessToken).auth.me();

    const listed = await admin.admin.sessions.list({ userId: account.id, active: true });
    expect(listed.pagination.total).toBe(2);
    expect(listed.data[0]?.user).toEqual({ id: account.id, email: account.email, name: expect.any(String) });

    expect(await admin.admin.sessions.revoke({ id: second.sessionId })).toEqual({ ok: true });
    expect(await codeOf(h.as(second.accessToken).auth.me())).toBe("AUTH_TOKEN_INVALID");
    expect((await h.as(first.accessToken).auth.me()).id).toBe(account.id);

    const active = await admin.admin.sessions.list({ userId: account.id, active: true });
    expect(active.data.map((s) => s.id)).toEqual([first.sessionId]);
    const ended = await admin.admin.sessions.list({ userId: account.id, active: false });
    expect(ended.data.map((s) => [s.id, s.revokedReason])).toEqual([[second.sessionId, "admin"]]);
    const [event] = (await admin.audit.list({ type: "session.revoked", targetId: second.sessionId })).data;
    expect(event).toMatchObject({ actorId: adminAccount.id, metadata: { reason: "admin", userId: account.id } });
  });

  it("records each change exactly once, with its actor and target, and no-op repeats record nothing", async () => {
    const account = await h.createUser({ role: "viewer" });
    const id = account.id;
    await h.deps.db.prisma.user.update({ where: { id }, data: { lockedUntil: new Date(Date.now() + 60_000) } });
    const steps = [
      () => admin.admin.users.update({ id, name: "Renamed" }),
      () => admin.admin.users.setRole({ id, role: "analyst" }),
      () => admin.admin.users.deactivate({ id }),
      () => admin.admin.users.activate({ id }),
      () => admin.admin.users.unlock({ id }),
    ];
    for (const step of steps) await step();
    for (const step of steps.slice(0, 2)) await step(); // same values again
    await admin.admin.users.activate({ id });
    await admin.admin.users.unlock({ id });
    await admin.admin.users.delete({ id });

    const { data } = await admin.audit.list({ targetId: id });
    expect(data.map((e) => e.type)).toEqual([
      "admin.user.deleted",
      "admin.user.unlocked",
      "admin.user.activated",
      "admin.user.deactivated",
      "admin.user.role_changed",
      "admin.user.updated",
    ]);
    for (const event of data)
      expect(event).toMatchObject({ actorId: adminAccount.id, targetType: "user", targetId: id });
    expect(data.find((e) => e.type === "admin.user.role_changed")?.metadata).toEqual({ from: "viewer", to: "analyst" });
    expect(
      (await admin.audit.list({ type: "admin.user.*", actorId: adminAccount.id, targetId: id })).pagination.total,
    ).toBe(6);
  });

  it("maps the admin procedures to REST, coercing query parameters", async () => {
    const auth = { authorization: `Bearer ${adminToken}` };
    const json = { ...auth, "content-type": "application/json" };
    const tag = `rest${Date.now()}`;
    for (let i = 0; i < 3; i++) await h.createUser({ name: `${tag} ${i}` });

    const listed = await h.app.request(
      `/api/v1/admin/users?q=${tag}&active=true&includeDeleted=false&page=2&pageSize=2`,
      {
        headers: auth,
      },
    );
    expect(listed.status).toBe(200);
    const page = await listed.json();
    expect(page.pagination).toEqual({ total: 3, page: 2, pageSize: 2, totalPages: 2, hasNext: false, hasPrev: true });
    const target = page.data[0];
    expect(target.name).toBe(`${tag} 0`);
    expect(target).not.toHaveProperty("passwordHash");

    const inactive = await h.app.request(`/api/v1/admin/users?q=${tag}&active=false`, { headers: auth });
    expect((await inactive.json()).pagination.total).toBe(0);

    const role = await h.app.request(`/api/v1/admin/users/${target.id}/role`, {
      method: "PUT",
      headers: json,
      body: JSON.stringify({ role: "admin" }),
    });
    expect(role.status).toBe(200);
    expect((await role.json()).role).toBe("admin");

    const deactivated = await h.app.request(`/api/v1/admin/users/${target.id}/deactivate`, {
      method: "POST",
      headers: json,
    });
    expect((await deactivated.json()).isActive).toBe(false);

    const missing = await h.app.request(`/api/v1/admin/users/${randomUUID()}`, { headers: auth });
    expect(missing.status).toBe(404);
    const badPage = await h.app.request("/api/v1/admin/users?pageSize=500", { headers: auth });
    expect(badPage.status).toBe(400);
    expect((await badPage.json()).errors[0].field).toBe("pageSize");

    // REST coerces boolean body fields; the string "false" must not make a superuser.
    const sneaky = await h.app.request("/api/v1/admin/users", {
      method: "POST",
      headers: json,
      body: JSON.stringify({
        email: "s@example.com",
        name: "S",
        password: "a long passphrase",
        role: "viewer",
        isSuperuser: "false",
      }),
    });
    expect(sneaky.status).toBe(400);
    expect((await sneaky.json()).errors[0].field).toBe("isSuperuser");

    const viewer = await signIn(await h.createUser({ role: "viewer" }));
    const refused = await h.app.request("/api/v1/admin/sessions", {
      headers: { authorization: `Bearer ${viewer.accessToken}` },
    });
    expect(refused.status).toBe(403);
    expect((await refused.json()).errors[0].code).toBe("FORBIDDEN");

    const sessions = await h.app.request(`/api/v1/admin/sessions?userId=${viewer.user.id}&active=true`, {
      headers: auth,
    });
    expect((await sessions.json()).data.map((s: { id: string }) => s.id)).toEqual([viewer.sessionId]);
    const revoked = await h.app.request(`/api/v1/admin/sessions/${viewer.sessionId}`, {
      method: "DELETE",
      headers: auth,
    });
    expect(revoked.status).toBe(200);
    expect(await codeOf(h.as(viewer.accessToken).auth.me())).toBe("AUTH_TOKEN_INVALID");
  });

  it("describes every accounts route in the OpenAPI document", async () => {
    const doc = await (await h.app.request("/api/v1/openapi.json")).json();
    const routes = Object.entries(doc.paths as Record<string, object>).flatMap(([path, ops]) =>
      Object.keys(ops).map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(routes).toEqual(
      expect.arrayContaining([
        "GET /sessions",
        "DELETE /sessions/{id}",
        "POST /sessions/revoke-others",
        "GET /admin/users",
        "POST /admin/users",
        "GET /admin/users/{id}",
        "PATCH /admin/users/{id}",
        "DELETE /admin/users/{id}",
        "PUT /admin/users/{id}/role",
        "POST /admin/users/{id}/activate",
        "POST /admin/users/{id}/deactivate",
        "POST /admin/users/{id}/unlock",
        "GET /admin/sessions",
        "DELETE /admin/sessions/{id}",
        "GET /audit",
      ]),
    );
    const schemas = Object.keys(doc.components.schemas);
    expect(schemas).toEqual(
      expect.arrayContaining(["AdminUser", "AdminUserPage", "Session", "AuditEvent", "Pagination"]),
    );
    expect(JSON.stringify(doc.components.schemas.AdminUser)).not.toMatch(/passwordHash|failedLoginCount|lockoutLevel/);
  });
});
