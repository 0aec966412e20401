/** Runs a CLI command with the server's dependencies on a migrated database, then closes them. */
import type { Config } from "../config.js";
import type { Deps } from "../context.js";
import { applyPendingMigrations } from "../db/migrator.js";
import { buildDeps } from "../deps.js";
import { createLogger } from "../lib/logger.js";
import { openDatabase, prepare, VERSION } from "../main.js";

export async function withDeps<T>(config: Config, work: (deps: Deps) => Promise<T>): Promise<T> {
  const db = await openDatabase(config);
  try {
    await applyPendingMigrations(db);
    const readiness = { migrated: true, migrationError: undefined, shuttingDown: false };
    const logger = createLogger(config.logLevel === "info" ? "warn" : config.logLevel, process.stderr);
    const built = await buildDeps({ config, db, logger, readiness, version: VERSION });
    try {
      await prepare(built.deps);
      return await work(built.deps);
    } finally {
      await built.dispose();
    }
  } finally {
    await db.close();
  }
}
