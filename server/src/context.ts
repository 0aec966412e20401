/** What every request can reach: the process-wide dependencies plus the request's own facts. */
import type { Redis } from "ioredis";
import type { Config } from "./config.js";
import type { Database } from "./db/database.js";
import type { Clock, IdSource } from "./lib/clock.js";
import type { Logger } from "./lib/logger.js";
import type { Mailer } from "./lib/mail/mailer.js";
import type { RateLimits } from "./lib/rate-limits.js";
import type { AuthRuntime } from "./modules/auth/auth-runtime.js";
import type { AuthUser } from "./modules/auth/session-guard.js";

/** Start-up progress, read by the readiness check and the API gate. */
export interface Readiness {
  migrated: boolean;
  migrationError: string | undefined;
  shuttingDown: boolean;
}

export interface Deps {
  config: Config;
  db: Database;
  logger: Logger;
  clock: Clock;
  ids: IdSource;
  startedAt: Date;
  readiness: Readiness;
  version: string;
  auth: AuthRuntime;
  limits: RateLimits;
  mailer: Mailer;
  /** Present when REDIS_URL is set. */
  redis: Redis | undefined;
}

export interface RequestInfo {
  requestId: string;
  ip: string | null;
  userAgent: string | null;
  headers: Headers;
}

export interface Context extends Deps {
  req: RequestInfo;
  log: Logger;
  /** Headers to add to the response (e.g. Retry-After), whichever door the call came through. */
  responseHeaders: Headers;
  /** Set by the `authed` guard; null on public procedures. */
  user: AuthUser | null;
}

/** The context of one call, from the request facts the HTTP layer collected. */
export function createRequestContext(deps: Deps, req: RequestInfo): Context {
  return {
    ...deps,
    req,
    log: deps.logger.child({ requestId: req.requestId }),
    responseHeaders: new Headers(),
    user: null,
  };
}

/** The request facts every audit event carries. */
export function originOf(ctx: Pick<Context, "req">) {
  return { ip: ctx.req.ip, userAgent: ctx.req.userAgent, requestId: ctx.req.requestId };
}
