/**
 * Federated sign-in end to end against a real OpenID Provider running in this process:
 * the browser's redirects over HTTP (/start, the provider, /callback), then the SPA's code
 * exchange. Attacks first: each must be refused without details reaching the browser.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHarness, type Harness } from "../../test-support/harness.js";
import { enrol } from "../../test-support/mfa-kit.js";
import {
  authorize,
  startTestIdentityProvider,
  type TestIdentityProvider,
} from "../../test-support/test-identity-provider.js";
import { cleanupLoginArtifacts } from "./login-artifacts.js";

const API = "http://assay.test";
const CALLBACK = `${API}/auth/oidc/test/callback`;
const RETURN_TO = "http://spa.test/auth/done";
const BROWSER = "Mozilla/5.0 (test browser)";

let idp: TestIdentityProvider;
let h: Harness;
let subjects = 0;

beforeAll(async () => {
  idp = await startTestIdentityProvider({ redirectUri: CALLBACK, idTokenTtlSeconds: 60 });
  h = await createHarness({
    PUBLIC_URL: API,
    APP_URL: "http://spa.test",
    OIDC_REDIRECT_ALLOWLIST: "http://spa.test/auth/done",
    OIDC_PROVIDERS: JSON.stringify([
      {
        id: "test",
        kind: "oidc",
        clientId: idp.clientId,
        clientSecret: idp.clientSecret,
        issuer: idp.issuer,
        name: "Test IdP",
      },
    ]),
    RATE_LIMIT_LOGIN_PER_IP: "1000/1m",
  });
});
afterAll(async () => {
  await h.close();
  await idp.close();
});

const browse = (url: string) => h.app.request(url, { headers: { "user-agent": BROWSER } });

/** GET /start: the provider's authorization URL. */
async function start(returnTo = RETURN_TO): Promise<string> {
  const response = await browse(`${API}/auth/oidc/test/start?returnTo=${encodeURIComponent(returnTo)}`);
  expect(response.status).toBe(302);
  return response.headers.get("location") ?? "";
}

/** The whole browser trip; `tamper` may change the authorization URL, `beforeCallback` runs at the callback. */
async function signIn(
  claims: { email?: string; email_verified?: boolean; name?: string },
  options: { tamper?: (url: URL) => void; beforeCallback?: () => void; start?: () => Promise<string> } = {},
) {
  idp.signInAs(`subject-${++subjects}`, claims);
  const authorizationUrl = new URL(await (options.start ?? start)());
  options.tamper?.(authorizationUrl);
  const callback = await authorize(authorizationUrl.toString(), CALLBACK);
  options.beforeCallback?.();
  const response = await browse(callback);
  expect(response.status).toBe(302);
  return { back: new URL(response.headers.get("location") ?? ""), callback };
}

async function failures(reason: string): Promise<number> {
  return h.deps.db.prisma.auditEvent.count({
    where: { type: "auth.oidc.failed", metadata: { path: ["reason"], equals: reason } },
  });
}

/** auth.exchangeOidcCode from the same browser (no IP in in-process requests, same user agent). */
const exchange = (code: string, userAgent = BROWSER) =>
  h.caller({ ip: null, userAgent }).auth.exchangeOidcCode({ code });

