import { cp, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createEmptyDatabase } from "../test-support/test-database.js";
import type { Database } from "./database.js";
import { MIGRATIONS_DIR, readMigrations, SCHEMA_DIR } from "./migration-files.js";
import { applyPendingMigrations, createMigration, diffDatabaseToSchema, diffMigrationsToSchema } from "./migrator.js";

const opened: Database[] = [];
async function emptyDb(): Promise<Database> {
  const db = await createEmptyDatabase();
  opened.push(db);
  return db;
}
afterEach(async () => {
  await Promise.all(opened.splice(0).map((db) => db.close()));
});

describe("migrations", () => {
  it("apply in full to an empty database and leave no drift from the schema", async () => {
    const db = await emptyDb();
    const applied = await applyPendingMigrations(db);
    expect(applied).toEqual((await readMigrations()).map((m) => m.name));
    expect(await diffDatabaseToSchema(db)).toBeNull();
    const rows = await db.query<{ migration_name: string }>(
      "SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL ORDER BY migration_name",
    );
    expect(rows.map((r) => r.migration_name)).toEqual(applied);
  });

  it("are complete: the committed migrations produce exactly the committed schema", async () => {
    // Fails when someone edits prisma/schema and forgets `pnpm db:migration <name>`.
    expect(await diffMigrationsToSchema()).toBeNull();
  });

  it("apply nothing the second time", async () => {
    const db = await emptyDb();
    await applyPendingMigrations(db);
    expect(await applyPendingMigrations(db)).toEqual([]);
  });

  it.runIf(process.env.TEST_DATABASE_URL)("apply once when two processes start together", async () => {
    const db = await emptyDb();
    const { openPostgres } = await import("./database.js");
    const url = (db.factory as unknown as { pool: { options: { connectionString: string } } }).pool.options
      .connectionString;
    const second = openPostgres({ url, poolSize: 2, connectTimeoutMs: 5000 });
    opened.push(second);
    const [a, b] = await Promise.all([applyPendingMigrations(db), applyPendingMigrations(second)]);
    expect([...a, ...b].sort()).toEqual((await readMigrations()).map((m) => m.name));
  });
});

describe("a failing migration", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "assay-migrations-"));
    await cp(MIGRATIONS_DIR, dir, { recursive: true });
    await cp(join(dir, (await readdir(dir)).find((n) => /^\d/.test(n)) ?? ""), join(dir, "29990101000000_broken"), {
      recursive: true,
    });
    await writeFile(
      join(dir, "29990101000000_broken", "migration.sql"),
      "CREATE TABLE ok_then (id int);\nSELECT * FROM no_such_table;\n",
    );
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it("is reported and never recorded as applied", async () => {
    const db = await emptyDb();
    await expect(applyPendingMigrations(db, dir)).rejects.toThrow(/no_such_table/);
    const rows = await db.query<{ migration_name: string; finished_at: Date | null }>(
      "SELECT migration_name, finished_at FROM _prisma_migrations WHERE migration_name = '29990101000000_broken'",
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]?.finished_at).toBeNull();
  });
});

describe("createMigration", () => {
  let workspace: string;
  beforeAll(async () => {
    workspace = await mkdtemp(join(tmpdir(), "assay-schema-"));
    await cp(MIGRATIONS_DIR, join(workspace, "migrations"), { recursive: true });
    await cp(SCHEMA_DIR, join(workspace, "schema"), { recursive: true });
  });
  afterAll(() => rm(workspace, { recursive: true, force: true }));

  it("writes nothing when the schema has not changed", async () => {
    const options = { dir: join(workspace, "migrations"), schemaDir: join(workspace, "schema") };
    expect(await createMigration("nothing", options)).toBeUndefined();
  });

  it("writes a timestamped migration for a schema change, which then applies cleanly", async () => {
    const options = {
      dir: join(workspace, "migrations"),
      schemaDir: join(workspace, "schema"),
      now: new Date("2030-05-06T07:08:09Z"),
    };
    await writeFile(
      join(options.schemaDir, "widgets.prisma"),
      'model Widget {\n  id String @id\n  label String\n\n  @@map("widgets")\n}\n',
    );
    const created = await createMigration("Add widgets!", options);
    expect(created?.name).toBe("20300506070809_add_widgets");
    const sql = await readFile(created?.path ?? "", "utf8");
    expect(sql).toContain('CREATE TABLE "widgets"');
    const db = await emptyDb();
    const applied = await applyPendingMigrations(db, options.dir, options.schemaDir);
    expect(applied).toContain("20300506070809_add_widgets");
    expect(await db.query("SELECT * FROM widgets")).toEqual([]);
  });
});
