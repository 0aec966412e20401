/**
 * Managing the factor: set-up, confirmation, recovery codes, disabling, the admin reset and
 * MFA_REQUIRED_ROLES. Refusals first.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { createApp } from "../../app.js";
import { appRouter } from "../../app-router.js";
import { createRequestContext } from "../../context.js";
import { createHarness, type Harness } from "../../test-support/harness.js";
import { authenticatorFor, enrol } from "../../test-support/mfa-kit.js";
import { mergeRouters, router } from "../../trpc/init.js";
import { authedProcedure } from "../../trpc/procedures.js";
import { assertMfaSatisfied } from "./mfa-requirement.js";

async function auditCount(h: Harness, type: string, targetId: string): Promise<number> {
  return h.deps.db.prisma.auditEvent.count({ where: { type, targetId } });
}

describe("the account's own factor", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness({ RATE_LIMIT_MFA_PER_ACCOUNT: "1000/1m" });
  });
  afterAll(() => h.close());

  it("keeps the secret sealed and inactive until a correct code confirms it", async () => {
    const account = await h.createUser();
    const { accessToken } = await h.login(account);
    const setup = await h.as(accessToken).mfa.setup();
    expect(setup.qrCodeDataUrl).toMatch(/^data:image\/png;base64,/);
    const uri = new URL(setup.otpauthUri);
    expect(uri.protocol).toBe("otpauth:");
    expect(uri.host).toBe("totp");
    expect(decodeURIComponent(uri.pathname)).toBe(`/Assay:${account.email}`);
    expect(uri.searchParams.get("issuer")).toBe("Assay");
    const stored = await h.deps.db.prisma.mfaFactor.findUniqueOrThrow({ where: { userId: account.id } });
    expect(stored.secretEncrypted).not.toContain(setup.secret);
    expect(h.deps.auth.ring.decrypt(stored.secretEncrypted)).toBe(setup.secret);
    expect(stored.confirmedAt).toBeNull();
    // Unconfirmed: sign-in is not challenged yet.
    await expect(h.login(account)).resolves.toMatchObject({ mfaRequired: false });
    await expect(h.as(accessToken).mfa.confirm({ code: "000000" })).rejects.toMatchObject({
      cause: { code: "AUTH_INVALID_CREDENTIALS", field: "code" },
    });
    await expect(h.as(accessToken).mfa.confirm({ code: "12ab56" })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    const totp = authenticatorFor(setup.otpauthUri);
    const { recoveryCodes } = await h
      .as(accessToken)
      .mfa.confirm({ code: totp.generate({ timestamp: h.clock.now().getTime() }) });
    expect(recoveryCodes).toHaveLength(10);
    expect(new Set(recoveryCodes).size).toBe(10);
    const hashes = await h.deps.db.prisma.recoveryCode.findMany({ where: { userId: account.id } });
    expect(hashes).toHaveLength(10);
    for (const row of hashes) expect(recoveryCodes).not.toContain(row.codeHash);
    await expect(h.as(accessToken).mfa.setup()).rejects.toMatchObject({ cause: { code: "CONFLICT" } });
    await expect(h.as(accessToken).mfa.status()).resolves.toMatchObject({
      enabled: true,
      pendingSetup: false,
      recoveryCodesRemaining: 10,
      required: false,
    });
    expect(await auditCount(h, "mfa.enabled", account.id)).toBe(1);
  });

  it("disabling needs both the password and a code", async () => {
    const account = await h.createUser();
    const factor = await enrol(h, account);
    const me = h.as(factor.accessToken);
    await expect(me.mfa.disable({ code: factor.code() })).rejects.toMatchObject({
      cause: { code: "VALIDATION", field: "password" },
    });
    await expect(me.mfa.disable({ password: "not the password", code: factor.code() })).rejects.toMatchObject({
      cause: { code: "AUTH_INVALID_CREDENTIALS", field: "password" },
    });
    await expect(me.mfa.disable({ password: account.password, code: "000000" })).rejects.toMatchObject({
      cause: { code: "AUTH_INVALID_CREDENTIALS", field: "code" },
    });
    expect(await auditCount(h, "mfa.disabled", account.id)).toBe(0);
    await me.mfa.disable({ password: account.password, code: factor.code() });
    expect(await auditCount(h, "mfa.disabled", account.id)).toBe(1);
    expect(await h.deps.db.prisma.recoveryCode.count({ where: { userId: account.id } })).toBe(0);
    await expect(me.mfa.status()).resolves.toMatchObject({ enabled: false, pendingSetup: false });
    await expect(me.mfa.disable({ password: account.password, code: "123456" })).rejects.toMatchObject({
      cause: { code: "CONFLICT" },
    });
  });

  it("regenerating recovery codes needs a fresh code and retires the old codes", async () => {
    const account = await h.createUser();
    const factor = await enrol(h, account);
    const me = h.as(factor.accessToken);
    await expect(me.mfa.regenerateRecoveryCodes({ code: "000000" })).rejects.toMatchObject({
      cause: { code: "AUTH_INVALID_CREDENTIALS" },
    });
    const { recoveryCodes } = await me.mfa.regenerateRecoveryCodes({ code: factor.code() });
    expect(recoveryCodes).toHaveLength(10);
    expect(recoveryCodes).not.toContain(factor.recoveryCodes[0]);
    expect(await auditCount(h, "mfa.recovery_regenerated", account.id)).toBe(1);
    const login = async () => {
      const result = await h.caller().auth.login({ email: account.email, password: account.password });
      if (!result.mfaRequired) throw new Error("expected a challenge");
      return result.challenge;
    };
    const old = h.caller().auth.verifyMfa({ challenge: await login(), recoveryCode: factor.recoveryCodes[0] ?? "" });
    await expect(old).rejects.toMatchObject({ cause: { code: "AUTH_INVALID_CREDENTIALS" } });
    const fresh = h.caller().auth.verifyMfa({ challenge: await login(), recoveryCode: recoveryCodes[0] ?? "" });
    await expect(fresh).resolves.toMatchObject({ user: { id: account.id } });
  });
});

describe("admin reset", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness();
  });
  afterAll(() => h.close());

  it("is refused to non-admins and, for superusers' factors, to plain admins; it is audited once", async () => {
    const target = await h.createUser({ role: "analyst" });
    await enrol(h, target);
    const analyst = await h.createUser({ role: "analyst" });
    const admin = await h.createUser({ role: "admin" });
    const root = await h.createUser({ role: "admin", isSuperuser: true });
    await enrol(h, root);
    const asAnalyst = h.as((await h.login(analyst)).accessToken);
    await expect(asAnalyst.mfa.adminReset({ userId: target.id })).rejects.toMatchObject({
      cause: { code: "FORBIDDEN" },
    });
    const asAdmin = h.as((await h.login(admin)).accessToken);
    await expect(asAdmin.mfa.adminReset({ userId: root.id })).rejects.toMatchObject({ cause: { code: "FORBIDDEN" } });
    await expect(asAdmin.mfa.adminReset({ userId: "0190a0a0-0000-7000-8000-000000000000" })).rejects.toMatchObject({
      cause: { code: "NOT_FOUND" },
    });
    expect(await auditCount(h, "mfa.reset_by_admin", root.id)).toBe(0);
    await expect(asAdmin.mfa.adminReset({ userId: target.id })).resolves.toEqual({ ok: true, hadFactor: true });
    const events = await h.deps.db.prisma.auditEvent.findMany({
      where: { type: "mfa.reset_by_admin", targetId: target.id },
    });
    expect(events).toHaveLength(1);
    expect(events[0]?.actorId).toBe(admin.id);
    await expect(h.login(target)).resolves.toMatchObject({ mfaRequired: false });
  });

  it("works through REST", async () => {
    const target = await h.createUser();
    await enrol(h, target);
    const admin = await h.createUser({ role: "admin" });
    const { accessToken } = await h.login(admin);
    const response = await h.app.request(`/api/v1/admin/users/${target.id}/mfa/reset`, {
      method: "POST",
      headers: { authorization: `Bearer ${accessToken}`, "content-type": "application/json" },
      body: "{}",
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ok: true, hadFactor: true });
  });
});

describe("MFA_REQUIRED_ROLES", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness({ MFA_REQUIRED_ROLES: "admin" });
  });
  afterAll(() => h.close());

  // The authed guard with the one-line change asked for in procedures.ts, on a test router.
  const guarded = authedProcedure.use(async ({ ctx, next, path }) => {
    await assertMfaSatisfied(ctx, ctx.user, path);
    return next();
  });
  const ping = guarded
    .meta({ openapi: { method: "GET", path: "/probe/ping" } })
    .input(z.void())
    .output(z.string())
    .query(() => "pong");
  const testRouter = mergeRouters(appRouter, router({ probe: router({ ping }) }));

  it("limits an admin without a factor to enrolment until one is confirmed, and again after a reset", async () => {
    const admin = await h.createUser({ role: "admin" });
    const root = await h.createUser({ role: "admin", isSuperuser: true });
    const analyst = await h.createUser({ role: "analyst" });
    const { accessToken } = await h.login(admin);
    const ctx = createRequestContext(h.deps, { requestId: "t", ip: null, userAgent: null, headers: new Headers() });
    const user = { id: admin.id, role: "admin" as const };
    await expect(assertMfaSatisfied(ctx, user, "users.list")).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(assertMfaSatisfied(ctx, user, "mfa.setup")).resolves.toBeUndefined();
    await expect(assertMfaSatisfied(ctx, { id: analyst.id, role: "analyst" }, "users.list")).resolves.toBeUndefined();
    await expect(h.as(accessToken).mfa.status()).resolves.toMatchObject({ required: true, enabled: false });

    const app = createApp(h.deps, testRouter);
    const call = (path: string, token: string) => app.request(path, { headers: { authorization: `Bearer ${token}` } });
    expect((await call("/trpc/probe.ping", accessToken)).status).toBe(403);
    expect((await call("/api/v1/probe/ping", accessToken)).status).toBe(403);
    const factor = await enrol(h, admin);
    expect((await call("/trpc/probe.ping", factor.accessToken)).status).toBe(200);
    expect((await call("/api/v1/probe/ping", factor.accessToken)).status).toBe(200);
    await assertMfaSatisfied(ctx, user, "users.list");

    // A superuser holding the admin role is due as well.
    await expect(assertMfaSatisfied(ctx, { id: root.id, role: "admin" }, "users.list")).rejects.toMatchObject({
      code: "FORBIDDEN",
    });
    const rootFactor = await enrol(h, root);
    await h.as(rootFactor.accessToken).mfa.adminReset({ userId: admin.id });
    await expect(assertMfaSatisfied(ctx, user, "users.list")).rejects.toMatchObject({ code: "FORBIDDEN" });
  });
});
