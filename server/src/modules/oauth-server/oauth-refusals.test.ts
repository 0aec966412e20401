/**
 * What the authorization server and the doors refuse, over a real socket: a reused code (and
 * every token issued from it), a `plain` PKCE challenge, an unregistered redirect URI, a token
 * for another resource, a scope the token lacks, a forged form, an account whose role requires
 * a second factor it has not set up, and an account deactivated after it authorized.
 */
import * as oauth from "oauth4webapi";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRequestContext } from "../../context.js";
import { authenticate } from "../../guard/chain.js";
import { createHarness, type Harness } from "../../test-support/harness.js";
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

describe("the OAuth 2.0 authorization server refuses", () => {
  let h: Harness;
  let served: Served;
  let as: oauth.AuthorizationServer;
  let client: oauth.Client;
  const none = oauth.None();

  beforeAll(async () => {
    h = await createHarness({ MFA_REQUIRED_ROLES: "admin" });
    served = await serveApp(h);
    as = await discover(served.url);
    client = await registerPublicClient(as, REDIRECT);
  });
  afterAll(async () => {
    await served?.close();
    await h?.close();
  });

  /** A consented authorization's callback for a fresh account, with what the exchange needs. */
  async function authorized(scope: string, extra: Record<string, string> = {}) {
    const account = await h.createUser();
    const request = await authorizationRequest(as, client, REDIRECT, scope, extra);
    const callback = await signInAndConsent(new Browser(REDIRECT), request, account);
    return { account, request, params: oauth.validateAuthResponse(as, client, callback, request.state) };
  }

  const exchange = async (params: URLSearchParams, verifier: string, extra?: Record<string, string>) =>
    oauth.processAuthorizationCodeResponse(
      as,
      client,
      await oauth.authorizationCodeGrantRequest(as, client, none, params, REDIRECT, verifier, {
        ...INSECURE,
        ...(extra ? { additionalParameters: extra } : {}),
      }),
    );

  const call = (path: string, token: string) =>
    fetch(`${served.url}${path}`, { headers: { authorization: `Bearer ${token}` } });

  it("a code used twice, and revokes every token issued from it", async () => {
    const { request, params } = await authorized("attack:read");
    const tokens = await exchange(params, request.verifier);
    expect((await call("/api/v1/mitre/tactics", tokens.access_token)).status).toBe(200);
    await expect(exchange(params, request.verifier)).rejects.toMatchObject({ error: "invalid_grant" });
    expect((await call("/api/v1/mitre/tactics", tokens.access_token)).status).toBe(401);
    const gid = (
      JSON.parse(Buffer.from(tokens.access_token.split(".")[1] ?? "", "base64url").toString()) as { gid: string }
    ).gid;
    const audit = await h.deps.db.prisma.auditEvent.findFirst({
      where: { type: "oauth.grant.revoked", targetId: gid },
    });
    expect(audit?.metadata).toMatchObject({ clientId: client.client_id, route: "token" });
    await expect(
      oauth.processRefreshTokenResponse(
        as,
        client,
        await oauth.refreshTokenGrantRequest(as, client, none, tokens.refresh_token ?? "", INSECURE),
      ),
    ).rejects.toMatchObject({ error: "invalid_grant" });
  });

  it("a plain PKCE challenge, and an authorization request without one", async () => {
    for (const pkce of [{ code_challenge_method: "plain" }, { code_challenge: "" }]) {
      const request = await authorizationRequest(as, client, REDIRECT, "attack:read");
      for (const [name, value] of Object.entries(pkce)) {
        if (value) request.url.searchParams.set(name, value);
        else request.url.searchParams.delete(name);
      }
      if (!pkce.code_challenge_method) request.url.searchParams.delete("code_challenge_method");
      const callback = asCallback(await new Browser(REDIRECT).open(request.url.toString()));
      expect(callback.searchParams.get("error")).toBe("invalid_request");
      expect(() => oauth.validateAuthResponse(as, client, callback, request.state)).toThrow();
    }
  });

  it("a client registering a plain-http redirect URI off the loopback interface", async () => {
    const response = await oauth.dynamicClientRegistrationRequest(
      as,
      { redirect_uris: ["http://apps.example.com/callback"], token_endpoint_auth_method: "none" },
      INSECURE,
    );
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: string }).error).toBe("invalid_redirect_uri");
    const secure = await oauth.dynamicClientRegistrationRequest(
      as,
      { redirect_uris: ["https://apps.example.com/callback"], token_endpoint_auth_method: "none" },
      INSECURE,
    );
    expect(secure.status).toBe(201);
  });

  it("a redirect URI the client did not register, without redirecting there", async () => {
    const request = await authorizationRequest(as, client, "http://127.0.0.1:9/elsewhere", "attack:read");
    const page = asPage(await new Browser("http://127.0.0.1:9/").open(request.url.toString()));
    expect(page.status).toBe(400);
    expect(page.html).toMatch(/redirect_uri/);
    // And a code redeemed with another redirect URI than it was issued for.
    const { request: issued, params } = await authorized("attack:read");
    const response = await oauth.authorizationCodeGrantRequest(
      as,
      client,
      none,
      params,
      "http://127.0.0.1:9/other",
      issued.verifier,
      INSECURE,
    );
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: string }).error).toBe("invalid_grant");
  });

  it("a resource it does not serve, and a token for the MCP endpoint at the API", async () => {
    const evil = await authorizationRequest(as, client, REDIRECT, "attack:read", { resource: "https://evil.example/" });
    const refused = asCallback(await new Browser(REDIRECT).open(evil.url.toString()));
    expect(refused.searchParams.get("error")).toBe("invalid_target");

    const mcp = `${served.url}/mcp`;
    const { request, params } = await authorized("attack:read", { resource: mcp });
    const tokens = await exchange(params, request.verifier, { resource: mcp });
    const claims = await oauth.validateJwtAccessToken(
      as,
      new Request(mcp, { headers: { authorization: `Bearer ${tokens.access_token}` } }),
      mcp,
      INSECURE,
    );
    expect(claims.aud).toBe(mcp);
    for (const path of ["/api/v1/mitre/tactics", "/trpc/mitre.tactics"]) {
      const res = await call(path, tokens.access_token);
      expect(res.status, path).toBe(401);
      expect(await res.text()).toMatch(/another resource/);
    }
    // The guard chain at the MCP door accepts it, and refuses an API token there.
    const at = (path: string, token: string) =>
      authenticate(
        createRequestContext(h.deps, {
          requestId: "t",
          url: `${served.url}${path}`,
          ip: null,
          userAgent: null,
          headers: new Headers({ authorization: `Bearer ${token}` }),
        }),
      );
    await expect(at("/mcp", tokens.access_token)).resolves.toMatchObject({ credential: "oauth" });
    const api = await authorized("attack:read");
    const apiTokens = await exchange(api.params, api.request.verifier);
    await expect(at("/mcp", apiTokens.access_token)).rejects.toMatchObject({ code: "AUTH_TOKEN_INVALID" });
    await expect(at("/api/v1/mitre/tactics", apiTokens.access_token)).resolves.toMatchObject({
      scopes: new Set(["attack:read"]),
    });
  });

  it("a call needing a scope the token was not granted, naming it (403, WWW-Authenticate on REST)", async () => {
    const { request, params } = await authorized("assessments:read");
    const tokens = await exchange(params, request.verifier);
    const res = await call("/api/v1/mitre/tactics", tokens.access_token);
    expect(res.status).toBe(403);
    expect(res.headers.get("www-authenticate")).toBe('Bearer error="insufficient_scope", scope="attack:read"');
    const body = (await res.json()) as { errors: { code: string; message: string }[] };
    expect(body.errors[0]).toMatchObject({ code: "FORBIDDEN", message: expect.stringContaining("attack:read") });
    // A person's own doors (sessions, passwords, second factor) stay closed to any OAuth token.
    expect((await call("/api/v1/sessions", tokens.access_token)).status).toBe(403);
    // Only SCOPES are granted: an unknown scope asked for is dropped.
    const odd = await authorized("attack:read shell:exec");
    expect((await exchange(odd.params, odd.request.verifier)).scope).toBe("attack:read");
  });

  it("a form without its interaction's token, and one from a browser without the interaction cookie", async () => {
    const account = await h.createUser();
    const request = await authorizationRequest(as, client, REDIRECT, "attack:read");
    const browser = new Browser(REDIRECT);
    const signIn = asPage(await browser.open(request.url.toString()));
    const forged = asPage(
      await browser.submit(signIn, "/login", { csrf: "forged", email: account.email, password: account.password }),
    );
    expect(forged.status).toBe(403);
    const stranger = new Browser(REDIRECT);
    const lost = asPage(await stranger.submit(signIn, "/login", { email: account.email, password: account.password }));
    expect(lost.status).toBe(404);
    const wrong = asPage(
      await browser.submit(signIn, "/login", { email: account.email, password: "not the password" }),
    );
    expect(wrong.status).toBe(401);
    expect(wrong.html).toContain("Invalid email or password");
  });

  it("an account whose role requires a second factor it has not set up", async () => {
    const admin = await h.createUser({ role: "admin" });
    const request = await authorizationRequest(as, client, REDIRECT, "attack:read");
    const browser = new Browser(REDIRECT);
    const page = asPage(
      await browser.submit(asPage(await browser.open(request.url.toString())), "/login", {
        email: admin.email,
        password: admin.password,
      }),
    );
    expect(page.status).toBe(403);
    expect(page.html).toContain("requires two-factor authentication");
  });

  it("the tokens of an account deactivated after it authorized, on the very next call", async () => {
    const { account, request, params } = await authorized("attack:read");
    const tokens = await exchange(params, request.verifier);
    expect((await call("/api/v1/mitre/tactics", tokens.access_token)).status).toBe(200);
    const superuser = await h.createUser({ isSuperuser: true });
    const { accessToken } = await h.login(superuser);
    await h.as(accessToken).admin.users.deactivate({ id: account.id });
    expect((await call("/api/v1/mitre/tactics", tokens.access_token)).status).toBe(401);
    await expect(
      oauth.processRefreshTokenResponse(
        as,
        client,
        await oauth.refreshTokenGrantRequest(as, client, none, tokens.refresh_token ?? "", INSECURE),
      ),
    ).rejects.toMatchObject({ error: "invalid_grant" });
  });
});
