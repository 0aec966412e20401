/** Builds the process-wide dependencies from the configuration (shared by the server and tests). */
import type { Redis } from "ioredis";
import { createAuthRuntime } from "./auth-runtime.js";
import type { Config } from "./config.js";
import type { Deps, Readiness } from "./context.js";
import type { Database } from "./db/database.js";
import { createJobQueues } from "./jobs/create-queues.js";
import { BackgroundWork } from "./lib/background.js";
import { type Clock, randomIds, systemClock } from "./lib/clock.js";
import { loadKeyRing } from "./lib/encryption-key.js";
import type { Logger } from "./lib/logger.js";
import { createMailer } from "./lib/mail/mailer.js";
import { RateLimits } from "./lib/rate-limits.js";
import type { Invalidation } from "./modules/auth/session-guard.js";
import { createExecutionRuntime } from "./modules/executions/execution-runtime.js";
import { createEventRuntime } from "./modules/webhooks/event-runtime.js";

export interface BuiltDeps {
  deps: Deps;
  redis: Redis | undefined;
  /** Closes what the dependencies own besides the database (execution engine, job queue, Redis). */
  dispose(): Promise<void>;
}

const INVALIDATION_CHANNEL = "assay:session-invalidations";

/** Revocations on one instance reach every other instance's session cache through Redis. */
function connectInvalidations(deps: Deps, redis: Redis): Redis {
  // Queued until connected, and re-subscribed by ioredis after a reconnect.
  const subscriber = redis.duplicate({ enableOfflineQueue: true });
  subscriber.on("error", (error) => deps.logger.warn({ err: error }, "redis subscriber error"));
  deps.auth.sessions.connect({
    publish: (message) => {
      redis.publish(INVALIDATION_CHANNEL, JSON.stringify(message)).catch(() => undefined);
    },
    subscribe: (handler) => {
      void subscriber.subscribe(INVALIDATION_CHANNEL).catch(() => undefined);
      subscriber.on("message", (_channel, text: string) => {
        try {
          handler(JSON.parse(text) as Invalidation);
        } catch {
          // Not ours: ignore.
        }
      });
    },
  });
  return subscriber;
}

export async function buildDeps(options: {
  config: Config;
  db: Database;
  logger: Logger;
  readiness: Readiness;
  version: string;
  clock?: Clock;
}): Promise<BuiltDeps> {
  const { config, db, logger } = options;
  const clock = options.clock ?? systemClock;
  // ioredis loads only when Redis is configured.
  const redis = config.redisUrl
    ? new (await import("ioredis")).Redis(config.redisUrl, {
        maxRetriesPerRequest: 1,
        enableOfflineQueue: false,
        lazyConnect: false,
      })
    : undefined;
  // A Redis outage must degrade (memory fallbacks), not crash the process.
  redis?.on("error", (error) => logger.warn({ err: error }, "redis error"));
  const ring = await loadKeyRing(config);
  const queues = await createJobQueues({ redisUrl: config.redisUrl, prefix: config.executions.queuePrefix, logger });
  const background = new BackgroundWork(logger);
  const deps: Deps = {
    config,
    db,
    logger,
    clock,
    ids: randomIds,
    startedAt: clock.now(),
    readiness: options.readiness,
    version: options.version,
    auth: createAuthRuntime(config, db, clock, ring, redis),
    limits: new RateLimits(config.auth.rateLimits, redis),
    mailer: createMailer(db, config.mail, logger, ring),
    background,
    redis,
    queues,
    executions: await createExecutionRuntime(config, queues, logger),
    events: createEventRuntime({ queues, background, clock, ids: randomIds }),
  };
  const subscriber = redis ? connectInvalidations(deps, redis) : undefined;
  return {
    deps,
    redis,
    async dispose() {
      // Work answered for but not done yet (a reset mail) still needs the database and Redis.
      await deps.background.drain();
      await deps.executions.stop();
      // Stopping executions records the ones it ended, announcing them: queue those events too.
      await deps.background.drain();
      await deps.events.stop();
      await queues.close();
      subscriber?.disconnect();
      redis?.disconnect();
    },
  };
}
