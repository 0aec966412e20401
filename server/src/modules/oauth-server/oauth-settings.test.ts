/**
 * The authorization server's settings: registration that requires the initial access token
 * (OAUTH_REGISTRATION=initial-access-token), PUBLIC_URL as the issuer whatever host a request
 * names, and OAUTH_ENABLED=false, which serves none of it and honours no OAuth token.
 */
import * as oauth from "oauth4webapi";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHarness, type Harness } from "../../test-support/harness.js";
import { discover, INSECURE, registerPublicClient, type Served, serveApp } from "../../test-support/oauth-kit.js";

const INITIAL_ACCESS_TOKEN = "initial-access-token-0123456789abcdef";
const REDIRECT = "http://127.0.0.1:9/callback";

describe("OAUTH_REGISTRATION=initial-access-token", () => {
  let h: Harness;
  let served: Served;
  beforeAll(async () => {
    h = await createHarness({
      OAUTH_REGISTRATION: "initial-access-token",
      OAUTH_INITIAL_ACCESS_TOKEN: INITIAL_ACCESS_TOKEN,
    });
    served = await serveApp(h);
  });
  afterAll(async () => {
    await served?.close();
    await h?.close();
  });

  it("refuses a registration without the initial access token, or with another one", async () => {
    const as = await discover(served.url);
    for (const token of [undefined, "not-the-initial-access-token-0123456789"]) {
      const response = await oauth.dynamicClientRegistrationRequest(
        as,
        { redirect_uris: [REDIRECT], token_endpoint_auth_method: "none" },
        { ...INSECURE, ...(token ? { initialAccessToken: token } : {}) },
      );
      expect(response.status, String(token)).toBe(401);
    }
    expect(await h.deps.db.prisma.oAuthRecord.count({ where: { model: "Client" } })).toBe(0);
  });

  it("registers a client that presents it", async () => {
    const as = await discover(served.url);
    const client = await registerPublicClient(as, REDIRECT, INITIAL_ACCESS_TOKEN);
    expect(client.client_id).toBeTruthy();
    expect(client.token_endpoint_auth_method).toBe("none");
  });
});

describe("PUBLIC_URL and OAUTH_ENABLED", () => {
  let h: Harness;
  let off: Harness;
  beforeAll(async () => {
    h = await createHarness({ PUBLIC_URL: "https://assay.example.com" });
    off = await createHarness({ OAUTH_ENABLED: "false" });
  });
  afterAll(async () => {
    await h?.close();
    await off?.close();
  });

  it("names PUBLIC_URL as the issuer and its endpoints, whatever Host and X-Forwarded-* a request sends", async () => {
    const res = await h.app.request("/.well-known/oauth-authorization-server", {
      headers: { host: "attacker.example", "x-forwarded-host": "attacker.example", "x-forwarded-proto": "http" },
    });
    expect(res.status).toBe(200);
    const metadata = (await res.json()) as { issuer: string; token_endpoint: string; authorization_endpoint: string };
    expect(metadata).toMatchObject({
      issuer: "https://assay.example.com",
      token_endpoint: "https://assay.example.com/oauth/token",
      authorization_endpoint: "https://assay.example.com/oauth/authorize",
    });
  });

  it("serves no authorization server when OAUTH_ENABLED=false", async () => {
    for (const path of ["/.well-known/oauth-authorization-server", "/oauth/jwks", "/oauth/token"]) {
      expect((await off.app.request(path)).status, path).toBe(404);
    }
  });
});
