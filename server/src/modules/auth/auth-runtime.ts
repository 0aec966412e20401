/** The process-wide auth machinery, built once at start-up and shared by every request. */
import type { Config } from "../../config.js";
import type { Database } from "../../db/database.js";
import type { Clock } from "../../lib/clock.js";
import type { KeyRing } from "../../lib/crypto.js";
import { AccessTokens } from "./access-tokens.js";
import { PasswordHasher } from "./passwords.js";
import { SessionGuard } from "./session-guard.js";
import { SigningKeys } from "./signing-keys.js";

export interface AuthRuntime {
  ring: KeyRing;
  keys: SigningKeys;
  tokens: AccessTokens;
  sessions: SessionGuard;
  passwords: PasswordHasher;
}

/** Builds the runtime; `init()` on the keys must run after migrations. */
export function createAuthRuntime(config: Config, db: Database, clock: Clock, ring: KeyRing): AuthRuntime {
  const keys = new SigningKeys(db, ring, clock, {
    algorithm: config.auth.jwtAlgorithm,
    accessTokenTtlSeconds: config.auth.accessTokenTtlSeconds,
  });
  return {
    ring,
    keys,
    tokens: new AccessTokens(keys, clock, {
      issuer: config.auth.issuer,
      audience: config.auth.audience,
      ttlSeconds: config.auth.accessTokenTtlSeconds,
    }),
    sessions: new SessionGuard(db, clock, config.auth.sessionCacheTtlMs),
    passwords: new PasswordHasher(config.auth.argon2),
  };
}
