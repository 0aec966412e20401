/** `assay import atomics` and `assay seed` run as the user runs them: a child process on a data folder. */
import { execFile } from "node:child_process";
import { copyFile, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TEST_ENCRYPTION_KEY } from "../test-support/harness.js";

const SERVER_DIR = fileURLToPath(new URL("../../", import.meta.url));
const SHARED_ATOMICS = fileURLToPath(new URL("../../../../shared/data/atomic-red-team/", import.meta.url));

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function assay(args: string[], dataDir: string): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ["--import", "tsx", "src/cli.ts", ...args],
      {
        cwd: SERVER_DIR,
        // A clean environment: nothing from the developer's shell (DATABASE_URL...) leaks in.
        env: {
          PATH: process.env.PATH ?? "",
          HOME: process.env.HOME ?? tmpdir(),
          DATA_DIR: dataDir,
          LOG_LEVEL: "silent",
          ENCRYPTION_KEY: TEST_ENCRYPTION_KEY,
        },
      },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

describe("assay import and seed commands", () => {
  let root: string;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), "assay-cli-import-"));
  });
  afterAll(() => rm(root, { recursive: true, force: true }));

  it("import atomics --json prints one JSON line and exits 1 for a broken file, importing the others", async () => {
    const atomics = join(root, "atomics");
    await mkdir(atomics);
    await copyFile(join(SHARED_ATOMICS, "T1003.001.yaml"), join(atomics, "T1003.001.yaml"));
    await copyFile(join(SHARED_ATOMICS, "T1082.yaml"), join(atomics, "T1082.yaml"));
    await writeFile(join(atomics, "T1999.yaml"), "attack_technique: T1999\natomic_tests:\n  - name: no guid\n");
    const run = await assay(["import", "atomics", atomics, "--json"], join(root, "data-atomics"));
    expect(run.code, run.stderr).toBe(1);
    const lines = run.stdout.split("\n").filter((l) => l !== "");
    expect(lines).toHaveLength(1);
    const summary = JSON.parse(lines[0] ?? "");
    expect(summary).toMatchObject({ files: 3, updated: 0, unchanged: 0 });
    expect(summary.added).toBeGreaterThan(10);
    expect(summary.added).toBe(summary.tests);
    expect(summary.failed).toEqual([
      { path: join(atomics, "T1999.yaml"), reason: expect.stringContaining("not an Atomic Red Team file") },
    ]);
    expect(run.stderr).toContain("1 item(s) could not be imported");
  }, 120_000);

  it("seed loads the bundled ATT&CK dataset once; the second run finds it unchanged", async () => {
    const dataDir = join(root, "data-seed");
    const first = await assay(["seed", "--json"], dataDir);
    expect(first.code, first.stderr).toBe(0);
    const firstSummary = JSON.parse(first.stdout);
    expect(firstSummary.attack).toMatchObject({ source: "bundled", updated: 0, unchanged: 0, failed: [] });
    expect(firstSummary.attack.byKind.techniques.added).toBe(835);
    expect(firstSummary.atomics).toBeNull();

    const second = await assay(["seed", "--json"], dataDir);
    expect(second.code, second.stderr).toBe(0);
    const summary = JSON.parse(second.stdout);
    expect(summary).toMatchObject({ added: 0, updated: 0, failed: [] });
    expect(summary.attack).toMatchObject({ added: 0, updated: 0, revoked: 0, unchanged: firstSummary.attack.added });
    expect(summary.attack.byKind.techniques).toEqual({ added: 0, updated: 0, unchanged: 835, revoked: 0 });
  }, 180_000);
});
