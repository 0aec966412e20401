/**
 * Integration-test harness: a fresh migrated database, the real dependencies, a tRPC caller
 * and the Hono app (for in-process HTTP requests through every middleware).
 */
import { type Config, loadConfig } from "../config.js";
import { type Context, createRequestContext, type Deps } from "../context.js";
import { createTestDatabase } from "../db/test-database.js";
import { createApp } from "../http/app.js";
import { randomIds, systemClock } from "../lib/clock.js";
import { createLogger } from "../lib/logger.js";
import { createCallerFactory } from "../trpc/init.js";
import { appRouter } from "../trpc/router.js";

const createCaller = createCallerFactory(appRouter);

export interface Harness {
  deps: Deps;
  /** A tRPC caller acting as an anonymous client from 127.0.0.1. */
  caller(overrides?: Partial<Context["req"]>): ReturnType<typeof createCaller>;
  app: ReturnType<typeof createApp>;
  close(): Promise<void>;
}

/** Builds the harness; `env` overrides configuration variables. */
export async function createHarness(env: Record<string, string> = {}): Promise<Harness> {
  const config: Config = loadConfig({ NODE_ENV: "test", LOG_LEVEL: "silent", DATA_DIR: "/tmp/assay-unused", ...env });
  const db = await createTestDatabase();
  const deps: Deps = {
    config,
    db,
    logger: createLogger("silent"),
    clock: systemClock,
    ids: randomIds,
    startedAt: new Date(),
    readiness: { migrated: true, migrationError: undefined, shuttingDown: false },
    version: "0.0.0-test",
  };
  return {
    deps,
    caller: (overrides = {}) =>
      createCaller(
        createRequestContext(deps, {
          requestId: "test-request",
          ip: "127.0.0.1",
          userAgent: "vitest",
          headers: new Headers(),
          ...overrides,
        }),
      ),
    app: createApp(deps),
    close: () => db.close(),
  };
}
