/**
 * The authorization server as a third-party application meets it, over a real socket: a
 * strict client (oauth4webapi) discovers it, registers itself, sends a person through the
 * sign-in (with the TOTP step when the account has one) and consent pages, exchanges the code,
 * calls the API with the token, rotates the refresh token, introspects and revokes it.
 */
import * as oauth from "oauth4webapi";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHarness, type Harness } from "../../test-support/harness.js";
import { enrol } from "../../test-support/mfa-kit.js";
import {
  asCallback,
  asPage,
  authorizationRequest,
  Browser,
  discover,
  INSECURE,
  registerPublicClient,
  type Served,
  serveApp,
  signInAndConsent,
} from "../../test-support/oauth-kit.js";

const REDIRECT = "http://127.0.0.1:9/callback";

describe("the OAuth 2.0 authorization server, driven by a strict third-party client", () => {
  let h: Harness;
  let served: Served;
  let as: oauth.AuthorizationServer;
  let client: oauth.Client;
  const none = oauth.None();

  beforeAll(async () => {
    h = await createHarness();
    served = await serveApp(h);
    as = await discover(served.url);
    client = await registerPublicClient(as, REDIRECT);
  });
  afterAll(async () => {
    await served?.close();
    await h?.close();
  });

  /** Exchanges the code of `callback` for tokens, as the client does. */
  async function exchange(callback: URL, state: string, verifier: string) {
    const params = oauth.validateAuthResponse(as, client, callback, state);
    const response = await oauth.authorizationCodeGrantRequest(as, client, none, params, REDIRECT, verifier, INSECURE);
    return oauth.processAuthorizationCodeResponse(as, client, response);
  }

  it("publishes its metadata at the root, with PKCE S256 only and the endpoints under /oauth", async () => {
    expect(as.issuer).toBe(served.url);
    expect(as.code_challenge_methods_supported).toEqual(["S256"]);
    expect(as.token_endpoint).toBe(`${served.url}/oauth/token`);
    expect(as.registration_endpoint).toBe(`${served.url}/oauth/register`);
    expect(as.revocation_endpoint).toBe(`${served.url}/oauth/revoke`);
    expect(as.introspection_endpoint).toBe(`${served.url}/oauth/introspect`);
    expect(as.scopes_supported).toEqual(expect.arrayContaining(["assessments:read", "activities:write", "admin"]));
    const openid = await fetch(`${served.url}/.well-known/openid-configuration`);
    expect(((await openid.json()) as { issuer: string }).issuer).toBe(served.url);
  });

  it("registers a public client and issues an API token after sign-in and consent", async () => {
    const account = await h.createUser();
    const request = await authorizationRequest(as, client, REDIRECT, "assessments:read activities:read");
    const browser = new Browser(REDIRECT);
    const signIn = asPage(await browser.open(request.url.toString()));
    expect(signIn.status).toBe(200);
    expect(signIn.html).toContain("Test &lt;Agent&gt; &amp; Co");
    expect(signIn.headers.get("content-security-policy")).toMatch(
      /default-src 'none'.*form-action 'self' http:\/\/127\.0\.0\.1:9/,
    );
    const consent = asPage(
      await browser.submit(signIn, "/login", { email: account.email, password: account.password }),
    );
    expect(consent.html).toContain("assessments:read");
    expect(consent.html).toContain("activities:read");
    const callback = asCallback(await browser.submit(consent, "/consent"));

    const tokens = await exchange(callback, request.state, request.verifier);
    expect(tokens.token_type).toBe("bearer");
    expect(tokens.scope?.split(" ").sort()).toEqual(["activities:read", "assessments:read"]);
    expect(tokens.refresh_token).toBeTruthy();
    // An RFC 9068 token a resource server validates with the server's published keys.
    const claims = await oauth.validateJwtAccessToken(
      as,
      new Request(`${served.url}/api/v1/auth/me`, { headers: { authorization: `Bearer ${tokens.access_token}` } }),
      served.url,
      INSECURE,
    );
    expect(claims).toMatchObject({
      sub: account.id,
      client_id: client.client_id,
      scope: "assessments:read activities:read",
    });

    const me = await fetch(`${served.url}/api/v1/auth/me`, {
      headers: { authorization: `Bearer ${tokens.access_token}` },
    });
    expect(me.status).toBe(200);
    expect(((await me.json()) as { email: string }).email).toBe(account.email);
  });

  it("asks for the second factor when the account has one, and refuses a wrong code", async () => {
    const account = await h.createUser();
    const enrolled = await enrol(h, account);
    const request = await authorizationRequest(as, client, REDIRECT, "attack:read");
    const browser = new Browser(REDIRECT);
    const signIn = asPage(await browser.open(request.url.toString()));
    const second = asPage(await browser.submit(signIn, "/login", { email: account.email, password: account.password }));
    expect(second.html).toContain("Two-factor authentication");
    const wrong = asPage(await browser.submit(second, "/totp", { code: "000000" }));
    expect(wrong.status).toBe(401);
    expect(wrong.html).toContain("Invalid authentication code");
    const consent = asPage(await browser.submit(wrong, "/totp", { code: enrolled.code() }));
    const callback = asCallback(await browser.submit(consent, "/consent"));
    const tokens = await exchange(callback, request.state, request.verifier);

    const tactics = await fetch(`${served.url}/trpc/mitre.tactics`, {
      headers: { authorization: `Bearer ${tokens.access_token}` },
    });
    expect(tactics.status).toBe(200);
    const events = await h.deps.db.prisma.auditEvent.findMany({
      where: { actorId: account.id, type: "oauth.signed_in" },
    });
    expect(events.map((e) => e.metadata)).toEqual([{ method: "totp" }]);
  });

  it("rotates refresh tokens, introspects them, and revokes the whole grant on revocation", async () => {
    const account = await h.createUser();
    const request = await authorizationRequest(as, client, REDIRECT, "attack:read");
    const first = await exchange(
      await signInAndConsent(new Browser(REDIRECT), request, account),
      request.state,
      request.verifier,
    );
    const firstRefresh = first.refresh_token ?? "";

    const rotated = await oauth.processRefreshTokenResponse(
      as,
      client,
      await oauth.refreshTokenGrantRequest(as, client, none, firstRefresh, INSECURE),
    );
    expect(rotated.refresh_token).toBeTruthy();
    expect(rotated.refresh_token).not.toBe(firstRefresh);
    expect(rotated.access_token).not.toBe(first.access_token);
    const api = (token: string) =>
      fetch(`${served.url}/api/v1/mitre/tactics`, { headers: { authorization: `Bearer ${token}` } });
    expect((await api(rotated.access_token)).status).toBe(200);

    const introspect = async (token: string) =>
      oauth.processIntrospectionResponse(
        as,
        client,
        await oauth.introspectionRequest(as, client, none, token, INSECURE),
      );
    expect(await introspect(rotated.refresh_token ?? "")).toMatchObject({
      active: true,
      client_id: client.client_id,
      sub: account.id,
      scope: "attack:read",
    });
    // The rotated-away refresh token is spent.
    expect((await introspect(firstRefresh)).active).toBe(false);

    await oauth.processRevocationResponse(
      await oauth.revocationRequest(as, client, none, rotated.refresh_token ?? "", INSECURE),
    );
    expect((await introspect(rotated.refresh_token ?? "")).active).toBe(false);
    // Revoking the refresh token revokes its grant: the access tokens stop on the very next call.
    const refused = await api(rotated.access_token);
    expect(refused.status).toBe(401);
    expect(((await refused.json()) as { errors: { code: string }[] }).errors[0]?.code).toBe("AUTH_TOKEN_INVALID");
    expect((await api(first.access_token)).status).toBe(401);
    await expect(
      oauth.processRefreshTokenResponse(
        as,
        client,
        await oauth.refreshTokenGrantRequest(as, client, none, rotated.refresh_token ?? "", INSECURE),
      ),
    ).rejects.toMatchObject({ error: "invalid_grant" });
  });

  it("treats a refresh token presented twice as stolen: the grant and all its tokens are revoked", async () => {
    const account = await h.createUser();
    const request = await authorizationRequest(as, client, REDIRECT, "attack:read");
    const first = await exchange(
      await signInAndConsent(new Browser(REDIRECT), request, account),
      request.state,
      request.verifier,
    );
    const refresh = (token: string) =>
      oauth
        .refreshTokenGrantRequest(as, client, none, token, INSECURE)
        .then((response) => oauth.processRefreshTokenResponse(as, client, response));
    const rotated = await refresh(first.refresh_token ?? "");
    await expect(refresh(first.refresh_token ?? "")).rejects.toMatchObject({ error: "invalid_grant" });
    await expect(refresh(rotated.refresh_token ?? "")).rejects.toMatchObject({ error: "invalid_grant" });
    const me = await fetch(`${served.url}/api/v1/mitre/tactics`, {
      headers: { authorization: `Bearer ${rotated.access_token}` },
    });
    expect(me.status).toBe(401);
  });

  it("signs with the new key after a rotation, and still honours tokens signed by the old one", async () => {
    const account = await h.createUser();
    const request = await authorizationRequest(as, client, REDIRECT, "attack:read");
    const before = await exchange(
      await signInAndConsent(new Browser(REDIRECT), request, account),
      request.state,
      request.verifier,
    );
    const kidOf = (jwt: string) =>
      (JSON.parse(Buffer.from(jwt.split(".")[0] ?? "", "base64url").toString()) as { kid: string }).kid;
    const newKid = await h.deps.auth.keys.rotate();
    const after = await oauth.processRefreshTokenResponse(
      as,
      client,
      await oauth.refreshTokenGrantRequest(as, client, none, before.refresh_token ?? "", INSECURE),
    );
    expect(kidOf(before.access_token)).not.toBe(newKid);
    expect(kidOf(after.access_token)).toBe(newKid);
    for (const token of [before.access_token, after.access_token]) {
      const res = await fetch(`${served.url}/api/v1/mitre/tactics`, { headers: { authorization: `Bearer ${token}` } });
      expect(res.status).toBe(200);
    }
  });
});
