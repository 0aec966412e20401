/**
 * Applying and creating migrations with Prisma's own engine (Wasm build, in-process), so the
 * `_prisma_migrations` table stays the one a native `prisma migrate deploy` would keep.
 */
import { existsSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import type { DiffTarget } from "@prisma/schema-engine-wasm";
import type { Database } from "./database.js";
import {
  LOCKFILE_CONTENT,
  MIGRATIONS_DIR,
  type MigrationOnDisk,
  migrationFolderName,
  readMigrations,
  readSchemaFiles,
  SCHEMA_DIR,
  toMigrationList,
} from "./migration-files.js";
import { engineCall, type SchemaFile, startSchemaEngine } from "./schema-engine.js";
import { PatchedPGliteFactory } from "./upstream-fixes.js";

/** Advisory-lock key shared by every Assay process migrating one database ("assay-mig"). */
export const MIGRATION_LOCK_KEY = 0x61737361;
const NO_FILTERS = { externalTables: [], externalEnums: [] };

interface AppliedRow {
  migration_name: string;
  checksum: string;
}

/** True when every migration on disk is recorded as applied with the same checksum. */
async function everyMigrationApplied(db: Database, migrations: MigrationOnDisk[]): Promise<boolean> {
  const table = await db.query<{ exists: boolean }>("SELECT to_regclass('_prisma_migrations') IS NOT NULL AS exists");
  if (!table[0]?.exists) return migrations.length === 0;
  const rows = await db.query<AppliedRow>(
    "SELECT migration_name, checksum FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL",
  );
  const applied = new Map(rows.map((r) => [r.migration_name, r.checksum]));
  return migrations.every((m) => applied.get(m.name) === m.checksum);
}

/**
 * Applies pending migrations under a database-wide lock and returns their names. When the
 * table already lists every migration (the usual restart), the engine is not even loaded.
 */
export async function applyPendingMigrations(
  db: Database,
  dir = MIGRATIONS_DIR,
  schemaDir = SCHEMA_DIR,
): Promise<string[]> {
  const migrations = await readMigrations(dir);
  if (await everyMigrationApplied(db, migrations)) return [];
  return db.withAdvisoryLock(MIGRATION_LOCK_KEY, async () => {
    const connection = db.openMigrationFactory();
    try {
      const engine = await startSchemaEngine(connection.factory, await readSchemaFiles(schemaDir));
      try {
        const out = await engineCall(() =>
          engine.applyMigrations({ migrationsList: toMigrationList(migrations, dir), filters: NO_FILTERS }),
        );
        return out.appliedMigrationNames;
      } finally {
        engine.free();
      }
    } finally {
      await connection.close();
    }
  });
}

/** Runs a script diff from `from` to the schema files; null when there is nothing to do. */
async function diffToSchema(
  engine: Awaited<ReturnType<typeof startSchemaEngine>>,
  from: DiffTarget,
  schemaFiles: SchemaFile[],
): Promise<string | null> {
  const result = await engineCall(() =>
    engine.diff({
      from,
      to: { tag: "schemaDatamodel", files: schemaFiles },
      script: true,
      exitCode: null,
      filters: NO_FILTERS,
    }),
  );
  const script = result.stdout ?? "";
  return script.includes("-- This is an empty migration.") || script.trim() === "" ? null : script;
}

/** The SQL that takes the migrations folder to the schema, computed on an in-memory shadow database. */
export async function diffMigrationsToSchema(dir = MIGRATIONS_DIR, schemaDir = SCHEMA_DIR): Promise<string | null> {
  const scratch = new PGlite();
  try {
    const schemaFiles = await readSchemaFiles(schemaDir);
    const migrations = await readMigrations(dir);
    const engine = await startSchemaEngine(new PatchedPGliteFactory(scratch), schemaFiles);
    try {
      return await diffToSchema(engine, { tag: "migrations", ...toMigrationList(migrations, dir) }, schemaFiles);
    } finally {
      engine.free();
    }
  } finally {
    await scratch.close();
  }
}

/** The SQL that takes the live database to the schema (empty when there is no drift). */
export async function diffDatabaseToSchema(db: Database): Promise<string | null> {
  const schemaFiles = await readSchemaFiles();
  const connection = db.openMigrationFactory();
  const engine = await startSchemaEngine(connection.factory, schemaFiles);
  try {
    const live: DiffTarget = { tag: "schemaDatasource", files: schemaFiles, configDir: MIGRATIONS_DIR };
    return await diffToSchema(engine, live, schemaFiles);
  } finally {
    engine.free();
    await connection.close();
  }
}

export interface CreatedMigration {
  name: string;
  path: string;
  script: string;
}

/**
 * Writes a new migration folder holding the SQL from the current migrations to the schema.
 * Returns undefined when the schema has no changes. Needs no database: the history is
 * replayed on an in-memory shadow database.
 */
export async function createMigration(
  name: string,
  { now = new Date(), dir = MIGRATIONS_DIR, schemaDir = SCHEMA_DIR } = {},
): Promise<CreatedMigration | undefined> {
  const script = await diffMigrationsToSchema(dir, schemaDir);
  if (script === null) return undefined;
  const folder = migrationFolderName(name, now);
  const path = join(dir, folder, "migration.sql");
  await mkdir(join(dir, folder), { recursive: true });
  await writeFile(path, script);
  const lockfile = join(dir, "migration_lock.toml");
  if (!existsSync(lockfile)) await writeFile(lockfile, LOCKFILE_CONTENT);
  return { name: folder, path, script };
}
