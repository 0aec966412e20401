/**
 * The stock Prisma CLI, offline: its schema engine is Assay's Wasm-backed stand-in
 * (bin/schema-engine, set in prisma.config.ts), so no engine download is attempted.
 */
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEmptyDatabase } from "../test-support/test-database.js";
import type { Database } from "./database.js";
import { readMigrations } from "./migration-files.js";
import type { PatchedPgFactory } from "./upstream-fixes.js";

const run = promisify(execFile);
const serverDir = fileURLToPath(new URL("../../", import.meta.url));
const prisma = (args: string[], env: Record<string, string> = {}) =>
  run(`${serverDir}node_modules/.bin/prisma`, args, {
    cwd: serverDir,
    env: { ...process.env, ...env, PRISMA_HIDE_UPDATE_MESSAGE: "1" },
    timeout: 60_000,
  });

describe("stock prisma CLI over the Wasm engine stand-in", () => {
  it("reports the pinned engine build for --version", async () => {
    const { stdout } = await run(`${serverDir}bin/schema-engine`, ["--version"]);
    expect(stdout.trim()).toBe("schema-engine-cli 0edf323efd1d98336f3f0a68684b56f689b900d3");
  });

  it("prints the SQL of the schema with `migrate diff`", async () => {
    const { stdout } = await prisma(["migrate", "diff", "--from-empty", "--to-schema", "../prisma/schema", "--script"]);
    expect(stdout).toContain('CREATE TABLE "system_settings"');
  });

  describe.runIf(process.env.TEST_DATABASE_URL)("against PostgreSQL", () => {
    let db: Database;
    let url: string;
    beforeAll(async () => {
      db = await createEmptyDatabase();
      url = (db.factory as PatchedPgFactory).pool.options.connectionString ?? "";
    });
    afterAll(() => db.close());

    it("applies migrations with `migrate deploy` and then finds nothing pending", async () => {
      await prisma(["migrate", "deploy"], { DATABASE_URL: url });
      const rows = await db.query<{ migration_name: string }>("SELECT migration_name FROM _prisma_migrations");
      expect(rows.map((r) => r.migration_name).sort()).toEqual((await readMigrations()).map((m) => m.name));
      const { stdout } = await prisma(["migrate", "status"], { DATABASE_URL: url });
      expect(stdout).toContain("Database schema is up to date");
    });
  });
});
