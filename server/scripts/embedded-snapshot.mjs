/**
 * `pnpm build`, last step: a migrated embedded database that a fresh installation starts from
 * (src/db/embedded-snapshot.ts), in <build>/db/embedded-snapshot/ with a manifest of the
 * migrations it holds. The built server itself (`assay migrate`) makes it in a scratch folder.
 * Each migration's checksum is Prisma's: the SHA-256 of its migration.sql, the figure the server
 * compares with when it decides whether the copy fits.
 *
 * Migrating takes seconds, so the result is kept in node_modules/.cache/ under a key of the
 * migrations and the versions of PGlite and Prisma's schema engine (what the folder's bytes
 * depend on): a rebuild after a code change copies it instead.
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const server = fileURLToPath(new URL("../", import.meta.url));
const migrationsDir = fileURLToPath(new URL("../../prisma/migrations/", import.meta.url));
const cacheDir = join(server, "node_modules", ".cache", "assay-embedded-snapshot");

/** The migrations on disk in apply order, as the server reads them (db/migration-files.ts). */
function migrationsOnDisk() {
  return readdirSync(migrationsDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(migrationsDir, entry.name, "migration.sql")))
    .map((entry) => entry.name)
    .sort()
    .map((name) => {
      const script = readFileSync(join(migrationsDir, name, "migration.sql"), "utf8");
      return { name, checksum: createHash("sha256").update(script).digest("hex") };
    });
}

/** The installed version of `name`, a dependency of the server (linked in its node_modules). */
function versionOf(name) {
  return JSON.parse(readFileSync(join(server, "node_modules", name, "package.json"), "utf8")).version;
}

/** A migrated PGlite folder made by the server built in `out`, moved to `into`. */
function migrate(out, into) {
  const scratch = mkdtempSync(join(tmpdir(), "assay-snapshot-"));
  try {
    // Only what the embedded store needs: no DATABASE_URL (a developer's PostgreSQL), no
    // production settings from the caller's shell.
    execFileSync(process.execPath, [join(out, "cli.js"), "migrate"], {
      cwd: server,
      env: { PATH: process.env.PATH ?? "", HOME: scratch, NODE_ENV: "development", DATA_DIR: scratch },
      stdio: ["ignore", "ignore", "inherit"],
    });
    rmSync(into, { recursive: true, force: true });
    cpSync(join(scratch, "pglite"), `${into}.partial`, { recursive: true });
    renameSync(`${into}.partial`, into);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** Writes db/embedded-snapshot/ and its manifest into the build folder `out` (its cli.js made it). */
export function makeEmbeddedSnapshot(out) {
  const manifest = { migrations: migrationsOnDisk() };
  const key = createHash("sha256")
    .update(JSON.stringify(manifest))
    .update(versionOf("@electric-sql/pglite"))
    .update(versionOf("@prisma/schema-engine-wasm"))
    .digest("hex")
    .slice(0, 16);
  const cached = join(cacheDir, key);
  if (!existsSync(cached)) {
    // One entry is enough: an older one belongs to migrations that are gone.
    rmSync(cacheDir, { recursive: true, force: true });
    migrate(out, cached);
  }
  const target = join(out, "db", "embedded-snapshot");
  cpSync(cached, target, { recursive: true });
  writeFileSync(`${target}.json`, `${JSON.stringify(manifest, null, 1)}\n`);
}
