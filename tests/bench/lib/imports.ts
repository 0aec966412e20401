/**
 * Scenario 4's import timings, calling the importers of server/src/modules/mitre and
 * server/src/modules/atomics in this process on a fresh migrated database. The server's
 * modules are loaded by path at run time (through tsx), so the tests package does not
 * type-check the server's sources; the few signatures used are declared here.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { gunzipSync } from "node:zlib";
import { SERVER_DIR } from "./server.js";

/** The public data sets committed with the repository (reference-data/README.md). */
export const REFERENCE_DATA = join(SERVER_DIR, "..", "reference-data");
export const ATTACK_BUNDLE = join(REFERENCE_DATA, "attack", "enterprise-attack-18.1.json.gz");
export const ATOMICS_DIR = join(REFERENCE_DATA, "atomic-red-team");

interface Database {
  prisma: unknown;
  query<T>(sql: string, params?: unknown[]): Promise<T[]>;
  close(): Promise<void>;
}
interface Counts {
  added: number;
  updated: number;
  unchanged: number;
}
interface ServerModules {
  openEmbedded(dir: string): Promise<Database>;
  openPostgres(options: { url: string; poolSize: number; connectTimeoutMs: number }): Database;
  applyPendingMigrations(db: Database): Promise<string[]>;
  parseAttackBundle(json: unknown, options: { sourceName: string }): unknown;
  importAttack(db: Database, parsed: unknown, source: string, options: { now: Date }): Promise<Counts>;
  parseAtomicFolder(dir: string): Promise<{ files: number; tests: unknown[] }>;
  importAtomics(db: Database, parsed: unknown, options: { now: Date }): Promise<Counts & { failed: unknown[] }>;
}

async function load(): Promise<ServerModules> {
  const from = async (path: string) => (await import(pathToFileURL(join(SERVER_DIR, "src", path)).href)) as object;
  return Object.assign(
    {},
    await from("db/database.ts"),
    await from("db/migrator.ts"),
    await from("modules/mitre/stix-bundle.ts"),
    await from("modules/mitre/attack-import.service.ts"),
    await from("modules/atomics/atomic-yaml.ts"),
    await from("modules/atomics/atomics-import.service.ts"),
  ) as ServerModules;
}

export interface ImportTimings {
  database: "embedded" | "postgresql";
  migrateMs: number;
  attack: { firstMs: number; parseMs: number; reimportMs: number; added: number; unchanged: number };
  atomics: { firstMs: number; files: number; tests: number; added: number; failed: number };
}

/** Times both imports on a fresh database: PGlite in `dir`, or PostgreSQL at `url`. */
export async function timeImports(target: { dir: string } | { url: string }): Promise<ImportTimings> {
  const m = await load();
  const db =
    "url" in target
      ? m.openPostgres({ url: target.url, poolSize: 4, connectTimeoutMs: 5000 })
      : await m.openEmbedded(target.dir);
  try {
    let t = performance.now();
    await m.applyPendingMigrations(db);
    const migrateMs = performance.now() - t;

    t = performance.now();
    // Decompression counts as parsing: a downloaded bundle would be read as plain JSON instead.
    const parsed = m.parseAttackBundle(JSON.parse(gunzipSync(await readFile(ATTACK_BUNDLE)).toString("utf8")), {
      sourceName: "enterprise-attack-18.1.json",
    });
    const parseMs = performance.now() - t;
    const first = await m.importAttack(db, parsed, "enterprise-attack-18.1.json", { now: new Date() });
    const firstMs = performance.now() - t;
    t = performance.now();
    const again = await m.importAttack(db, parsed, "enterprise-attack-18.1.json", { now: new Date() });
    const reimportMs = performance.now() - t;

    t = performance.now();
    const folder = await m.parseAtomicFolder(ATOMICS_DIR);
    const atomics = await m.importAtomics(db, folder, { now: new Date() });
    const atomicsMs = performance.now() - t;
    return {
      database: "url" in target ? "postgresql" : "embedded",
      migrateMs,
      attack: { firstMs, parseMs, reimportMs, added: first.added, unchanged: again.unchanged },
      atomics: {
        firstMs: atomicsMs,
        files: folder.files,
        tests: folder.tests.length,
        added: atomics.added,
        failed: atomics.failed.length,
      },
    };
  } finally {
    await db.close();
  }
}
