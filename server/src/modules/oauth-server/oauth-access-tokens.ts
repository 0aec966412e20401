/**
 * OAuth access tokens at Assay's doors. The authorization server issues RFC 9068 JWTs signed
 * with Assay's own keys; a door accepts one when its signature, type, issuer and audience (the
 * resource the door belongs to) hold, its grant still exists (revoking a refresh token, or
 * reusing a code, deletes the grant) and its account is active. Grant checks are cached per
 * grant like session checks, and dropped on revocation or account change, on every instance.
 */
import { decodeJwt, decodeProtectedHeader, errors as joseErrors, jwtVerify } from "jose";
import { LRUCache } from "lru-cache";
import type { Config } from "../../config.js";
import type { Database } from "../../db/database.js";
import type { AuthUser, Principal } from "../../identity/principal.js";
import { SCOPES, type Scope } from "../../identity/scopes.js";
import { AppError } from "../../lib/app-error.js";
import type { Clock } from "../../lib/clock.js";
import type { SessionGuard } from "../auth/session-guard.js";
import type { SigningKeys } from "../auth/signing-keys.js";
import { issuerFor, resourceAddressed } from "./oauth-resources.js";

export interface OAuthClaims {
  iss: string;
  sub: string;
  aud: string | string[];
  client_id: string;
  scope?: string;
  /** The grant the token was issued under (a private claim: revocation is checked by it). */
  gid: string;
  jti: string;
  iat: number;
  exp: number;
}

interface GrantEntry {
  user: Omit<AuthUser, "sessionId">;
  clientId: string;
  expiresAt: number;
}

const TOKEN_TYPE = "at+jwt";
const invalid = (message = "Invalid access token") => new AppError("AUTH_TOKEN_INVALID", message);

/** True when `token` is shaped like an OAuth access token (a JWT naming a client, without a session), not a session's. */
export function isOAuthAccessToken(token: string): boolean {
  try {
    const claims = decodeJwt(token);
    return typeof claims.client_id === "string" && claims.sid === undefined;
  } catch {
    return false;
  }
}

export class OAuthAccessTokens {
  readonly #verified = new LRUCache<string, OAuthClaims>({ max: 10_000 });
  readonly #grants: LRUCache<string, GrantEntry>;
  /** Bumped by every invalidation: a grant read while one happened is not cached (it may be stale). */
  #generation = 0;

  constructor(
    private readonly db: Database,
    private readonly keys: SigningKeys,
    private readonly clock: Clock,
    private readonly sessions: SessionGuard,
    cacheTtlMs: number,
  ) {
    this.#grants = new LRUCache<string, GrantEntry>({ max: 50_000, ttl: Math.max(cacheTtlMs, 1) });
    sessions.onInvalidation((message) => {
      this.#generation++;
      if ("oauthGrantId" in message) this.#grants.delete(message.oauthGrantId);
      if ("userId" in message) {
        for (const [grantId, entry] of this.#grants.entries()) {
          if (entry.user.id === message.userId) this.#grants.delete(grantId);
        }
      }
    });
  }

  /** Forgets a revoked grant here and on every other instance: its tokens are refused by the next request. */
  revoked(grantId: string): void {
    this.sessions.invalidateOAuthGrant(grantId);
  }

  /** The claims of a valid token issued by `issuer` for `audience`; AUTH_TOKEN_EXPIRED or AUTH_TOKEN_INVALID otherwise. */
  async verify(token: string, expected: { issuer: string; audience: string }): Promise<OAuthClaims> {
    const claims = this.#verified.get(token) ?? (await this.#verifySignature(token));
    if (claims.exp <= this.clock.now().getTime() / 1000)
      throw new AppError("AUTH_TOKEN_EXPIRED", "Access token expired");
    if (claims.iss !== expected.issuer) throw invalid();
    const audiences = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
    if (!audiences.includes(expected.audience)) throw invalid("This access token is for another resource");
    return claims;
  }

