/**
 * The configured identity providers (OIDC_PROVIDERS) behind one interface, with arctic as
 * the OAuth 2.0 client: authorization code + PKCE S256 + state everywhere, plus a nonce and
 * a verified ID token for OpenID Connect providers (Google, any issuer); GitHub profiles
 * come from its API, its email verification flag from /user/emails.
 */
import { CodeChallengeMethod, Google, OAuth2Client, type OAuth2Tokens } from "arctic";
import { createRemoteJWKSet, type JWTPayload } from "jose";
import type { Config, OidcProviderConfig } from "../../config.js";
import { discover, type IssuerMetadata, isTrue, verifyIdToken } from "./id-token.js";
import { fetchJson, OidcFlowError } from "./oidc-errors.js";

/** Who the provider says signed in. */
export interface FederatedProfile {
  subject: string;
  email: string | null;
  emailVerified: boolean;
  name: string | null;
  avatarUrl: string | null;
}

export interface AuthorizationRequest {
  state: string;
  codeVerifier: string;
  nonce: string;
  redirectUri: string;
}

export interface CallbackInput {
  code: string;
  codeVerifier: string;
  nonceHash: string;
  redirectUri: string;
  /** The `iss` authorization-response parameter (RFC 9207), when the provider sent one. */
  issuer: string | undefined;
  now: Date;
}

export interface ProviderClient {
  config: OidcProviderConfig;
  name: string;
  authorizationUrl(request: AuthorizationRequest): Promise<URL>;
  /** Redeems the code (with the PKCE verifier) and returns the verified profile. */
  profile(input: CallbackInput): Promise<FederatedProfile>;
}

const DEFAULT_NAMES = { google: "Google", github: "GitHub", oidc: "OpenID Connect" } as const;
const OIDC_SCOPES = ["openid", "email", "profile"];

const GOOGLE_ISSUERS = ["https://accounts.google.com", "accounts.google.com"];
const GOOGLE_JWKS = createRemoteJWKSet(new URL("https://www.googleapis.com/oauth2/v3/certs"));
const GITHUB_AUTHORIZE = "https://github.com/login/oauth/authorize";
const GITHUB_TOKEN = "https://github.com/login/oauth/access_token";
const GITHUB_API = "https://api.github.com";

async function redeem(exchange: () => Promise<OAuth2Tokens>): Promise<OAuth2Tokens> {
  try {
    return await exchange();
  } catch (error) {
    throw new OidcFlowError("login_failed", "token_exchange_failed", { cause: error });
  }
}

function idTokenOf(tokens: OAuth2Tokens): string {
  try {
    return tokens.idToken();
  } catch (error) {
    throw new OidcFlowError("login_failed", "id_token_missing", { cause: error });
  }
}

const str = (v: unknown): string | null => (typeof v === "string" && v !== "" ? v : null);

/** Claims to profile; claims missing from the ID token come from the userinfo endpoint (same `sub`). */
async function oidcProfile(claims: JWTPayload, tokens: OAuth2Tokens, userinfo: string | undefined) {
  let merged: Record<string, unknown> = claims;
  if (claims.email === undefined && userinfo) {
    const info = (await fetchJson(
      userinfo,
      { headers: { authorization: `Bearer ${tokens.accessToken()}` } },
      "userinfo",
    )) as Record<string, unknown>;
    if (info.sub !== claims.sub) throw new OidcFlowError("login_failed", "userinfo_sub_mismatch");
    merged = { ...info, ...claims };
  }
  return {
    subject: String(claims.sub),
    email: str(merged.email)?.toLowerCase() ?? null,
    emailVerified: isTrue(merged.email_verified),
    name: str(merged.name),
    avatarUrl: str(merged.picture),
  };
}

function genericOidc(config: OidcProviderConfig & { issuer: string }, name: string): ProviderClient {
  const scopes = config.scopes ?? OIDC_SCOPES;
  const client = (redirectUri: string) => new OAuth2Client(config.clientId, config.clientSecret, redirectUri);
  return {
    config,
    name,
    async authorizationUrl(request) {
      const meta = await discover(config.issuer);
      const url = client(request.redirectUri).createAuthorizationURLWithPKCE(
        meta.authorizationEndpoint,
        request.state,
        CodeChallengeMethod.S256,
        request.codeVerifier,
        scopes,
      );
      url.searchParams.set("nonce", request.nonce);
      return url;
    },
    async profile(input) {
      const meta: IssuerMetadata = await discover(config.issuer);
      // RFC 9207: a response claiming another issuer is a mix-up attack.
      if (input.issuer !== undefined && input.issuer !== meta.issuer) {
        throw new OidcFlowError("login_failed", "issuer_mismatch");
      }
      const tokens = await redeem(() =>
        client(input.redirectUri).validateAuthorizationCode(meta.tokenEndpoint, input.code, input.codeVerifier),
      );
      const claims = await verifyIdToken(idTokenOf(tokens), {
        jwks: meta.jwks,
        issuer: meta.issuer,
        clientId: config.clientId,
        algorithms: meta.algorithms,
        nonceHash: input.nonceHash,
        now: input.now,
      });
      return oidcProfile(claims, tokens, meta.userinfoEndpoint);
    },
  };
}

