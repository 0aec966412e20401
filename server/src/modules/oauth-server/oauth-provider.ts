/**
 * The OAuth 2.0 authorization server: oidc-provider (certified), configured for Assay. Clients
 * register themselves (RFC 7591); authorization code with PKCE S256 only; codes single-use for
 * 10 minutes; refresh tokens rotate; revocation (RFC 7009), introspection (RFC 7662) and
 * resource indicators (RFC 8707); access tokens are RFC 9068 JWTs signed with Assay's own keys,
 * each for one resource (the API or the MCP endpoint). Its state lives in oauth_records.
 */
import { LRUCache } from "lru-cache";
import type Provider from "oidc-provider";
import type { Configuration, KoaContextWithOIDC } from "oidc-provider";
import type { Deps } from "../../context.js";
import { SCOPES } from "../../identity/scopes.js";
import { recordAudit } from "../audit/audit.js";
import { errorPage, PAGE_STYLE_CSP } from "./oauth-page-views.js";
import { resourcesOf } from "./oauth-resources.js";
import { type OidcModule, oidcModule } from "./oidc-module.js";
import { PrismaAdapter } from "./prisma-adapter.js";

/** Where the provider's endpoints live (the discovery documents stay at the root /.well-known/). */
const ROUTES = {
  authorization: "/oauth/authorize",
  token: "/oauth/token",
  registration: "/oauth/register",
  revocation: "/oauth/revoke",
  introspection: "/oauth/introspect",
  jwks: "/oauth/jwks",
  userinfo: "/oauth/userinfo",
  end_session: "/oauth/session/end",
  pushed_authorization_request: "/oauth/par",
  backchannel_authentication: "/oauth/backchannel",
  code_verification: "/oauth/device",
  device_authorization: "/oauth/device/auth",
  challenge: "/oauth/challenge",
  credential: "/oauth/credential",
} as const;

export const INTERACTION_PATH = "/oauth/interaction";
const LOOPBACK_HOSTS = new Set(["127.0.0.1", "[::1]", "localhost"]);
const CODE_TTL_SECONDS = 10 * 60;
const INTERACTION_TTL_SECONDS = 10 * 60;

/** An active account's identity for the provider; undefined for unknown, deactivated or deleted ones. */
async function findAccount(deps: Deps, id: string) {
  const user = await deps.db.prisma.user.findUnique({
    where: { id },
    select: { isActive: true, deletedAt: true },
  });
  if (!user?.isActive || user.deletedAt) return undefined;
  return { accountId: id, claims: () => ({ sub: id }) };
}

/**
 * Redirect URIs over plain http only to the loopback interface (RFC 8252, the MCP authorization
 * spec): a code sent in clear over a network could be read on the way. https and an app's own
 * scheme are checked by the provider itself.
 */
function assertRedirectUris(errors: OidcModule["errors"], property: string, value: unknown): void {
  if (property !== "redirect_uris" || !Array.isArray(value)) return;
  for (const uri of value) {
    const url = typeof uri === "string" ? URL.parse(uri) : null;
    if (url?.protocol === "http:" && !LOOPBACK_HOSTS.has(url.hostname)) {
      throw new errors.InvalidRedirectUri("redirect_uris may use http only on a loopback address; use https");
    }
  }
}

