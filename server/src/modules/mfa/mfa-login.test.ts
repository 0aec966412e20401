/**
 * Signing in with a second factor: replayed, concurrent, wrong, expired and misplaced
 * attempts first (each must be refused), then the ways that work, by tRPC and by REST.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHarness, type Harness, type TestAccount } from "../../test-support/harness.js";
import { type Enrolled, enrol } from "../../test-support/mfa-kit.js";

async function auditCount(h: Harness, type: string, where: Record<string, unknown> = {}): Promise<number> {
  return h.deps.db.prisma.auditEvent.count({ where: { type, ...where } });
}

/** auth.login for an enrolled account: the challenge. */
async function challengeFor(h: Harness, account: TestAccount, req: { ip?: string; userAgent?: string } = {}) {
  const result = await h.caller(req).auth.login({ email: account.email, password: account.password });
  if (!result.mfaRequired) throw new Error("expected an MFA challenge");
  return result;
}

const refusedCode = { cause: { code: "AUTH_INVALID_CREDENTIALS" } };
const refusedChallenge = { cause: { code: "AUTH_TOKEN_INVALID" } };

describe("signing in with TOTP", () => {
  let h: Harness;
  let account: TestAccount;
  let factor: Enrolled;
  beforeAll(async () => {
    h = await createHarness({
      RATE_LIMIT_MFA_PER_IP: "1000/1m",
      RATE_LIMIT_MFA_PER_ACCOUNT: "1000/1m",
      RATE_LIMIT_LOGIN_PER_ACCOUNT: "1000/1m",
    });
    account = await h.createUser();
    factor = await enrol(h, account);
  });
  afterAll(() => h.close());

  it("refuses a replay of an accepted code, and counts it as a failure", async () => {
    const first = await challengeFor(h, account);
    const code = factor.code();
    const pair = await h.caller().auth.verifyMfa({ challenge: first.challenge, code });
    await expect(h.as(pair.accessToken).auth.me()).resolves.toMatchObject({ id: account.id });
    const second = await challengeFor(h, account);
    await expect(h.caller().auth.verifyMfa({ challenge: second.challenge, code })).rejects.toMatchObject(refusedCode);
    expect(
      await auditCount(h, "auth.mfa.failed", {
        targetId: account.id,
        metadata: { path: ["reason"], equals: "replayed_code" },
      }),
    ).toBe(1);
    // An older step than the last accepted one is refused too (RFC 6238 §5.2).
    const earlier = factor.totp.generate({ timestamp: h.clock.now().getTime() - 30_000 });
    await expect(h.caller().auth.verifyMfa({ challenge: second.challenge, code: earlier })).rejects.toMatchObject(
      refusedCode,
    );
    h.clock.advance(30);
  });

  it("lets exactly one of two concurrent sign-ins with the same code through", async () => {
    const [a, b] = [await challengeFor(h, account), await challengeFor(h, account)];
    const code = factor.code();
    const results = await Promise.allSettled([
      h.caller().auth.verifyMfa({ challenge: a.challenge, code }),
      h.caller().auth.verifyMfa({ challenge: b.challenge, code }),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    h.clock.advance(30);
    // And one challenge redeemed twice at once, with two valid codes (this step's and the drift one).
    const c = await challengeFor(h, account);
    const next = factor.totp.generate({ timestamp: h.clock.now().getTime() + 30_000 });
    const race = await Promise.allSettled([
      h.caller().auth.verifyMfa({ challenge: c.challenge, code: factor.code() }),
      h.caller().auth.verifyMfa({ challenge: c.challenge, code: next }),
    ]);
    expect(race.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    h.clock.advance(60);
  });

  it("refuses an expired challenge (5 minutes), a used one, and one presented by another client", async () => {
    const stale = await challengeFor(h, account);
    h.clock.advance(5 * 60 + 1);
    await expect(h.caller().auth.verifyMfa({ challenge: stale.challenge, code: factor.code() })).rejects.toMatchObject(
      refusedChallenge,
    );
    const bound = await challengeFor(h, account, { ip: "10.0.0.1", userAgent: "laptop" });
    const code = factor.code();
    const elsewhere = h
      .caller({ ip: "10.0.0.2", userAgent: "laptop" })
      .auth.verifyMfa({ challenge: bound.challenge, code });
    await expect(elsewhere).rejects.toMatchObject(refusedChallenge);
    const otherAgent = h
      .caller({ ip: "10.0.0.1", userAgent: "phone" })
      .auth.verifyMfa({ challenge: bound.challenge, code });
    await expect(otherAgent).rejects.toMatchObject(refusedChallenge);
    const same = h.caller({ ip: "10.0.0.1", userAgent: "laptop" });
    await expect(same.auth.verifyMfa({ challenge: bound.challenge, code })).resolves.toMatchObject({
      mfaRequired: false,
    });
    h.clock.advance(30);
    await expect(same.auth.verifyMfa({ challenge: bound.challenge, code: factor.code() })).rejects.toMatchObject(
      refusedChallenge,
    );
    await expect(h.caller().auth.verifyMfa({ challenge: "made-up", code: factor.code() })).rejects.toMatchObject(
      refusedChallenge,
    );
  });

  it("accepts each recovery code once, typed loosely, and audits the method", async () => {
    const [first, second] = factor.recoveryCodes as [string, string];
    expect(first).toMatch(/^[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}$/);
    const a = await challengeFor(h, account);
    const pair = await h.caller().auth.verifyMfa({ challenge: a.challenge, recoveryCode: first.toUpperCase() });
    const b = await challengeFor(h, account);
    await expect(h.caller().auth.verifyMfa({ challenge: b.challenge, recoveryCode: first })).rejects.toMatchObject(
      refusedCode,
    );
    await expect(
      h.caller().auth.verifyMfa({ challenge: b.challenge, recoveryCode: second.replaceAll("-", " ") }),
    ).resolves.toMatchObject({ user: { id: account.id } });
    const event = await h.deps.db.prisma.auditEvent.findFirstOrThrow({
      where: { type: "auth.login.succeeded", targetId: pair.sessionId },
    });
    expect(event.metadata).toMatchObject({ method: "recovery_code", recoveryCodesRemaining: 9 });
  });

  it("answers a challenge, not tokens, to a correct password; the second step opens exactly one session", async () => {
    const challenge = await challengeFor(h, account);
    expect(Object.keys(challenge).sort()).toEqual(["challenge", "expiresAt", "mfaRequired"]);
    const expiresIn = new Date(challenge.expiresAt).getTime() - h.clock.now().getTime();
    expect(expiresIn).toBeGreaterThan(299_000);
    expect(expiresIn).toBeLessThanOrEqual(300_000);
    const stored = await h.deps.db.prisma.mfaChallenge.findFirstOrThrow({
      where: { userId: account.id },
      orderBy: { createdAt: "desc" },
    });
    expect(stored.tokenHash).not.toContain(challenge.challenge);
    const before = await h.deps.db.prisma.session.count({ where: { userId: account.id } });
    const pair = await h.caller().auth.verifyMfa({ challenge: challenge.challenge, code: factor.code() });
    expect(await h.deps.db.prisma.session.count({ where: { userId: account.id } })).toBe(before + 1);
    expect(await auditCount(h, "auth.login.succeeded", { targetId: pair.sessionId })).toBe(1);
    const event = await h.deps.db.prisma.auditEvent.findFirstOrThrow({
      where: { type: "auth.login.succeeded", targetId: pair.sessionId },
    });
    expect(event.metadata).toEqual({ method: "totp" });
    h.clock.advance(30);
  });

  it("works through REST: login answers the challenge, verify answers the token pair", async () => {
    const post = (path: string, body: unknown) =>
      h.app.request(`/api/v1${path}`, {
        method: "POST",
        headers: { "content-type": "application/json", "user-agent": "rest-client" },
        body: JSON.stringify(body),
      });
    const login = await post("/auth/login", { email: account.email, password: account.password });
    expect(login.status).toBe(200);
    const challenge = await login.json();
    expect(challenge).toMatchObject({ mfaRequired: true });
    const wrong = await post("/auth/mfa/verify", { challenge: challenge.challenge, code: "000000" });
    expect(wrong.status).toBe(401);
    expect((await wrong.json()).errors[0].code).toBe("AUTH_INVALID_CREDENTIALS");
    const both = await post("/auth/mfa/verify", {
      challenge: challenge.challenge,
      code: factor.code(),
      recoveryCode: "x",
    });
    expect(both.status).toBe(400);
    const ok = await post("/auth/mfa/verify", { challenge: challenge.challenge, code: factor.code() });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ mfaRequired: false, tokenType: "Bearer", user: { id: account.id } });
    h.clock.advance(30);
  });

  it("no longer challenges once the factor is disabled", async () => {
    const other = await h.createUser();
    const enrolled = await enrol(h, other);
    await expect(h.login(other)).rejects.toThrow(/MFA/);
    await h.as(enrolled.accessToken).mfa.disable({ password: other.password, code: enrolled.code() });
    await expect(h.login(other)).resolves.toMatchObject({ mfaRequired: false, user: { id: other.id } });
    expect(await h.deps.db.prisma.mfaChallenge.count({ where: { userId: other.id } })).toBe(0);
  });
});

describe("second-factor brute force", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness({
      LOCKOUT_THRESHOLD: "3",
      RATE_LIMIT_MFA_PER_IP: "1000/1m",
      RATE_LIMIT_MFA_PER_ACCOUNT: "1000/1m",
    });
  });
  afterAll(() => h.close());

  it("counts wrong codes toward the account lockout, audits each, and then refuses even the right code", async () => {
    const account = await h.createUser();
    const factor = await enrol(h, account);
    const { challenge } = await challengeFor(h, account);
    for (const code of ["000000", "123456", "999999"]) {
      await expect(h.caller().auth.verifyMfa({ challenge, code })).rejects.toMatchObject(refusedCode);
    }
    await expect(h.caller().auth.verifyMfa({ challenge, code: factor.code() })).rejects.toMatchObject(refusedCode);
    expect(await auditCount(h, "auth.mfa.failed", { targetId: account.id })).toBe(4);
    expect(await auditCount(h, "auth.lockout", { targetId: account.id })).toBe(1);
    // The password step is locked as well, with the usual generic answer.
    await expect(h.caller().auth.login({ email: account.email, password: account.password })).rejects.toMatchObject({
      cause: { code: "AUTH_INVALID_CREDENTIALS" },
    });
    h.clock.advance(15 * 60 + 1);
    const fresh = await challengeFor(h, account);
    await expect(h.caller().auth.verifyMfa({ challenge: fresh.challenge, code: factor.code() })).resolves.toMatchObject(
      {
        user: { id: account.id },
      },
    );
  });

  it("does not reset the failure count on a correct password while the second step is pending", async () => {
    const account = await h.createUser();
    const factor = await enrol(h, account);
    for (let i = 0; i < 3; i++) {
      const { challenge } = await challengeFor(h, account);
      await expect(h.caller().auth.verifyMfa({ challenge, code: "000000" })).rejects.toThrow();
    }
    const user = await h.deps.db.prisma.user.findUniqueOrThrow({ where: { id: account.id } });
    expect(user.lockedUntil?.getTime()).toBeGreaterThan(h.clock.now().getTime());
    expect(factor.recoveryCodes).toHaveLength(10);
  });
});

describe("second-factor rate limits", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness({ RATE_LIMIT_MFA_PER_ACCOUNT: "2/1m", RATE_LIMIT_MFA_PER_IP: "100/1m" });
  });
  afterAll(() => h.close());

  it("answers RATE_LIMITED once the per-account budget is spent", async () => {
    const account = await h.createUser();
    await enrol(h, account); // confirm spent one attempt
    const { challenge } = await challengeFor(h, account);
    await expect(h.caller().auth.verifyMfa({ challenge, code: "000000" })).rejects.toMatchObject(refusedCode);
    await expect(h.caller().auth.verifyMfa({ challenge, code: "000000" })).rejects.toMatchObject({
      cause: { code: "RATE_LIMITED" },
    });
  });
});
