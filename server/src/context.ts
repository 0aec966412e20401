/** What every request can reach: the process-wide dependencies plus the request's own facts. */
import type { Redis } from "ioredis";
import type { AuthRuntime } from "./auth-runtime.js";
import type { Config } from "./config.js";
import type { Database } from "./db/database.js";
import type { EventSink } from "./events/events.js";
import type { EventConsumer, ExecutionBus } from "./execution-bus/bus.js";
import type { AuthUser, Principal } from "./identity/principal.js";
import type { JobQueues } from "./jobs/queue.js";
import type { BackgroundWork } from "./lib/background.js";
import type { Clock, IdSource } from "./lib/clock.js";
import type { Logger } from "./lib/logger.js";
import type { Mailer } from "./lib/mail/mailer.js";
import type { RateLimits } from "./lib/rate-limits.js";

/** The execution engine's face (modules/executions/execution-runtime.ts builds it). */
export interface ExecutionRuntime {
  readonly mode: "memory" | "redis";
  /** This process, as named in the executions it accepts (and as the in-process runner's id). */
  readonly nodeId: string;
  readonly bus: ExecutionBus;
  /** The labels of the in-process runner (memory mode), null with Redis. */
  readonly localLabels: string[] | null;
  /** Starts recording events, reaping, and (without Redis) the in-process runner. */
  start(deps: Deps): Promise<void>;
  /** The consumer of runner events, once started (its catch-up time guards the reaper). */
  consumer(): EventConsumer | null;
  stop(): Promise<void>;
}

/** The outbound events' face (modules/webhooks/event-runtime.ts builds it): the sink plus its processors. */
export interface EventRuntime extends EventSink {
  /** Starts the processors of queued events, webhook deliveries and notification mails. */
  start(deps: Deps): void;
  stop(): Promise<void>;
}

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
  /** Work that finishes after the response (e.g. reset mail), drained at shutdown. */
  background: BackgroundWork;
  /** Present when REDIS_URL is set. */
  redis: Redis | undefined;
  /** The job queue: BullMQ with REDIS_URL, in-process otherwise (jobs/queue.ts). */
  queues: JobQueues;
  /** The execution engine: bus, in-process runner or BullMQ workers, recorder, reaper. */
  executions: ExecutionRuntime;
  /** Outbound events: `events.emit(...)` after a commit; webhook deliveries and notification mails follow. */
  events: EventRuntime;
}

export interface RequestInfo {
  requestId: string;
  /** The URL the request came to; absent for in-process callers (an OAuth token's audience is checked against it). */
  url?: string;
  ip: string | null;
  userAgent: string | null;
  headers: Headers;
}

export interface Context extends Deps {
  req: RequestInfo;
  log: Logger;
  /** Headers to add to the response (e.g. Retry-After), whichever door the call came through. */
  responseHeaders: Headers;
  /** Set by the guard chain's sign-in step; null on public doors. */
  user: AuthUser | null;
  /** The credential behind `user` and what it may do; null on public doors. */
  principal: Principal | null;
}

/** The context of one call, from the request facts the HTTP layer collected. */
export function createRequestContext(deps: Deps, req: RequestInfo): Context {
  return {
    ...deps,
    req,
    log: deps.logger.child({ requestId: req.requestId }),
    responseHeaders: new Headers(),
    user: null,
    principal: null,
  };
}

/** The request facts every audit event carries. */
export function originOf(ctx: Pick<Context, "req">) {
  return { ip: ctx.req.ip, userAgent: ctx.req.userAgent, requestId: ctx.req.requestId };
}