describe("refused", () => {
  it("an unlisted returnTo at /start, without redirecting anywhere", async () => {
    for (const returnTo of [
      "https://evil.example/auth/done",
      "http://spa.test.evil.example/auth/done",
      "http://spa.test@evil.example/auth/done",
      "//evil.example/auth/done",
      "javascript:alert(1)",
    ]) {
      const response = await browse(`${API}/auth/oidc/test/start?returnTo=${encodeURIComponent(returnTo)}`);
      expect(response.status).toBe(400);
      expect(response.headers.get("location")).toBeNull();
      expect((await response.json()).errors[0]).toMatchObject({ code: "VALIDATION", field: "returnTo" });
    }
    expect((await browse(`${API}/auth/oidc/nope/start`)).status).toBe(404);
  });

  it("a tampered state: back to the default page with a bare error", async () => {
    const { callback } = await signIn({ email: "tamper@example.com", email_verified: true }, {});
    const forged = new URL(callback);
    forged.searchParams.set("state", `${forged.searchParams.get("state")}x`);
    const response = await browse(forged.toString());
    const back = new URL(response.headers.get("location") ?? "");
    expect(back.origin + back.pathname).toBe("http://spa.test/");
    expect([...back.searchParams]).toEqual([["error", "invalid_request"]]);
    expect(await failures("state_unknown")).toBe(1);
  });

  it("a replayed state (the callback URL used twice)", async () => {
    const { back, callback } = await signIn({ email: "replay@example.com", email_verified: true });
    expect(back.searchParams.get("code")).toBeTruthy();
    const again = await browse(callback);
    const second = new URL(again.headers.get("location") ?? "");
    expect(second.origin + second.pathname).toBe(RETURN_TO);
    expect(second.searchParams.get("error")).toBe("invalid_request");
    expect(second.searchParams.get("code")).toBeNull();
    expect(await failures("state_replayed")).toBe(1);
  });

  it("an ID token whose nonce is not the one this browser's request carried", async () => {
    const { back } = await signIn(
      { email: "nonce@example.com", email_verified: true },
      { tamper: (url) => url.searchParams.set("nonce", "attacker-chosen-nonce") },
    );
    expect([...back.searchParams]).toEqual([["error", "login_failed"]]);
    expect(await failures("id_token_nonce_mismatch")).toBe(1);
    expect(await h.deps.db.prisma.user.count({ where: { email: "nonce@example.com" } })).toBe(0);
  });

  it("an expired ID token", async () => {
    const { back } = await signIn(
      { email: "late@example.com", email_verified: true },
      { beforeCallback: () => h.clock.advance(120) },
    );
    h.clock.advance(-120); // the provider's clock did not move: later tokens must be fresh again
    expect(back.searchParams.get("error")).toBe("login_failed");
    expect(await failures("id_token_expired")).toBe(1);
  });

  it("an unverified email: never linked to the account holding it, nor (refuse) a new account", async () => {
    const holder = await h.createUser({ email: "holder@example.com" });
    const linked = await signIn({ email: "holder@example.com", email_verified: false });
    expect(linked.back.searchParams.get("error")).toBe("email_unverified");
    const fresh = await signIn({ email: "nobody-yet@example.com", email_verified: false });
    expect(fresh.back.searchParams.get("error")).toBe("email_unverified");
    expect(await h.deps.db.prisma.federatedIdentity.count({ where: { userId: holder.id } })).toBe(0);
    expect(await h.deps.db.prisma.user.count({ where: { email: "nobody-yet@example.com" } })).toBe(0);
  });

  it("a provider error, without echoing the provider's description", async () => {
    idp.signInAs("subject-denied", { email: "denied@example.com", email_verified: true });
    const authorizationUrl = new URL(await start());
    const state = authorizationUrl.searchParams.get("state") ?? "";
    const response = await browse(`${CALLBACK}?state=${state}&error=access_denied&error_description=secret+stuff`);
    const back = new URL(response.headers.get("location") ?? "");
    expect([...back.searchParams]).toEqual([["error", "access_denied"]]);
  });

  it("an exchange code used twice, from another browser, or after 2 minutes", async () => {
    const first = await signIn({ email: "once@example.com", email_verified: true });
    const code = first.back.searchParams.get("code") ?? "";
    await expect(exchange(code, "another browser")).rejects.toMatchObject({ cause: { code: "AUTH_TOKEN_INVALID" } });
    await expect(exchange(code)).resolves.toMatchObject({ mfaRequired: false });
    await expect(exchange(code)).rejects.toMatchObject({ cause: { code: "AUTH_TOKEN_INVALID" } });
    const second = await signIn({ email: "once@example.com", email_verified: true });
    h.clock.advance(121);
    try {
      await expect(exchange(second.back.searchParams.get("code") ?? "")).rejects.toMatchObject({
        cause: { code: "AUTH_TOKEN_INVALID" },
      });
    } finally {
      h.clock.advance(-121);
    }
  });

  it("unlinking the only way to sign in", async () => {
    const { back } = await signIn({ email: "only@example.com", email_verified: true });
    const pair = await exchange(back.searchParams.get("code") ?? "");
    if (pair.mfaRequired) throw new Error("unexpected challenge");
    const [identity] = await h.as(pair.accessToken).oidc.identities.list();
    await expect(h.as(pair.accessToken).oidc.identities.unlink({ id: identity?.id ?? "" })).rejects.toMatchObject({
      cause: { code: "CONFLICT" },
    });
  });
});

