/**
 * MFA_REQUIRED_ROLES: members of those roles without a confirmed factor may only enrol one.
 * The authed guard calls `assertMfaSatisfied` with the procedure path; everything but the
 * enrolment procedures (and who-am-I / sign-out) is refused until a factor is confirmed.
 */
import { LRUCache } from "lru-cache";
import type { Context } from "../../context.js";
import type { AuthUser } from "../../identity/principal.js";
import { AppError } from "../../lib/app-error.js";
import { hasConfirmedFactor } from "./mfa-login.service.js";

type Deps = Pick<Context, "auth" | "config" | "db">;

/** What a session waiting for enrolment may still call. */
export const ALLOWED_WHILE_ENROLMENT_PENDING: ReadonlySet<string> = new Set([
  "mfa.status",
  "mfa.setup",
  "mfa.confirm",
  "auth.me",
  "auth.logout",
  "auth.logoutAll",
]);

// Only "enrolled" is cached (briefly, per process): a fresh enrolment counts at once; a
// disable or reset here drops the entry, elsewhere it ages out with the session cache.
const caches = new WeakMap<object, LRUCache<string, true>>();

function cacheOf(deps: Deps): LRUCache<string, true> {
  let cache = caches.get(deps.auth);
  if (!cache) {
    cache = new LRUCache<string, true>({ max: 50_000, ttl: Math.max(deps.config.auth.sessionCacheTtlMs, 1) });
    caches.set(deps.auth, cache);
  }
  return cache;
}

/** True when the account's role requires a second factor. */
export function isMfaRequiredFor(deps: Pick<Context, "config">, role: AuthUser["role"]): boolean {
  return deps.config.auth.mfa.requiredRoles.includes(role);
}

/** Forgets the cached enrolment of `userId` (after a disable or an admin reset). */
export function forgetEnrolment(deps: Deps, userId: string): void {
  cacheOf(deps).delete(userId);
}

/** True when the user still has to enrol a factor before using the API. */
export async function isEnrolmentPending(deps: Deps, user: Pick<AuthUser, "id" | "role">): Promise<boolean> {
  if (!isMfaRequiredFor(deps, user.role)) return false;
  const cache = cacheOf(deps);
  if (cache.get(user.id)) return false;
  const enrolled = await hasConfirmedFactor(deps.db.prisma, user.id);
  if (enrolled) cache.set(user.id, true);
  return !enrolled;
}

/**
 * For the authed guard: FORBIDDEN when `user`'s role requires MFA, no factor is confirmed
 * yet, and `path` (the procedure, e.g. "assessments.list") is not part of enrolment.
 */
export async function assertMfaSatisfied(deps: Deps, user: Pick<AuthUser, "id" | "role">, path: string): Promise<void> {
  if (ALLOWED_WHILE_ENROLMENT_PENDING.has(path)) return;
  if (await isEnrolmentPending(deps, user)) {
    throw new AppError(
      "FORBIDDEN",
      "Your role requires two-factor authentication: set it up (mfa.setup, then mfa.confirm) before anything else",
    );
  }
}
