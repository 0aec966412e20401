/**
 * Brute-force protection without a denial of service: failures lock the address that made
 * them, not the account; failures from many addresses only slow the account down, within
 * LOGIN_DELAY_MAX_SECONDS; admin unlock and the unknown-email case behave the same way.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mapError } from "../../lib/error-mapping.js";
import { RateLimitedError } from "../../lib/rate-limits.js";
import { createHarness, type Harness, type TestAccount } from "../../test-support/harness.js";

const MAX_DELAY_SECONDS = 2;

/** The Assay code a sign-in ends with ("ok" when it opened a session), and its Retry-After. */
async function attempt(h: Harness, ip: string, email: string, password: string) {
  try {
    await h.caller({ ip }).auth.login({ email, password });
    return { code: "ok", retryAfter: 0 };
  } catch (error) {
    const cause = (error as { cause?: unknown }).cause;
    return {
      code: mapError(error).code as string,
      retryAfter: cause instanceof RateLimitedError ? cause.retryAfterSeconds : 0,
    };
  }
}

const sleep = (seconds: number) => new Promise((resolve) => setTimeout(resolve, seconds * 1000));

describe("sign-in throttling", () => {
  let h: Harness;
  let net = 0;
  /** A network of its own for each test, so addresses never carry over. */
  const addresses = () => {
    const n = ++net;
    let host = 0;
    return () => `10.${n}.${Math.floor(++host / 250)}.${host % 250}`;
  };
  const wrong = "definitely not the password";

  beforeAll(async () => {
    h = await createHarness({
      LOCKOUT_THRESHOLD: "10",
      LOGIN_DELAY_THRESHOLD: "12",
      LOGIN_DELAY_MAX_SECONDS: String(MAX_DELAY_SECONDS),
      RATE_LIMIT_LOGIN_PER_ACCOUNT: "100/1m",
    });
  });
  afterAll(() => h.close());

  it("ten failures from one address lock that address out, while the owner signs in from another", async () => {
    const account = await h.createUser();
    const next = addresses();
    const [attacker, owner] = [next(), next()];
    for (let i = 0; i < 10; i++) {
      expect((await attempt(h, attacker, account.email, wrong)).code).toBe("AUTH_INVALID_CREDENTIALS");
    }
    // Locked from there: even the right password gets the generic answer.
    expect((await attempt(h, attacker, account.email, account.password)).code).toBe("AUTH_INVALID_CREDENTIALS");
    const lockouts = await h.deps.db.prisma.auditEvent.findMany({
      where: { type: "auth.lockout", targetId: account.id },
    });
    expect(lockouts.map((e) => (e.metadata as { ip: string }).ip)).toEqual([attacker]);

    expect((await attempt(h, owner, account.email, account.password)).code).toBe("ok");
    // The owner's success does not lift the attacker's lock; its expiry does.
    expect((await attempt(h, attacker, account.email, account.password)).code).toBe("AUTH_INVALID_CREDENTIALS");
    h.clock.advance(15 * 60 + 1);
    try {
      expect((await attempt(h, attacker, account.email, account.password)).code).toBe("ok");
    } finally {
      h.clock.advance(-(15 * 60 + 1));
    }
  });

  it("failures from many addresses slow the account down, and the owner still gets in within the bound", async () => {
    const account = await h.createUser();
    const next = addresses();
    const outcomes: { code: string; retryAfter: number }[] = [];
    for (let i = 0; i < 40; i++) outcomes.push(await attempt(h, next(), account.email, wrong));
    const limited = outcomes.filter((o) => o.code === "RATE_LIMITED");
    expect(limited.length).toBeGreaterThan(20);
    for (const o of limited) expect(o.retryAfter).toBeGreaterThanOrEqual(1);
    for (const o of limited) expect(o.retryAfter).toBeLessThanOrEqual(MAX_DELAY_SECONDS);
    // No address failed often enough to lock itself, and the account is not locked either.
    expect(
      await h.deps.db.prisma.loginFailure.count({ where: { userId: account.id, lockedUntil: { not: null } } }),
    ).toBe(0);

    // One more failure that is evaluated takes a fresh turn (1-2 s), so the account is slowed down right now.
    for (let r = await attempt(h, next(), account.email, wrong); r.code !== "AUTH_INVALID_CREDENTIALS"; ) {
      await sleep(0.05);
      r = await attempt(h, next(), account.email, wrong);
    }
    // While slowed down, even the right password is refused unevaluated, with Retry-After over REST too.
    const rest = await h.app.request("/api/v1/auth/login", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: account.email, password: account.password }),
    });
    expect(rest.status).toBe(429);
    expect(Number(rest.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(Number(rest.headers.get("retry-after"))).toBeLessThanOrEqual(MAX_DELAY_SECONDS);
    expect((await rest.json()).errors[0]).toMatchObject({ code: "RATE_LIMITED" });

    // The attack stops; the owner, from a fresh address, waits as told and gets in within the bound.
    const started = Date.now();
    const owner = next();
    let result = await attempt(h, owner, account.email, account.password);
    while (result.code === "RATE_LIMITED") {
      await sleep(result.retryAfter);
      result = await attempt(h, owner, account.email, account.password);
    }
    expect(result.code).toBe("ok");
    expect(Date.now() - started).toBeLessThanOrEqual((MAX_DELAY_SECONDS + 1) * 1000);
  });

  it("slows an unknown email down exactly like a known one (no enumeration)", async () => {
    const next = addresses();
    const outcomes: string[] = [];
    for (let i = 0; i < 20; i++) outcomes.push((await attempt(h, next(), "nobody@example.com", wrong)).code);
    expect(outcomes.slice(0, 12)).toEqual(Array(12).fill("AUTH_INVALID_CREDENTIALS"));
    expect(outcomes).toContain("RATE_LIMITED");
  });

  it("admin unlock lifts an address's lockout and the slowdown at once", async () => {
    const account: TestAccount = await h.createUser();
    const superuser = await h.login(await h.createUser({ isSuperuser: true, role: "admin" }), { ip: "192.0.2.1" });
    const next = addresses();
    const attacker = next();
    for (let i = 0; i < 10; i++) await attempt(h, attacker, account.email, wrong);
    for (let i = 0; i < 20; i++) await attempt(h, next(), account.email, wrong);
    expect(await h.as(superuser.accessToken).admin.users.get({ id: account.id })).toMatchObject({ isLocked: true });
    expect((await attempt(h, attacker, account.email, account.password)).code).not.toBe("ok");

    const unlocked = await h.as(superuser.accessToken).admin.users.unlock({ id: account.id });
    expect(unlocked).toMatchObject({ isLocked: false, lockedUntil: null });
    expect((await attempt(h, attacker, account.email, account.password)).code).toBe("ok");
    const [event] = (
      await h.as(superuser.accessToken).audit.list({ type: "admin.user.unlocked", targetId: account.id })
    ).data;
    expect(event?.metadata).toMatchObject({ wasLocked: true, addresses: expect.arrayContaining([attacker]) });
  });
});
