/**
 * Sign-up, sign-in, refresh rotation with reuse detection, revocation, password change,
 * lockout and rate limits. Attacks first: each must be refused.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHarness, type Harness } from "../../test-support/harness.js";

async function auditCount(h: Harness, type: string, targetId?: string): Promise<number> {
  return h.deps.db.prisma.auditEvent.count({ where: { type, ...(targetId ? { targetId } : {}) } });
}

describe("refresh tokens", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness();
  });
  afterAll(() => h.close());

  it("reuse of a rotated refresh token revokes the whole session, for the legitimate holder too", async () => {
    const account = await h.createUser();
    const first = await h.login(account);
    const second = await h.caller().auth.refresh({ refreshToken: first.refreshToken });
    expect(second.refreshToken).not.toBe(first.refreshToken);
    expect(second.sessionId).toBe(first.sessionId);
    // The attacker replays the stolen, already-used token:
    await expect(h.caller().auth.refresh({ refreshToken: first.refreshToken })).rejects.toMatchObject({
      cause: { code: "AUTH_TOKEN_INVALID" },
    });
    // ...and the legitimate holder's next refresh and access token fail as well.
    await expect(h.caller().auth.refresh({ refreshToken: second.refreshToken })).rejects.toMatchObject({
      cause: { code: "AUTH_TOKEN_INVALID" },
    });
    await expect(h.as(second.accessToken).auth.me()).rejects.toMatchObject({ cause: { code: "AUTH_TOKEN_INVALID" } });
    expect(await auditCount(h, "auth.refresh.reuse_detected", first.sessionId)).toBe(1);
    const session = await h.deps.db.prisma.session.findUniqueOrThrow({ where: { id: first.sessionId } });
    expect(session.revokedReason).toBe("reuse_detected");
  });

  it("refuses unknown and expired refresh tokens", async () => {
    await expect(h.caller().auth.refresh({ refreshToken: "not-a-token" })).rejects.toMatchObject({
      cause: { code: "AUTH_TOKEN_INVALID" },
    });
    const account = await h.createUser();
    const pair = await h.login(account);
    h.clock.advance(8 * 24 * 3600);
    try {
      await expect(h.caller().auth.refresh({ refreshToken: pair.refreshToken })).rejects.toMatchObject({
        cause: { code: "AUTH_TOKEN_EXPIRED" },
      });
    } finally {
      h.clock.advance(-8 * 24 * 3600);
    }
  });

  it("two concurrent refreshes with one token: one wins, the duplicate is treated as reuse (grace 0)", async () => {
    const account = await h.createUser();
    const pair = await h.login(account);
    const results = await Promise.allSettled([
      h.caller().auth.refresh({ refreshToken: pair.refreshToken }),
      h.caller().auth.refresh({ refreshToken: pair.refreshToken }),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const session = await h.deps.db.prisma.session.findUniqueOrThrow({ where: { id: pair.sessionId } });
    expect(session.revokedReason).toBe("reuse_detected");
  });

  it("rotation keeps the session alive and issues working tokens", async () => {
    const account = await h.createUser();
    let pair = await h.login(account);
    for (let i = 0; i < 3; i++) pair = await h.caller().auth.refresh({ refreshToken: pair.refreshToken });
    await expect(h.as(pair.accessToken).auth.me()).resolves.toMatchObject({ id: account.id });
    expect(await h.deps.db.prisma.refreshToken.count({ where: { sessionId: pair.sessionId } })).toBe(4);
  });
});

describe("refresh grace window", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness({ REFRESH_REUSE_GRACE_SECONDS: "10" });
  });
  afterAll(() => h.close());

  it("a racing duplicate inside the window gets the same successor; after it, reuse is detected", async () => {
    const account = await h.createUser();
    const pair = await h.login(account);
    const a = await h.caller().auth.refresh({ refreshToken: pair.refreshToken });
    const b = await h.caller().auth.refresh({ refreshToken: pair.refreshToken });
    expect(b.refreshToken).toBe(a.refreshToken);
    h.clock.advance(11);
    await expect(h.caller().auth.refresh({ refreshToken: pair.refreshToken })).rejects.toMatchObject({
      cause: { code: "AUTH_TOKEN_INVALID" },
    });
  });
});

describe("accounts", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness({ LOCKOUT_THRESHOLD: "3", RATE_LIMIT_LOGIN_PER_ACCOUNT: "100/1m" });
  });
  afterAll(() => h.close());

  it("answers unknown email and wrong password identically (no enumeration)", async () => {
    const account = await h.createUser();
    const wrong = await h
      .caller()
      .auth.login({ email: account.email, password: "wrong password 123" })
      .catch((e) => e);
    const unknown = await h
      .caller()
      .auth.login({ email: "nobody@example.com", password: "wrong password 123" })
      .catch((e) => e);
    expect(wrong.cause).toMatchObject({ code: "AUTH_INVALID_CREDENTIALS" });
    expect(unknown.cause).toMatchObject({ code: "AUTH_INVALID_CREDENTIALS" });
    expect(unknown.message).toBe(wrong.message);
    const rest = async (email: string) =>
      (
        await h.app.request("/api/v1/auth/login", {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ email, password: "wrong password 123" }),
        })
      ).json();
    const [a, b] = [await rest(account.email), await rest("nobody@example.com")];
    expect(a.errors).toEqual(b.errors);
  });

  it("locks an account after the configured failures, answering like a wrong password, until it expires", async () => {
    const account = await h.createUser();
    for (let i = 0; i < 3; i++) {
      await expect(h.caller().auth.login({ email: account.email, password: "not it at all" })).rejects.toThrow();
    }
    // Locked: even the right password is refused, with the same generic error.
    await expect(h.login(account)).rejects.toMatchObject({ cause: { code: "AUTH_INVALID_CREDENTIALS" } });
    expect(await auditCount(h, "auth.lockout", account.id)).toBe(1);
    h.clock.advance(15 * 60 + 1);
    await expect(h.login(account)).resolves.toMatchObject({ user: { id: account.id } });
  });

  it("doubles the lock on consecutive lockouts", async () => {
    const account = await h.createUser();
    const fail = () =>
      h
        .caller()
        .auth.login({ email: account.email, password: "not it at all" })
        .catch(() => undefined);
    for (let i = 0; i < 3; i++) await fail();
    h.clock.advance(15 * 60 + 1);
    for (let i = 0; i < 3; i++) await fail();
    const user = await h.deps.db.prisma.user.findUniqueOrThrow({ where: { id: account.id } });
    const lockSeconds = ((user.lockedUntil?.getTime() ?? 0) - h.clock.now().getTime()) / 1000;
    expect(lockSeconds).toBeGreaterThan(29 * 60);
    expect(lockSeconds).toBeLessThanOrEqual(30 * 60);
  });

  it("registers with the password policy enforced, and signs in", async () => {
    const weak = h.caller().auth.register({ email: "new@example.com", password: "short", name: "New" });
    await expect(weak).rejects.toMatchObject({ cause: { code: "VALIDATION", field: "password" } });
    const common = h.caller().auth.register({ email: "new@example.com", password: "unbelievable", name: "New" });
    await expect(common).rejects.toMatchObject({ cause: { field: "password" } });
    const own = h
      .caller()
      .auth.register({ email: "samesame@example.com", password: "samesame@example.com", name: "N" });
    await expect(own).rejects.toMatchObject({ cause: { field: "password" } });
    const pair = await h
      .caller()
      .auth.register({ email: "New@Example.com", password: "a sound passphrase", name: "New" });
    expect(pair.user).toMatchObject({ email: "new@example.com", role: "viewer", isSuperuser: false });
    const dup = h.caller().auth.register({ email: "new@example.com", password: "a sound passphrase", name: "New" });
    await expect(dup).rejects.toMatchObject({ cause: { code: "CONFLICT", field: "email" } });
  });

  it("changing the password revokes the other sessions but keeps this one", async () => {
    const account = await h.createUser();
    const laptop = await h.login(account, { userAgent: "laptop" });
    const phone = await h.login(account, { userAgent: "phone" });
    const bad = h.as(laptop.accessToken).auth.changePassword({ currentPassword: "nope nope nope", newPassword: "x" });
    await expect(bad).rejects.toMatchObject({ cause: { code: "AUTH_INVALID_CREDENTIALS" } });
    const result = await h
      .as(laptop.accessToken)
      .auth.changePassword({ currentPassword: account.password, newPassword: "a brand new passphrase" });
    expect(result.revokedSessions).toBe(1);
    await expect(h.as(phone.accessToken).auth.me()).rejects.toMatchObject({ cause: { code: "AUTH_TOKEN_INVALID" } });
    await expect(h.as(laptop.accessToken).auth.me()).resolves.toMatchObject({ id: account.id });
    await expect(h.login(account)).rejects.toThrow();
    await expect(h.login({ ...account, password: "a brand new passphrase" })).resolves.toBeTruthy();
    expect(await auditCount(h, "auth.password.changed", account.id)).toBe(1);
  });

  it("logout ends this session at once; logoutAll ends every one", async () => {
    const account = await h.createUser();
    const a = await h.login(account);
    const b = await h.login(account);
    await h.as(a.accessToken).auth.logout();
    await expect(h.as(a.accessToken).auth.me()).rejects.toMatchObject({ cause: { code: "AUTH_TOKEN_INVALID" } });
    await expect(h.caller().auth.refresh({ refreshToken: a.refreshToken })).rejects.toThrow();
    const c = await h.login(account);
    expect((await h.as(c.accessToken).auth.logoutAll()).revokedSessions).toBe(2);
    for (const pair of [b, c]) {
      await expect(h.as(pair.accessToken).auth.me()).rejects.toMatchObject({ cause: { code: "AUTH_TOKEN_INVALID" } });
    }
    expect(await auditCount(h, "auth.logout", a.sessionId)).toBe(1);
  });

  it("re-hashes a password stored with weaker parameters at the next login", async () => {
    const account = await h.createUser();
    const { hash } = await import("@node-rs/argon2");
    const weak = await hash(account.password, { algorithm: 2, memoryCost: 8192, timeCost: 1, parallelism: 1 });
    await h.deps.db.prisma.user.update({ where: { id: account.id }, data: { passwordHash: weak } });
    await h.login(account);
    const user = await h.deps.db.prisma.user.findUniqueOrThrow({ where: { id: account.id } });
    expect(user.passwordHash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
  });

  it("records one audit event per login outcome", async () => {
    const account = await h.createUser();
    const pair = await h.login(account);
    await h
      .caller()
      .auth.login({ email: account.email, password: "definitely wrong" })
      .catch(() => undefined);
    expect(await auditCount(h, "auth.login.succeeded", pair.sessionId)).toBe(1);
    expect(await auditCount(h, "auth.login.failed", account.id)).toBe(1);
  });
});

describe("rate limits and closed registration", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness({ RATE_LIMIT_LOGIN_PER_IP: "3/1m", REGISTRATION_OPEN: "false" });
  });
  afterAll(() => h.close());

  it("answers 429 RATE_LIMITED with Retry-After once the per-IP login budget is spent", async () => {
    const attempt = () =>
      h.app.request("/api/v1/auth/login", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ email: "someone@example.com", password: "whatever it is" }),
      });
    for (let i = 0; i < 3; i++) expect((await attempt()).status).toBe(401);
    const limited = await attempt();
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
    expect((await limited.json()).errors[0].code).toBe("RATE_LIMITED");
    const trpc = await h.app.request("/trpc/auth.login", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: "someone@example.com", password: "whatever it is" }),
    });
    expect(trpc.status).toBe(429);
    expect(trpc.headers.get("retry-after")).not.toBeNull();
  });

  it("refuses registration when it is closed", async () => {
    const attempt = h.caller().auth.register({ email: "x@example.com", password: "a sound passphrase", name: "X" });
    await expect(attempt).rejects.toMatchObject({ cause: { code: "FORBIDDEN" } });
  });
});
