/**
 * Password reset: no account enumeration, single-use short-lived tokens (also under a race),
 * every session ended, lockout cleared, rate limits, and one audit event per step.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sha256 } from "../../lib/crypto.js";
import { mapError } from "../../lib/error-mapping.js";
import { listOutbox } from "../../lib/mail/outbox.js";
import { createHarness, type Harness, type TestAccount } from "../../test-support/harness.js";
import { RESET_TOKEN_TTL_SECONDS } from "./password-reset.service.js";

const NEW_PASSWORD = "a brand new passphrase 77";
const TOKEN_IN_LINK = /\/reset-password\?token=([A-Za-z0-9_-]+)/;

async function expectFailure(promise: Promise<unknown>, code: string, field?: string) {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error, `expected ${code}`).toBeDefined();
  const mapped = mapError(error);
  expect(mapped.code).toBe(code);
  if (field !== undefined) expect(mapped.errors[0]?.field).toBe(field);
}

describe("password reset", () => {
  let h: Harness;
  let ips = 0;
  // Each test asks from its own address, so the per-IP budget of one does not spill into another.
  const caller = () => h.caller({ ip: `10.0.0.${++ips}` });
  /** Mail to `to`, oldest first, as superusers read it, once the requests' background work is done. */
  const mails = async (to: string) => {
    await h.deps.background.drain();
    return (await listOutbox(h.deps, { to, limit: 200 })).reverse();
  };
  const auditCount = (type: string, targetId: string) =>
    h.deps.db.prisma.auditEvent.count({ where: { type, targetId } });

  /** Requests a reset for `account` and returns the token from the newest mail. */
  async function requestToken(account: Pick<TestAccount, "email">): Promise<string> {
    expect(await caller().auth.requestPasswordReset({ email: account.email })).toEqual({ ok: true });
    const token = TOKEN_IN_LINK.exec((await mails(account.email)).at(-1)?.text ?? "")?.[1];
    expect(token).toBeDefined();
    return token as string;
  }

  beforeAll(async () => {
    h = await createHarness({
      RATE_LIMIT_RESET_PER_ACCOUNT: "2/1h",
      RATE_LIMIT_RESET_PER_IP: "4/1h",
      APP_URL: "https://app.example.com/",
    });
  });
  afterAll(() => h.close());

  it("answers ok for an unknown, a deactivated and a deleted account, and mails none of them", async () => {
    const inactive = await h.createUser();
    const deleted = await h.createUser();
    await h.deps.db.prisma.user.update({ where: { id: inactive.id }, data: { isActive: false } });
    await h.deps.db.prisma.user.update({ where: { id: deleted.id }, data: { deletedAt: new Date() } });
    for (const email of ["nobody@example.com", inactive.email, deleted.email]) {
      expect(await caller().auth.requestPasswordReset({ email })).toEqual({ ok: true });
      expect(await mails(email)).toHaveLength(0);
    }
    expect(
      await h.deps.db.prisma.passwordResetToken.count({ where: { userId: { in: [inactive.id, deleted.id] } } }),
    ).toBe(0);
    expect(await h.deps.db.prisma.auditEvent.count({ where: { type: "auth.password_reset.requested" } })).toBe(0);
  });

  it("refuses a tampered, an unknown and an empty token without touching the password", async () => {
    const account = await h.createUser();
    const token = await requestToken(account);
    const tampered = `${token.slice(0, -1)}${token.endsWith("A") ? "B" : "A"}`;
    for (const bad of [tampered, "not-a-real-token", `${token}x`]) {
      await expectFailure(
        caller().auth.resetPassword({ token: bad, newPassword: NEW_PASSWORD }),
        "AUTH_TOKEN_INVALID",
        "token",
      );
    }
    await expectFailure(caller().auth.resetPassword({ token: "", newPassword: NEW_PASSWORD }), "VALIDATION", "token");
    await expect(h.login(account)).resolves.toMatchObject({ tokenType: "Bearer" });
  });

  it("refuses an expired token with AUTH_TOKEN_EXPIRED", async () => {
    const account = await h.createUser();
    const token = await requestToken(account);
    const row = await h.deps.db.prisma.passwordResetToken.findUniqueOrThrow({ where: { tokenHash: sha256(token) } });
    expect((row.expiresAt.getTime() - row.createdAt.getTime()) / 1000).toBe(RESET_TOKEN_TTL_SECONDS);
    h.clock.advance(31 * 60);
    try {
      await expectFailure(
        caller().auth.resetPassword({ token, newPassword: NEW_PASSWORD }),
        "AUTH_TOKEN_EXPIRED",
        "token",
      );
    } finally {
      h.clock.advance(-31 * 60);
    }
  });

  it("stores only the token's hash, and a newer request invalidates the older link", async () => {
    const account = await h.createUser();
    const first = await requestToken(account);
    const second = await requestToken(account);
    const rows = await h.deps.db.prisma.passwordResetToken.findMany({ where: { userId: account.id } });
    expect(rows.map((r) => r.tokenHash).sort()).toEqual([sha256(first), sha256(second)].sort());
    expect(JSON.stringify(rows)).not.toContain(first);
    await expectFailure(
      caller().auth.resetPassword({ token: first, newPassword: NEW_PASSWORD }),
      "AUTH_TOKEN_INVALID",
      "token",
    );
    expect(await caller().auth.resetPassword({ token: second, newPassword: NEW_PASSWORD })).toEqual({ ok: true });
  });

  it("mails a link to the app with a 256-bit token, and audits the request once", async () => {
    const account = await h.createUser({ name: "Ada <script>" });
    const token = await requestToken(account);
    const [mail] = await mails(account.email);
    expect(Buffer.from(token, "base64url")).toHaveLength(32);
    expect(mail).toMatchObject({ transport: "outbox", subject: "Reset your Assay password" });
    expect(mail?.text).toContain(`https://app.example.com/reset-password?token=${token}`);
    expect(mail?.html).toContain(`href="https://app.example.com/reset-password?token=${token}"`);
    expect(mail?.html).toContain("Ada &lt;script&gt;");
    expect(await auditCount("auth.password_reset.requested", account.id)).toBe(1);
  });

  it("keeps the token usable when the new password breaks the policy", async () => {
    const account = await h.createUser();
    const token = await requestToken(account);
    await expectFailure(caller().auth.resetPassword({ token, newPassword: "short" }), "VALIDATION", "newPassword");
    await expectFailure(
      caller().auth.resetPassword({ token, newPassword: account.email }),
      "VALIDATION",
      "newPassword",
    );
    expect(await caller().auth.resetPassword({ token, newPassword: NEW_PASSWORD })).toEqual({ ok: true });
  });

  it("a token works once; of two concurrent resets with it exactly one succeeds", async () => {
    const account = await h.createUser();
    const token = await requestToken(account);
    const results = await Promise.allSettled([
      caller().auth.resetPassword({ token, newPassword: NEW_PASSWORD }),
      caller().auth.resetPassword({ token, newPassword: `${NEW_PASSWORD} other` }),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const rejected = results.find((r) => r.status === "rejected");
    expect(mapError(rejected?.reason).code).toBe("AUTH_TOKEN_INVALID");
    await expectFailure(
      caller().auth.resetPassword({ token, newPassword: NEW_PASSWORD }),
      "AUTH_TOKEN_INVALID",
      "token",
    );
    expect(await auditCount("auth.password_reset.completed", account.id)).toBe(1);
  });

  it("ends every session, clears lockout, and swaps the password", async () => {
    const account = await h.createUser();
    const first = await h.login(account);
    const second = await h.login(account);
    // Warm the session cache, so the test proves the reset also drops cached sessions.
    await h.as(first.accessToken).auth.me();
    const lockedUntil = new Date(Date.now() + 3600_000);
    await h.deps.db.prisma.user.update({ where: { id: account.id }, data: { lockedUntil } });
    await h.deps.db.prisma.loginFailure.createMany({
      data: [
        { userId: account.id, ip: "203.0.113.7", lockedUntil, lockoutLevel: 2 },
        { userId: account.id, ip: "198.51.100.9", failedCount: 4, failedSince: new Date() },
      ],
    });
    const token = await requestToken(account);
    expect(await caller().auth.resetPassword({ token, newPassword: NEW_PASSWORD })).toEqual({ ok: true });

    for (const pair of [first, second]) {
      await expectFailure(h.as(pair.accessToken).auth.me(), "AUTH_TOKEN_INVALID");
      await expectFailure(caller().auth.refresh({ refreshToken: pair.refreshToken }), "AUTH_TOKEN_INVALID");
    }
    const sessions = await h.deps.db.prisma.session.findMany({ where: { userId: account.id } });
    expect(sessions.map((s) => s.revokedReason)).toEqual(["password_reset", "password_reset"]);
    const user = await h.deps.db.prisma.user.findUniqueOrThrow({ where: { id: account.id } });
    expect(user.lockedUntil).toBeNull();
    expect(await h.deps.db.prisma.loginFailure.count({ where: { userId: account.id } })).toBe(0);
    expect(user.passwordHash).toMatch(/^\$argon2id\$/);

    await expectFailure(h.login(account), "AUTH_INVALID_CREDENTIALS");
    const fresh = await h.login({ email: account.email, password: NEW_PASSWORD });
    expect(fresh.user.id).toBe(account.id);
    expect(await auditCount("auth.password_reset.requested", account.id)).toBe(1);
    expect(await auditCount("auth.password_reset.completed", account.id)).toBe(1);
    const completed = await h.deps.db.prisma.auditEvent.findFirstOrThrow({
      where: { type: "auth.password_reset.completed", targetId: account.id },
    });
    expect(completed).toMatchObject({ actorId: account.id, metadata: { revokedSessions: 2 } });
  });

  it("limits requests per account (known or not) and per IP with RATE_LIMITED", async () => {
    const account = await h.createUser();
    for (const email of [account.email, "ghost@example.com"]) {
      await caller().auth.requestPasswordReset({ email });
      await caller().auth.requestPasswordReset({ email });
      await expectFailure(caller().auth.requestPasswordReset({ email }), "RATE_LIMITED");
    }
    expect(await mails(account.email)).toHaveLength(2);
    const sameIp = h.caller({ ip: "10.9.9.9" });
    for (let i = 0; i < 4; i++) await sameIp.auth.requestPasswordReset({ email: `ip${i}@example.com` });
    await expectFailure(sameIp.auth.requestPasswordReset({ email: "ip4@example.com" }), "RATE_LIMITED");
  });

  it("works through REST, with the same error shape for a bad token", async () => {
    const account = await h.createUser();
    const json = { "content-type": "application/json" };
    const requested = await h.app.request("/api/v1/auth/password-reset/request", {
      method: "POST",
      headers: json,
      body: JSON.stringify({ email: account.email.toUpperCase() }),
    });
    expect(requested.status).toBe(200);
    expect(await requested.json()).toEqual({ ok: true });
    const token = TOKEN_IN_LINK.exec((await mails(account.email)).at(-1)?.text ?? "")?.[1] as string;
    const refused = await h.app.request("/api/v1/auth/password-reset/confirm", {
      method: "POST",
      headers: json,
      body: JSON.stringify({ token: `${token}x`, newPassword: NEW_PASSWORD }),
    });
    expect(refused.status).toBe(401);
    expect((await refused.json()).errors[0]).toMatchObject({ code: "AUTH_TOKEN_INVALID", field: "token" });
    const confirmed = await h.app.request("/api/v1/auth/password-reset/confirm", {
      method: "POST",
      headers: json,
      body: JSON.stringify({ token, newPassword: NEW_PASSWORD }),
    });
    expect(confirmed.status).toBe(200);
    expect(await confirmed.json()).toEqual({ ok: true });
  });
});