describe("signing in", () => {
  it("creates an account for a new verified email; the SPA trades the code for tokens", async () => {
    const { back } = await signIn({ email: "New.Person@Example.com", email_verified: true, name: "New Person" });
    expect(back.origin + back.pathname).toBe(RETURN_TO);
    const code = back.searchParams.get("code") ?? "";
    const stored = await h.deps.db.prisma.oidcExchangeCode.findFirstOrThrow({ orderBy: { createdAt: "desc" } });
    expect(stored.codeHash).not.toBe(code);
    const pair = await exchange(code);
    if (pair.mfaRequired) throw new Error("unexpected challenge");
    expect(pair.user).toMatchObject({ email: "new.person@example.com", name: "New Person", role: "viewer" });
    await expect(h.as(pair.accessToken).auth.me()).resolves.toMatchObject({ id: pair.user.id });
    const audit = (type: string) => h.deps.db.prisma.auditEvent.findMany({ where: { type, actorId: pair.user.id } });
    expect(await audit("auth.registered")).toHaveLength(1);
    const logins = await audit("auth.login.succeeded");
    expect(logins).toHaveLength(1);
    expect(logins[0]?.metadata).toEqual({ method: "oidc", provider: "test" });
    const user = await h.deps.db.prisma.user.findUniqueOrThrow({ where: { id: pair.user.id } });
    expect(user.passwordHash).toBeNull();
  });

  it("links to the existing account with the same, verified email; the next sign-in finds the identity", async () => {
    const account = await h.createUser({ email: "existing@example.com" });
    idp.signInAs("stable-subject", { email: "existing@example.com", email_verified: true });
    const trip = async () => {
      const callback = await authorize(await start(), CALLBACK);
      const response = await browse(callback);
      return new URL(response.headers.get("location") ?? "").searchParams.get("code") ?? "";
    };
    const first = await exchange(await trip());
    expect(first).toMatchObject({ user: { id: account.id } });
    const second = await exchange(await trip());
    expect(second).toMatchObject({ user: { id: account.id } });
    if (second.mfaRequired) throw new Error("unexpected challenge");
    const identities = await h.as(second.accessToken).oidc.identities.list();
    expect(identities).toMatchObject([{ provider: "test", providerName: "Test IdP", email: "existing@example.com" }]);
    expect(await h.deps.db.prisma.auditEvent.count({ where: { type: "auth.oidc.linked", actorId: account.id } })).toBe(
      1,
    );
    // A password account may drop the identity.
    await h.as(second.accessToken).oidc.identities.unlink({ id: identities[0]?.id ?? "" });
    expect(await h.as(second.accessToken).oidc.identities.list()).toEqual([]);
  });

  it("asks for the second factor when the account has one", async () => {
    const account = await h.createUser({ email: "two-factor@example.com" });
    const factor = await enrol(h, account);
    const { back } = await signIn({ email: "two-factor@example.com", email_verified: true });
    const result = await exchange(back.searchParams.get("code") ?? "");
    if (!result.mfaRequired) throw new Error("expected a challenge");
    const pair = await h
      .caller({ ip: null, userAgent: BROWSER })
      .auth.verifyMfa({ challenge: result.challenge, code: factor.code() });
    expect(pair.user.id).toBe(account.id);
  });

  it("works through REST, and lists the providers publicly", async () => {
    const providers = await h.app.request("/api/v1/oidc/providers");
    expect(await providers.json()).toEqual([
      { id: "test", name: "Test IdP", kind: "oidc", startPath: "/auth/oidc/test/start" },
    ]);
    const { back } = await signIn({ email: "rest@example.com", email_verified: true });
    const response = await h.app.request("/api/v1/auth/oidc/exchange", {
      method: "POST",
      headers: { "content-type": "application/json", "user-agent": BROWSER },
      body: JSON.stringify({ code: back.searchParams.get("code") }),
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      mfaRequired: false,
      tokenType: "Bearer",
      user: { email: "rest@example.com" },
    });
  });

  it("links a provider account to the signed-in account on request", async () => {
    const account = await h.createUser({ email: "linker@example.com" });
    const { accessToken } = await h.login(account);
    const { authorizationUrl } = await h.as(accessToken).oidc.link({ provider: "test", returnTo: RETURN_TO });
    const { back } = await signIn({ email: "someone-else@example.com" }, { start: async () => authorizationUrl });
    expect([...back.searchParams]).toEqual([["linked", "test"]]);
    await expect(h.as(accessToken).oidc.identities.list()).resolves.toMatchObject([
      { email: "someone-else@example.com" },
    ]);
  });
});

describe("OIDC_LINK_UNVERIFIED=create", () => {
  let saved: Harness;
  beforeAll(async () => {
    saved = h;
    h = await createHarness({
      PUBLIC_URL: API,
      APP_URL: "http://spa.test",
      OIDC_LINK_UNVERIFIED: "create",
      OIDC_PROVIDERS: JSON.stringify([
        { id: "test", kind: "oidc", clientId: idp.clientId, clientSecret: idp.clientSecret, issuer: idp.issuer },
      ]),
    });
  });
  afterAll(async () => {
    await h.close();
    h = saved;
  });

  it("creates an account for an unverified new email, but still never links an existing one", async () => {
    await h.createUser({ email: "taken@example.com" });
    const taken = await signIn({ email: "taken@example.com", email_verified: false });
    expect(taken.back.searchParams.get("error")).toBe("email_unverified");
    const { back } = await signIn({ email: "unverified@example.com", email_verified: false });
    const pair = await exchange(back.searchParams.get("code") ?? "");
    expect(pair).toMatchObject({ mfaRequired: false, user: { email: "unverified@example.com" } });
    const identity = await h.deps.db.prisma.federatedIdentity.findFirstOrThrow({
      where: { email: "unverified@example.com" },
    });
    expect(identity.emailVerified).toBe(false);
  });

  it("the clean-up job deletes used and expired states and codes", async () => {
    await start(); // one state left unused
    h.clock.advance(11 * 60);
    const report = await cleanupLoginArtifacts(h.deps);
    expect(report.oidcStates).toBeGreaterThanOrEqual(3);
    expect(report.oidcExchangeCodes).toBe(1);
    expect(await h.deps.db.prisma.oidcLoginState.count()).toBe(0);
    expect(await h.deps.db.prisma.oidcExchangeCode.count()).toBe(0);
  });
});
