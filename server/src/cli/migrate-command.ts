import type { Config } from "../config.js";
import { applyPendingMigrations } from "../db/migrator.js";
import { openDatabase } from "../main.js";

/** Applies pending migrations and reports what was applied. */
export async function migrateCommand(config: Config): Promise<void> {
  const db = await openDatabase(config);
  try {
    const applied = await applyPendingMigrations(db);
    console.log(
      applied.length > 0
        ? `Applied ${applied.length} migration(s): ${applied.join(", ")}`
        : "Database schema is up to date.",
    );
  } finally {
    await db.close();
  }
}
