/**
 * A fresh, migrated database per test file. By default an in-memory PGlite loaded from a
 * migrated snapshot (built once per set of migrations and cached in the temp folder); with
 * TEST_DATABASE_URL, a PostgreSQL database cloned from a migrated template database.
 */
import { createHash, randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import pg from "pg";
import { type Database, openPostgres, wrapPGlite } from "../db/database.js";
import { readMigrations } from "../db/migration-files.js";
import { applyPendingMigrations, MIGRATION_LOCK_KEY } from "../db/migrator.js";

/** Identifies the migration set, so a schema change invalidates cached snapshots and templates. */
async function migrationsFingerprint(): Promise<string> {
  const hash = createHash("sha256");
  for (const m of await readMigrations()) hash.update(`${m.name}:${m.checksum}\n`);
  return hash.digest("hex").slice(0, 16);
}

async function migratedSnapshot(): Promise<Blob> {
  const dir = join(tmpdir(), "assay-test-snapshots");
  const file = join(dir, `${await migrationsFingerprint()}.tar.gz`);
  if (!existsSync(file)) {
    const pglite = await PGlite.create();
    const db = wrapPGlite(pglite);
    await applyPendingMigrations(db);
    const dump = await pglite.dumpDataDir("gzip");
    await mkdir(dir, { recursive: true });
    // Write then rename, so parallel test workers never read a half-written snapshot.
    const partial = `${file}.${randomUUID()}.tmp`;
    await writeFile(partial, Buffer.from(await dump.arrayBuffer()));
    await rename(partial, file);
    await db.close();
  }
  return new Blob([await readFile(file)]);
}

async function postgresTestDatabase(adminUrl: string, options: { migrated: boolean }): Promise<Database> {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    const template = `assay_template_${await migrationsFingerprint()}`;
    // One worker builds the template; the others wait on the lock and then find it ready.
    await admin.query("SELECT pg_advisory_lock($1)", [MIGRATION_LOCK_KEY + 1]);
    try {
      const exists = await admin.query("SELECT 1 FROM pg_database WHERE datname = $1", [template]);
      if (exists.rowCount === 0) {
        await admin.query(`CREATE DATABASE "${template}"`);
        const templateDb = openPostgres({ url: withDatabase(adminUrl, template), poolSize: 2, connectTimeoutMs: 5000 });
        try {
          await applyPendingMigrations(templateDb);
        } finally {
          await templateDb.close();
        }
      }
    } finally {
      await admin.query("SELECT pg_advisory_unlock($1)", [MIGRATION_LOCK_KEY + 1]);
    }
    const name = `assay_test_${randomUUID().replaceAll("-", "").slice(0, 20)}`;
    await admin.query(`CREATE DATABASE "${name}" TEMPLATE "${options.migrated ? template : "template0"}"`);
    const db = openPostgres({ url: withDatabase(adminUrl, name), poolSize: 5, connectTimeoutMs: 5000 });
    return {
      ...db,
      async close() {
        await db.close();
        const dropper = new pg.Client({ connectionString: adminUrl });
        await dropper.connect();
        await dropper.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
        await dropper.end();
      },
    };
  } finally {
    await admin.end();
  }
}

/** The URL of database `name` on the server of `url`. */
export function withDatabase(url: string, name: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${name}`;
  return parsed.toString();
}

/** A new migrated database for one test file; close() discards it. */
export async function createTestDatabase(env: Record<string, string | undefined> = process.env): Promise<Database> {
  const url = env.TEST_DATABASE_URL;
  if (url) return postgresTestDatabase(url, { migrated: true });
  return wrapPGlite(await PGlite.create({ loadDataDir: await migratedSnapshot() }));
}

/** A new database with nothing in it, for migration tests; close() discards it. */
export async function createEmptyDatabase(env: Record<string, string | undefined> = process.env): Promise<Database> {
  const url = env.TEST_DATABASE_URL;
  if (url) return postgresTestDatabase(url, { migrated: false });
  return wrapPGlite(await PGlite.create());
}
