/**
 * Test support: a real OpenID Provider (node-oidc-provider, certified) listening on a free
 * local port inside the test process, with one confidential client, PKCE required, and an
 * interaction step that signs in as whichever account the test chose. `authorize` plays the
 * browser: it follows the provider's redirects (with cookies) until they reach our callback.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { exportJWK, generateKeyPair } from "jose";
import Provider, { type InteractionResults } from "oidc-provider";

export interface TestClaims {
  email?: string;
  email_verified?: boolean;
  name?: string;
}

export interface TestIdentityProvider {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** The account the next authorization signs in as. */
  signInAs(sub: string, claims: TestClaims): void;
  close(): Promise<void>;
}

export async function startTestIdentityProvider(options: {
  redirectUri: string;
  idTokenTtlSeconds?: number;
}): Promise<TestIdentityProvider> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const clientId = "assay-test";
  const clientSecret = "assay-test-secret-0123456789abcdef";
  const accounts = new Map<string, TestClaims>();
  let current: string | undefined;

  const { privateKey } = await generateKeyPair("RS256", { extractable: true });
  const jwk = { ...(await exportJWK(privateKey)), kid: "test-key", alg: "RS256", use: "sig" };
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        redirect_uris: [options.redirectUri],
        response_types: ["code"],
        grant_types: ["authorization_code"],
        token_endpoint_auth_method: "client_secret_basic",
      },
    ],
    pkce: { required: () => true },
    claims: { openid: ["sub"], email: ["email", "email_verified"], profile: ["name"] },
    findAccount: (_ctx, sub) => {
      const claims = accounts.get(sub);
      return claims ? { accountId: sub, claims: () => ({ sub, ...claims }) } : undefined;
    },
    jwks: { keys: [jwk as never] },
    cookies: { keys: ["test-provider-cookie-key"] },
    features: { devInteractions: { enabled: false } },
    ttl: {
      IdToken: options.idTokenTtlSeconds ?? 3600,
      AuthorizationCode: 60,
      AccessToken: 600,
      Interaction: 300,
      Session: 3600,
      Grant: 3600,
    },
  });
  // The "login page": signs in as the chosen account and grants what the client asked for.
  provider.use(async (ctx, next) => {
    if (!ctx.path.startsWith("/interaction/")) return next();
    const details = await provider.interactionDetails(ctx.req, ctx.res);
    let result: InteractionResults;
    if (details.prompt.name === "login") {
      if (!current) throw new Error("call signInAs() before authorizing");
      result = { login: { accountId: current } };
    } else {
      const grant = new provider.Grant({ accountId: String(details.session?.accountId), clientId });
      grant.addOIDCScope(String(details.params.scope));
      result = { consent: { grantId: await grant.save() } };
    }
    const location = await provider.interactionResult(ctx.req, ctx.res, result, { mergeWithLastSubmission: false });
    ctx.status = 303;
    ctx.redirect(location);
  });
  server.on("request", provider.callback());
  return {
    issuer,
    clientId,
    clientSecret,
    signInAs(sub, claims) {
      accounts.set(sub, claims);
      current = sub;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Plays the browser from the provider's authorization URL until a redirect reaches `callbackPrefix`. */
export async function authorize(authorizationUrl: string, callbackPrefix: string): Promise<string> {
  const jar = new Map<string, string>();
  let next = authorizationUrl;
  for (let hop = 0; hop < 10; hop++) {
    if (next.startsWith(callbackPrefix)) return next;
    const cookie = [...jar].map(([name, value]) => `${name}=${value}`).join("; ");
    const response = await fetch(next, { redirect: "manual", headers: cookie ? { cookie } : {} });
    for (const line of response.headers.getSetCookie()) {
      const pair = line.split(";")[0] ?? "";
      const at = pair.indexOf("=");
      jar.set(pair.slice(0, at), pair.slice(at + 1));
    }
    const location = response.headers.get("location");
    const body = await response.text();
    if (!location) throw new Error(`provider answered ${response.status} without a redirect: ${body.slice(0, 300)}`);
    next = new URL(location, next).toString();
  }
  throw new Error("too many redirects");
}
