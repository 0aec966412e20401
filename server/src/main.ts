/** Server lifecycle: config -> dependencies -> serve -> migrate -> graceful shutdown. */
import { readFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { createApp } from "./app.js";
import type { Config } from "./config.js";
import type { Deps, Readiness } from "./context.js";
import { type Database, openEmbedded, openPostgres } from "./db/database.js";
import { applyPendingMigrations } from "./db/migrator.js";
import { buildDeps } from "./deps.js";
import { listenHttp } from "./http/http-server.js";
import { scheduleMaintenance } from "./jobs/maintenance.js";
import { createLogger, type Logger } from "./lib/logger.js";
import { StartupTimings } from "./lib/startup-timings.js";
import { ensureFirstSuperuser } from "./modules/auth/first-superuser.js";
import { ensureAttackLoaded } from "./modules/mitre/attack-import.service.js";
import { startReportJobs } from "./modules/reports/report-job.js";
import { recordInstallation } from "./modules/system/system.service.js";

export const VERSION: string = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")).version;

export interface RunningServer {
  url: string;
  port: number;
  deps: Deps;
  /** Resolves once start-up migrations are applied. */
  ready: Promise<void>;
  close(): Promise<void>;
}

/** Opens the store named by the config (embedded PGlite folder or PostgreSQL pool). */
export async function openDatabase(config: Config, logger?: Logger): Promise<Database> {
  const store = config.database;
  return store.kind === "embedded"
    ? openEmbedded(store.dir, () =>
        logger?.info({ dir: store.dir }, "embedded database created from the build's snapshot"),
      )
    : openPostgres({ url: store.url, poolSize: store.poolSize, connectTimeoutMs: store.connectTimeoutMs });
}

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms).unref());

/** What start-up does once the schema is current: installation record, keys, first superuser, ATT&CK. */
export async function prepare(deps: Deps, timings?: StartupTimings): Promise<void> {
  await recordInstallation(deps.db, deps.clock);
  timings?.mark("installation");
  await deps.auth.keys.init();
  timings?.mark("keys");
  await ensureFirstSuperuser(deps);
  timings?.mark("superuser");
  await ensureAttackLoaded(deps);
  timings?.mark("attack");
}

/**
 * Applies migrations, retrying with backoff while the database is unreachable: the process
 * stays up (liveness) and reports not-ready until it succeeds.
 */
async function migrateUntilDone(deps: Deps, timings: StartupTimings): Promise<void> {
  const { db, readiness, logger } = deps;
  for (let attempt = 0; !readiness.shuttingDown; attempt++) {
    try {
      const applied = await applyPendingMigrations(db);
      timings.mark("migrations");
      await prepare(deps, timings);
      readiness.migrated = true;
      readiness.migrationError = undefined;
      logger.info({ applied }, applied.length > 0 ? "migrations applied" : "database schema up to date");
      logger.info({ startup: timings.summary() }, "Assay ready");
      return;
    } catch (error) {
      readiness.migrationError = error instanceof Error ? error.message.split("\n")[0] : String(error);
      logger.error({ err: error, attempt }, "migration failed; retrying");
      await delay(Math.min(30_000, 500 * 2 ** attempt));
    }
  }
}

/** Starts Assay; `logger` overrides the JSON logger (tests pass a silent one). */
export async function startServer(config: Config, options: { logger?: Logger } = {}): Promise<RunningServer> {
  const timings = new StartupTimings();
  timings.mark("modules");
  const logger = options.logger ?? createLogger(config.logLevel);
  const db = await openDatabase(config, logger);
  timings.mark("database");
  const readiness: Readiness = { migrated: false, migrationError: undefined, shuttingDown: false };
  const built = await buildDeps({ config, db, logger, readiness, version: VERSION });
  const { deps } = built;
  timings.mark("deps");
  const app = createApp(deps);
  timings.mark("app");
  const server = await listenHttp(app.fetch, { port: config.port, hostname: config.host, limits: config.http });
  timings.mark("listen");
  const port = (server.address() as AddressInfo).port;
  const url = `http://${config.host.includes(":") ? `[${config.host}]` : config.host}:${port}`;
  logger.info({ url, database: db.kind }, "Assay listening");
  let stopCleanup: (() => void) | undefined;
  const ready = migrateUntilDone(deps, timings).then(async () => {
    if (readiness.shuttingDown) return;
    stopCleanup = scheduleMaintenance(deps, config.auth.cleanupIntervalSeconds);
    // Executions: record runner events, reap lost runs, and (without Redis) run jobs here.
    await deps.executions.start(deps);
    // Outbound events: webhook deliveries and notification mails.
    deps.events.start(deps);
    // Reports render on API nodes (they read the database); the queue's close stops this.
    startReportJobs(deps);
  });

  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      readiness.shuttingDown = true;
      stopCleanup?.();
      logger.info("shutting down: no new connections, finishing requests in flight");
      await new Promise<void>((resolve) => {
        // Keep-alive connections go idle as their last response ends; close each one then.
        const sweep = setInterval(() => server.closeIdleConnections(), 100);
        const force = setTimeout(() => {
          clearInterval(sweep);
          server.closeAllConnections();
          resolve();
        }, config.shutdownTimeoutMs);
        force.unref();
        server.close(() => {
          clearTimeout(force);
          clearInterval(sweep);
          resolve();
        });
        server.closeIdleConnections();
      });
      await ready.catch(() => undefined);
      await built.dispose();
      await db.close();
      logger.info("stopped");
    })();
    return closing;
  };
  return { url, port, deps, ready, close };
}