function google(config: OidcProviderConfig, name: string): ProviderClient {
  const scopes = config.scopes ?? OIDC_SCOPES;
  const client = (redirectUri: string) => new Google(config.clientId, config.clientSecret, redirectUri);
  return {
    config,
    name,
    async authorizationUrl(request) {
      const url = client(request.redirectUri).createAuthorizationURL(request.state, request.codeVerifier, scopes);
      url.searchParams.set("nonce", request.nonce);
      return url;
    },
    async profile(input) {
      const tokens = await redeem(() =>
        client(input.redirectUri).validateAuthorizationCode(input.code, input.codeVerifier),
      );
      const claims = await verifyIdToken(idTokenOf(tokens), {
        jwks: GOOGLE_JWKS,
        issuer: GOOGLE_ISSUERS,
        clientId: config.clientId,
        algorithms: ["RS256"],
        nonceHash: input.nonceHash,
        now: input.now,
      });
      return oidcProfile(claims, tokens, "https://openidconnect.googleapis.com/v1/userinfo");
    },
  };
}

function githubUser(raw: unknown) {
  const user = raw as { id?: unknown; name?: unknown; login?: unknown; avatar_url?: unknown };
  if (typeof user.id !== "number" && typeof user.id !== "string") {
    throw new OidcFlowError("login_failed", "github_user_invalid");
  }
  return { id: String(user.id), name: str(user.name) ?? str(user.login), avatarUrl: str(user.avatar_url) };
}

function github(config: OidcProviderConfig, name: string): ProviderClient {
  const scopes = config.scopes ?? ["read:user", "user:email"];
  const client = (redirectUri: string) => new OAuth2Client(config.clientId, config.clientSecret, redirectUri);
  return {
    config,
    name,
    async authorizationUrl(request) {
      const c = client(request.redirectUri);
      return c.createAuthorizationURLWithPKCE(
        GITHUB_AUTHORIZE,
        request.state,
        CodeChallengeMethod.S256,
        request.codeVerifier,
        scopes,
      );
    },
    async profile(input) {
      const tokens = await redeem(() =>
        client(input.redirectUri).validateAuthorizationCode(GITHUB_TOKEN, input.code, input.codeVerifier),
      );
      let accessToken: string;
      try {
        accessToken = tokens.accessToken();
      } catch (error) {
        throw new OidcFlowError("login_failed", "token_exchange_failed", { cause: error });
      }
      const headers = {
        authorization: `Bearer ${accessToken}`,
        accept: "application/vnd.github+json",
        "user-agent": "Assay",
      };
      const user = githubUser(await fetchJson(`${GITHUB_API}/user`, { headers }, "github_user"));
      const emails = (await fetchJson(`${GITHUB_API}/user/emails`, { headers }, "github_emails")) as unknown[];
      const primary = (Array.isArray(emails) ? emails : []).find(
        (e): e is { email: string; verified: boolean } =>
          typeof e === "object" && e !== null && (e as { primary?: unknown }).primary === true,
      );
      return {
        subject: user.id,
        email: str(primary?.email)?.toLowerCase() ?? null,
        emailVerified: primary?.verified === true,
        name: user.name,
        avatarUrl: user.avatarUrl,
      };
    },
  };
}

/** The client for provider `id`, or undefined when it is not configured. */
export function providerClient(config: Pick<Config, "auth">, id: string): ProviderClient | undefined {
  const provider = config.auth.oidc.providers.find((p) => p.id === id);
  if (!provider) return undefined;
  const name = provider.name ?? DEFAULT_NAMES[provider.kind];
  if (provider.kind === "google") return google(provider, name);
  if (provider.kind === "github") return github(provider, name);
  if (!provider.issuer) return undefined;
  return genericOidc({ ...provider, issuer: provider.issuer }, name);
}

/** The public list (no secrets) for the sign-in screen. */
export function publicProviders(config: Pick<Config, "auth">) {
  return config.auth.oidc.providers.map((p) => ({
    id: p.id,
    name: p.name ?? DEFAULT_NAMES[p.kind],
    kind: p.kind,
    startPath: `/auth/oidc/${p.id}/start`,
  }));
}
