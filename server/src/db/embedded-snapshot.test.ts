import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type EmbeddedSnapshot, restoreEmbeddedSnapshot } from "./embedded-snapshot.js";
import { readMigrations } from "./migration-files.js";

let root: string;
let migrations: string;
let snapshot: EmbeddedSnapshot;

/** A snapshot folder of two files and a manifest of the migrations in `migrations` (or `listed`). */
async function makeSnapshot(listed?: { name: string; checksum: string }[]): Promise<void> {
  await mkdir(join(snapshot.dir, "base"), { recursive: true });
  await writeFile(join(snapshot.dir, "PG_VERSION"), "17\n");
  await writeFile(join(snapshot.dir, "base", "1"), "pages");
  const onDisk = (await readMigrations(migrations)).map(({ name, checksum }) => ({ name, checksum }));
  await writeFile(snapshot.manifest, JSON.stringify({ migrations: listed ?? onDisk }));
}

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), "assay-snapshot-test-"));
  migrations = join(root, "migrations");
  await mkdir(join(migrations, "20260101000000_init"), { recursive: true });
  await writeFile(join(migrations, "20260101000000_init", "migration.sql"), "CREATE TABLE t (id int);\n");
  snapshot = { dir: join(root, "snapshot"), manifest: join(root, "snapshot.json") };
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe("a fresh embedded database from the build's snapshot", () => {
  it("fills an empty folder with a copy of the snapshot", async () => {
    await makeSnapshot();
    const dir = join(root, "data", "pglite");
    await mkdir(dir, { recursive: true });
    expect(await restoreEmbeddedSnapshot(dir, snapshot, migrations)).toBe(true);
    expect(await readFile(join(dir, "PG_VERSION"), "utf8")).toBe("17\n");
    expect(await readFile(join(dir, "base", "1"), "utf8")).toBe("pages");
    // Nothing of the staging copy is left beside it.
    expect(await readdir(join(root, "data"))).toEqual(["pglite"]);
  });

  it("never touches a folder that holds a database already", async () => {
    await makeSnapshot();
    const dir = join(root, "pglite");
    await mkdir(dir);
    await writeFile(join(dir, "PG_VERSION"), "16\n");
    expect(await restoreEmbeddedSnapshot(dir, snapshot, migrations)).toBe(false);
    expect(await readdir(dir)).toEqual(["PG_VERSION"]);
    expect(await readFile(join(dir, "PG_VERSION"), "utf8")).toBe("16\n");
  });

  it("is not used when its migrations differ from those on disk (a stale build)", async () => {
    const [current] = await readMigrations(migrations);
    await makeSnapshot([{ name: current?.name ?? "", checksum: "an edited migration" }]);
    expect(await restoreEmbeddedSnapshot(join(root, "a"), snapshot, migrations)).toBe(false);
    await makeSnapshot([]);
    expect(await restoreEmbeddedSnapshot(join(root, "b"), snapshot, migrations)).toBe(false);
    expect(await readdir(root)).not.toContain("a");
  });

  it("is not used when there is none (running from the sources)", async () => {
    expect(await restoreEmbeddedSnapshot(join(root, "pglite"), snapshot, migrations)).toBe(false);
  });
});