/** The provider's configuration for `issuer`. */
function configurationFor(deps: Deps, issuer: string, { errors }: OidcModule): Configuration {
  const { config } = deps;
  const resources = resourcesOf(issuer);
  const algorithm = config.auth.jwtAlgorithm;
  const registration = config.oauth.registration;
  const secureCookies = issuer.startsWith("https:");
  const cookieOptions = { httpOnly: true, sameSite: "lax" as const, secure: secureCookies };
  return {
    adapter: (model: string) => new PrismaAdapter(deps.db, model),
    jwks: { keys: [deps.auth.keys.signerJwk() as never] },
    cookies: {
      keys: deps.auth.ring.derive("oauth-cookies").map((key) => key.toString("base64url")),
      long: cookieOptions,
      short: cookieOptions,
    },
    clientDefaults: {
      grant_types: ["authorization_code", "refresh_token"],
      response_types: ["code"],
      token_endpoint_auth_method: "client_secret_basic",
      id_token_signed_response_alg: algorithm,
    },
    enabledJWA: { idTokenSigningAlgValues: [algorithm] },
    extraClientMetadata: {
      properties: ["redirect_uris"],
      validator: (_ctx: unknown, property: string, value: unknown) => assertRedirectUris(errors, property, value),
    },
    responseTypes: ["code"],
    scopes: ["openid", "offline_access", ...SCOPES],
    claims: { openid: ["sub"] },
    pkce: { required: () => true },
    routes: ROUTES,
    features: {
      devInteractions: { enabled: false },
      registration: {
        enabled: true,
        initialAccessToken: registration.kind === "initial-access-token" ? registration.token : false,
        // Without registration management (RFC 7592) such a token would open nothing.
        issueRegistrationAccessToken: false,
      },
      revocation: {
        enabled: true,
        allowedPolicy: async (_ctx, client, token) => token.clientId === client.clientId,
      },
      introspection: {
        enabled: true,
        // A client learns about its own tokens only.
        allowedPolicy: async (_ctx, client, token) => token.clientId === client.clientId,
      },
      resourceIndicators: {
        enabled: true,
        // A client that names no resource gets a token for the API.
        defaultResource: async (_ctx, _client, oneOf) => oneOf ?? resources.api,
        useGrantedResource: async () => true,
        getResourceServerInfo: async (_ctx, indicator) => {
          if (indicator !== resources.api && indicator !== resources.mcp) throw new errors.InvalidTarget();
          return {
            scope: SCOPES.join(" "),
            audience: indicator,
            accessTokenTTL: config.auth.accessTokenTtlSeconds,
            accessTokenFormat: "jwt",
            jwt: { sign: { alg: algorithm } },
          };
        },
      },
      userinfo: { enabled: false },
      rpInitiatedLogout: { enabled: false },
      pushedAuthorizationRequests: { enabled: false },
      dPoP: { enabled: false },
      clientCredentials: { enabled: false },
    },
    formats: {
      customizers: {
        // The grant travels in the token so that revoking the grant stops the token at once.
        jwt: (_ctx, token, jwt) => {
          if ("grantId" in token && token.grantId) jwt.payload.gid = token.grantId;
        },
      },
    },
    ttl: {
      AccessToken: config.auth.accessTokenTtlSeconds,
      AuthorizationCode: CODE_TTL_SECONDS,
      RefreshToken: config.oauth.refreshTokenTtlSeconds,
      Grant: config.oauth.refreshTokenTtlSeconds,
      Interaction: INTERACTION_TTL_SECONDS,
      // The sign-in at the authorization server itself: short, so each authorization asks again soon.
      Session: INTERACTION_TTL_SECONDS,
      IdToken: config.auth.accessTokenTtlSeconds,
    },
    issueRefreshToken: async (_ctx, client) => client.grantTypeAllowed("refresh_token"),
    rotateRefreshToken: () => true,
    expiresWithSession: async () => false,
    findAccount: (_ctx, id) => findAccount(deps, id),
    interactions: { url: async (_ctx, interaction) => `${INTERACTION_PATH}/${interaction.uid}` },
    clientBasedCORS: (_ctx, origin, client) =>
      client.redirectUris?.some((uri) => URL.parse(uri)?.origin === origin) ?? false,
    renderError: async (ctx: KoaContextWithOIDC, out) => {
      ctx.type = "html";
      ctx.set("Content-Security-Policy", PAGE_STYLE_CSP);
      ctx.set("Cache-Control", "no-store");
      ctx.body = errorPage("This request cannot go on", String(out.error_description ?? out.error ?? "Unknown error"));
    },
  };
}

/** A provider for `issuer`, signing with the current key; revoked grants reach the doors' cache at once. */
export async function createOAuthProvider(deps: Deps, issuer: string): Promise<Provider> {
  const oidc = await oidcModule();
  const provider = new oidc.default(issuer, configurationFor(deps, issuer, oidc));
  // The bridge (oauth-bridge.ts) sets the forwarded host and protocol itself, from the issuer.
  provider.proxy = true;
  provider.on("grant.revoked", (ctx: KoaContextWithOIDC, grantId: string) => {
    deps.auth.oauth.revoked(grantId);
    // Revocation by the client, or a reused code or refresh token (a sign of theft): audited.
    const origin = {
      ip: ctx.ip ?? null,
      userAgent: ctx.get("user-agent") || null,
      requestId: ctx.get("x-request-id") || null,
    };
    const event = {
      type: "oauth.grant.revoked",
      actorId: ctx.oidc.entities.RefreshToken?.accountId ?? ctx.oidc.entities.Grant?.accountId ?? null,
      targetType: "oauth_grant",
      targetId: grantId,
      metadata: { clientId: ctx.oidc.client?.clientId ?? null, route: ctx.oidc.route },
    };
    recordAudit(deps.db.prisma, origin, event).catch((err) =>
      deps.logger.warn({ err }, "audit of a revoked grant failed"),
    );
  });
  provider.on("server_error", (_ctx: unknown, err: Error) => deps.logger.error({ err }, "OAuth server error"));
  return provider;
}

/**
 * Providers by issuer (one per origin when PUBLIC_URL is unset; bounded, so forged Host headers
 * cannot pile them up), rebuilt when the signing key rotates.
 */
export class OAuthProviders {
  readonly #providers = new LRUCache<string, { kid: string; provider: Promise<Provider> }>({ max: 8 });

  constructor(private readonly deps: Deps) {}

  /** The provider for `issuer`. */
  for(issuer: string): Promise<Provider> {
    const kid = this.deps.auth.keys.signer().kid;
    const cached = this.#providers.get(issuer);
    if (cached?.kid === kid) return cached.provider;
    const provider = createOAuthProvider(this.deps, issuer);
    this.#providers.set(issuer, { kid, provider });
    return provider;
  }
}
