/** What every request can reach: the process-wide dependencies plus the request's own facts. */
import type { Config } from "./config.js";
import type { Database } from "./db/database.js";
import type { Clock, IdSource } from "./lib/clock.js";
import type { Logger } from "./lib/logger.js";

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
}

/** The context of one call, from the request facts the HTTP layer collected. */
export function createRequestContext(deps: Deps, req: RequestInfo): Context {
  return { ...deps, req, log: deps.logger.child({ requestId: req.requestId }) };
}
