/**
 * The caller's own profile: reading it, changing name and avatar, and an email change
 * guarded by the current password and the uniqueness of addresses.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mapError } from "../../lib/error-mapping.js";
import { createHarness, type Harness, type TestAccount } from "../../test-support/harness.js";

async function expectFailure(promise: Promise<unknown>, code: string, field?: string) {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error, `expected ${code}`).toBeDefined();
  const mapped = mapError(error);
  expect(mapped.code).toBe(code);
  if (field !== undefined) expect(mapped.errors.map((e) => e.field)).toContain(field);
}

describe("users profile", () => {
  let h: Harness;
  const audits = (type: string, targetId: string) =>
    h.deps.db.prisma.auditEvent.findMany({ where: { type, targetId }, orderBy: { createdAt: "asc" } });

  async function signedIn(options: { name?: string } = {}) {
    const account: TestAccount = await h.createUser(options);
    const pair = await h.login(account);
    return { account, token: pair.accessToken, sessionId: pair.sessionId };
  }

  beforeAll(async () => {
    h = await createHarness();
  });
  afterAll(() => h.close());

  it("requires a signed-in caller", async () => {
    await expectFailure(h.caller().users.getProfile(), "AUTH_REQUIRED");
    await expectFailure(h.caller().users.updateProfile({ name: "x" }), "AUTH_REQUIRED");
  });

  it("refuses an avatar that is not an https URL", async () => {
    const { token } = await signedIn();
    for (const avatarUrl of ["http://cdn.example.com/a.png", "javascript:alert(1)", "not a url", "ftp://x.example/a"]) {
      await expectFailure(h.as(token).users.updateProfile({ avatarUrl }), "VALIDATION", "avatarUrl");
    }
    await expectFailure(h.as(token).users.updateProfile({ name: "   " }), "VALIDATION", "name");
  });

  it("refuses avatar URLs that could break out of markup, or that do not round-trip", async () => {
    const { account, token } = await signedIn();
    const admin = await h.login(await h.createUser({ role: "admin" }));
    const hostile = [
      'https://evil.example/a.png"onerror=alert(1)',
      "https://evil.example/a.png'onerror=alert(1)",
      "https://evil.example/a.png`x",
      "https://evil.example/<svg/onload=alert(1)>",
      "https://evil.example/a b.png",
      "https://evil.example/a.png\tx",
      "https://evil.example/a.png\u0000",
      "https://evil.example\\a.png",
      "https://user:secret@evil.example/a.png",
      "https://EVIL.example/a.png",
      "https://evil.example",
    ];
    for (const avatarUrl of hostile) {
      await expectFailure(h.as(token).users.updateProfile({ avatarUrl }), "VALIDATION", "avatarUrl");
      await expectFailure(
        h.as(admin.accessToken).admin.users.update({ id: account.id, avatarUrl }),
        "VALIDATION",
        "avatarUrl",
      );
    }
    const rest = await h.app.request("/api/v1/users/me/profile", {
      method: "PATCH",
      headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
      body: JSON.stringify({ avatarUrl: hostile[0] }),
    });
    expect(rest.status).toBe(400);
    expect((await rest.json()).errors[0]).toMatchObject({ code: "VALIDATION", field: "avatarUrl" });
    expect((await h.as(token).users.getProfile()).avatarUrl).toBeNull();
    // A value stored before the check existed is not handed out.
    await h.deps.db.prisma.user.update({ where: { id: account.id }, data: { avatarUrl: hostile[0] as string } });
    expect((await h.as(token).users.getProfile()).avatarUrl).toBeNull();
  });

  it("refuses an email change without, or with a wrong, current password", async () => {
    const { account, token } = await signedIn();
    await expectFailure(
      h.as(token).users.updateProfile({ email: "moved@example.com" }),
      "VALIDATION",
      "currentPassword",
    );
    await expectFailure(
      h.as(token).users.updateProfile({ email: "moved@example.com", currentPassword: "wrong password here" }),
      "AUTH_INVALID_CREDENTIALS",
      "currentPassword",
    );
    expect((await h.as(token).users.getProfile()).email).toBe(account.email);
    expect(await audits("user.email_changed", account.id)).toHaveLength(0);
  });

  it("refuses an email another account holds with CONFLICT", async () => {
    const other = await h.createUser();
    const { account, token } = await signedIn();
    await expectFailure(
      h.as(token).users.updateProfile({ email: other.email.toUpperCase(), currentPassword: account.password }),
      "CONFLICT",
      "email",
    );
    expect((await h.as(token).users.getProfile()).email).toBe(account.email);
  });

  it("of two accounts racing for one address, exactly one gets it", async () => {
    const [a, b] = [await signedIn(), await signedIn()];
    const results = await Promise.allSettled(
      [a, b].map(({ account, token }) =>
        h.as(token).users.updateProfile({ email: "contested@example.com", currentPassword: account.password }),
      ),
    );
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const loser = results.find((r) => r.status === "rejected");
    expect(mapError(loser?.reason)).toMatchObject({ code: "CONFLICT", errors: [{ field: "email" }] });
  });

  it("reads the profile and updates name and avatar, auditing the changed fields", async () => {
    const { account, token } = await signedIn({ name: "Before" });
    const profile = await h.as(token).users.getProfile();
    expect(profile).toMatchObject({ id: account.id, email: account.email, name: "Before", avatarUrl: null });
    expect(profile).not.toHaveProperty("passwordHash");

    const avatarUrl = "https://cdn.example.com/avatars/1.png";
    const updated = await h.as(token).users.updateProfile({ name: "  After  ", avatarUrl });
    expect(updated).toMatchObject({ name: "After", avatarUrl });
    const cleared = await h.as(token).users.updateProfile({ avatarUrl: null });
    expect(cleared.avatarUrl).toBeNull();
    // Nothing differs: no write, no audit event.
    await h.as(token).users.updateProfile({ name: "After" });

    const events = await audits("user.profile_updated", account.id);
    expect(events.map((e) => e.metadata)).toEqual([{ fields: ["name", "avatarUrl"] }, { fields: ["avatarUrl"] }]);
    expect(events[0]?.actorId).toBe(account.id);
  });

  it("changes the email with the right password, audits from/to and voids outstanding reset links", async () => {
    const { account, token, sessionId } = await signedIn();
    await h.caller({ ip: "10.1.0.1" }).auth.requestPasswordReset({ email: account.email });
    await h.deps.background.drain(); // the link exists before the change
    expect(await h.deps.db.prisma.passwordResetToken.count({ where: { userId: account.id, usedAt: null } })).toBe(1);
    const updated = await h.as(token).users.updateProfile({
      email: "New.Address@Example.com",
      currentPassword: account.password,
    });
    expect(updated.email).toBe("new.address@example.com");
    // The session cache held the old address (warmed by the call above); guards must see the new one.
    const cached = await h.deps.auth.sessions.check(sessionId, account.id);
    expect(cached.email).toBe("new.address@example.com");
    await expect(h.login({ email: "new.address@example.com", password: account.password })).resolves.toBeDefined();

    const [changed] = await audits("user.email_changed", account.id);
    expect(changed?.metadata).toEqual({ from: account.email, to: "new.address@example.com" });
    const [profile] = await audits("user.profile_updated", account.id);
    expect(profile?.metadata).toEqual({ fields: ["email"] });
    const live = await h.deps.db.prisma.passwordResetToken.count({ where: { userId: account.id, usedAt: null } });
    expect(live).toBe(0);
  });

  it("serves the profile through REST with a bearer token", async () => {
    const { account, token } = await signedIn();
    const anonymous = await h.app.request("/api/v1/users/me/profile");
    expect(anonymous.status).toBe(401);
    const headers = { authorization: `Bearer ${token}`, "content-type": "application/json" };
    const read = await h.app.request("/api/v1/users/me/profile", { headers });
    expect(read.status).toBe(200);
    expect(await read.json()).toMatchObject({ id: account.id, email: account.email });
    const patched = await h.app.request("/api/v1/users/me/profile", {
      method: "PATCH",
      headers,
      body: JSON.stringify({ name: "Over REST", avatarUrl: "http://insecure.example.com/a.png" }),
    });
    expect(patched.status).toBe(400);
    expect((await patched.json()).errors[0]).toMatchObject({ code: "VALIDATION", field: "avatarUrl" });
    const ok = await h.app.request("/api/v1/users/me/profile", {
      method: "PATCH",
      headers,
      body: JSON.stringify({ name: "Over REST" }),
    });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ name: "Over REST" });
  });
});
