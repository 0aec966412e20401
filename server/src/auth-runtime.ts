/** The process-wide auth machinery, built once at start-up and shared by every request. */
import type { Redis } from "ioredis";
import type { Config } from "./config.js";
import type { Database } from "./db/database.js";
import type { Clock } from "./lib/clock.js";
import type { KeyRing } from "./lib/crypto.js";
import { ProgressiveDelay } from "./lib/progressive-delay.js";
import { ApiKeyGuard } from "./modules/api-keys/api-key-guard.js";
import { AccessTokens } from "./modules/auth/access-tokens.js";
import { PasswordHasher } from "./modules/auth/passwords.js";
import { SessionGuard } from "./modules/auth/session-guard.js";
import { SigningKeys } from "./modules/auth/signing-keys.js";
import { OAuthAccessTokens } from "./modules/oauth-server/oauth-access-tokens.js";

export interface AuthRuntime {
  ring: KeyRing;
  keys: SigningKeys;
  tokens: AccessTokens;
  sessions: SessionGuard;
  /** API keys, checked per request like sessions (and dropped through the same invalidations). */
  apiKeys: ApiKeyGuard;
  passwords: PasswordHasher;
  /** Access tokens the OAuth authorization server issued, as the doors check them. */
  oauth: OAuthAccessTokens;
  /** The per-account slowdown of sign-ins across addresses (keyed by email). */
  loginDelay: ProgressiveDelay;
}

/** Builds the runtime; `init()` on the keys must run after migrations. */
export function createAuthRuntime(
  config: Config,
  db: Database,
  clock: Clock,
  ring: KeyRing,
  redis?: Redis,
): AuthRuntime {
  const keys = new SigningKeys(db, ring, clock, {
    algorithm: config.auth.jwtAlgorithm,
    accessTokenTtlSeconds: config.auth.accessTokenTtlSeconds,
  });
  const sessions = new SessionGuard(db, clock, config.auth.sessionCacheTtlMs);
  return {
    ring,
    keys,
    tokens: new AccessTokens(keys, clock, {
      issuer: config.auth.issuer,
      audience: config.auth.audience,
      ttlSeconds: config.auth.accessTokenTtlSeconds,
    }),
    sessions,
    apiKeys: new ApiKeyGuard(db, clock, config.auth.sessionCacheTtlMs, sessions),
    passwords: new PasswordHasher(config.auth.argon2),
    oauth: new OAuthAccessTokens(db, keys, clock, sessions, config.auth.sessionCacheTtlMs),
    loginDelay: new ProgressiveDelay("loginDelay", config.auth.loginDelay, redis),
  };
}