  async #verifySignature(token: string): Promise<OAuthClaims> {
    let kid: string | undefined;
    try {
      kid = decodeProtectedHeader(token).kid;
    } catch {
      throw invalid();
    }
    const key = await this.keys.verificationKey(kid);
    if (!key) throw invalid();
    let claims: OAuthClaims;
    try {
      const { payload } = await jwtVerify(token, key.publicKey, {
        algorithms: [key.algorithm],
        typ: TOKEN_TYPE,
        currentDate: this.clock.now(),
        requiredClaims: ["iss", "sub", "aud", "client_id", "gid", "jti", "iat", "exp"],
      });
      claims = payload as unknown as OAuthClaims;
    } catch (error) {
      if (error instanceof joseErrors.JWTExpired) throw new AppError("AUTH_TOKEN_EXPIRED", "Access token expired");
      throw invalid();
    }
    if (typeof claims.gid !== "string" || typeof claims.client_id !== "string") throw invalid();
    this.#verified.set(token, claims);
    return claims;
  }

  /** The account behind a verified token while its grant stands; AUTH_TOKEN_INVALID once revoked, expired or deactivated. */
  async account(claims: OAuthClaims): Promise<AuthUser> {
    let entry = this.#grants.get(claims.gid);
    if (!entry) {
      const generation = this.#generation;
      entry = await this.#load(claims.gid);
      if (generation === this.#generation) this.#grants.set(claims.gid, entry);
    }
    if (entry.user.id !== claims.sub || entry.clientId !== claims.client_id) throw invalid("Access token revoked");
    if (entry.expiresAt <= this.clock.now().getTime()) {
      this.#grants.delete(claims.gid);
      throw invalid("Access token revoked");
    }
    return { ...entry.user, sessionId: `oauth:${claims.gid}` };
  }

  async #load(grantId: string): Promise<GrantEntry> {
    const grant = await this.db.prisma.oAuthRecord.findUnique({
      where: { model_id: { model: "Grant", id: grantId } },
      select: { payload: true, expiresAt: true },
    });
    const payload = grant?.payload as { accountId?: string; clientId?: string } | undefined;
    if (!grant?.expiresAt || !payload?.accountId || !payload.clientId) throw invalid("Access token revoked");
    const user = await this.db.prisma.user.findUnique({
      where: { id: payload.accountId },
      select: { id: true, email: true, name: true, role: true, isSuperuser: true, isActive: true, deletedAt: true },
    });
    if (!user?.isActive || user.deletedAt) throw invalid("Access token revoked");
    const { isActive: _active, deletedAt: _deleted, ...account } = user;
    return { user: account, clientId: payload.clientId, expiresAt: grant.expiresAt.getTime() };
  }
}

/** The scopes a token's `scope` claim grants, limited to Assay's own. */
function scopesOf(claims: OAuthClaims): ReadonlySet<Scope> {
  const known = new Set<string>(SCOPES);
  return new Set((claims.scope ?? "").split(" ").filter((s): s is Scope => known.has(s)));
}

/** What the check needs of the request's context (narrow: the auth runtime builds this module). */
interface TokenDoor {
  config: Config;
  req: { url?: string };
  auth: { oauth: OAuthAccessTokens };
}

/**
 * Step 1 for an OAuth access token: the principal behind it, at the door the request came to
 * (a token for the MCP endpoint is refused by the API, and the other way round).
 */
export async function authenticateOAuthAccessToken(ctx: TokenDoor, token: string): Promise<Principal> {
  if (!ctx.config.oauth.enabled) throw invalid();
  const url = ctx.req.url;
  if (!url && !ctx.config.publicUrl) throw invalid("OAuth access tokens are accepted over HTTP only");
  const issuer = issuerFor(ctx.config, url ?? ctx.config.publicUrl ?? "");
  const path = url ? new URL(url).pathname : "/trpc";
  const claims = await ctx.auth.oauth.verify(token, { issuer, audience: resourceAddressed(issuer, path) });
  const user = await ctx.auth.oauth.account(claims);
  return { user, credential: "oauth", scopes: scopesOf(claims), organizationId: null };
}
