/** `assay import atomics` and `assay seed` run as the user runs them: a child process on a data folder. */
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TEST_ENCRYPTION_KEY } from "../test-support/harness.js";
import { ATOMICS_DIR } from "../test-support/reference-data.js";

const SERVER_DIR = fileURLToPath(new URL("../../", import.meta.url));

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

// A clean environment: nothing from the developer's shell (DATABASE_URL...) leaks in.
const cleanEnv = (dataDir: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv => ({
  PATH: process.env.PATH ?? "",
  HOME: process.env.HOME ?? tmpdir(),
  DATA_DIR: dataDir,
  LOG_LEVEL: "silent",
  ENCRYPTION_KEY: TEST_ENCRYPTION_KEY,
  ...extra,
});

function run(file: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<Run> {
  return new Promise((resolve) => {
    execFile(file, args, { cwd, env }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

function assay(args: string[], dataDir: string, extraEnv: Record<string, string> = {}): Promise<Run> {
  return run(process.execPath, ["--import", "tsx", "src/cli.ts", ...args], SERVER_DIR, cleanEnv(dataDir, extraEnv));
}

/** `assay <args>` on a terminal (a pseudo-terminal from script(1)): what a person sees, colours included. */
function assayOnTerminal(args: string[], dataDir: string, extraEnv: Record<string, string> = {}): Promise<Run> {
  const command = [process.execPath, "--import", "tsx", "src/cli.ts", ...args].map((a) => `'${a}'`).join(" ");
  return run("script", ["-qec", command, "/dev/null"], SERVER_DIR, cleanEnv(dataDir, extraEnv));
}

/** Two Atomic Red Team tests of T1082, written here (no shared data needed). */
async function writeAtomics(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  const test = (n: number) => [
    `- name: System info ${n}`,
    `  auto_generated_guid: 8a1f1a4e-4a3c-4d7e-9f1b-00000000000${n}`,
    "  description: Reads what the system is.",
    "  supported_platforms: [linux]",
    "  executor: { name: sh, command: uname -a }",
  ];
  const lines = ["attack_technique: T1082", "display_name: System Information Discovery", "atomic_tests:"];
  await writeFile(join(dir, "T1082.yaml"), [...lines, ...test(1), ...test(2)].join("\n"));
}

const ESC = "\u001b";
/** An SGR sequence (colour or weight): ESC [ ... m. */
const SGR = new RegExp(`${ESC}\\[[0-9;]*m`);

describe("assay import and seed commands", () => {
  let root: string;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), "assay-cli-import-"));
  });
  afterAll(() => rm(root, { recursive: true, force: true }));

  it("import atomics --json prints one JSON line and exits 1 for a broken file, importing the others", async () => {
    const atomics = join(root, "atomics");
    await mkdir(atomics);
    await copyFile(join(ATOMICS_DIR, "T1003.001.yaml"), join(atomics, "T1003.001.yaml"));
    await copyFile(join(ATOMICS_DIR, "T1082.yaml"), join(atomics, "T1082.yaml"));
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

describe("the CLI beside a running server on the embedded database", () => {
  let root: string;
  let server: ChildProcess | undefined;
  const dataDir = () => join(root, "data");
  const atomics = () => join(root, "atomics");

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), "assay-cli-busy-"));
    await writeAtomics(atomics());
  });
  afterAll(async () => {
    server?.kill("SIGKILL");
    await rm(root, { recursive: true, force: true });
  });

  it("refuses with one line saying what holds the database and what to do; exit code 1; nothing written", async () => {
    const child = spawn(process.execPath, ["--import", "tsx", "src/cli.ts", "serve"], {
      cwd: SERVER_DIR,
      env: cleanEnv(dataDir(), { LOG_LEVEL: "info", PORT: "0", HOST: "127.0.0.1" }),
      stdio: ["ignore", "pipe", "pipe"],
    });
    server = child;
    // Ready once start-up (migrations, ATT&CK) is done: it then stops cleanly on SIGTERM.
    await new Promise<void>((resolve, reject) => {
      let seen = "";
      child.stdout?.on("data", (chunk: Buffer) => {
        seen += chunk.toString();
        if (/"msg":"(migrations applied|database schema up to date)"/.test(seen)) resolve();
      });
      child.once("exit", (code) => reject(new Error(`the server exited (${code}) before it was ready:\n${seen}`)));
    });
    expect((await readFile(join(dataDir(), "pglite.lock"), "utf8")).split("\n")).toEqual([
      String(child.pid),
      "serve",
      "",
    ]);

    const direct = await assay(["import", "atomics", atomics()], dataDir());
    expect(direct.code).toBe(1);
    expect(direct.stdout).toBe("");
    const lines = direct.stderr.split("\n").filter((l) => l !== "");
    expect(lines).toEqual([expect.stringContaining(`is in use by a running Assay server (pid ${child.pid}): stop it`)]);
    expect(lines[0]).toContain("DATABASE_URL");

    // Through the root script as documented (pnpm --silent assay ...): the same one line, no pnpm noise.
    const viaPnpm = await run(
      "pnpm",
      ["--silent", "assay", "import", "atomics", atomics()],
      join(SERVER_DIR, ".."),
      cleanEnv(dataDir()),
    );
    expect(viaPnpm.code).toBe(1);
    expect(viaPnpm.stderr.split("\n").filter((l) => l !== "")).toEqual(lines);

    child.kill("SIGTERM");
    await new Promise((resolve) => child.once("exit", resolve));
    server = undefined;
    // Nothing of the refused runs was written: now every test is new.
    const after = await assay(["import", "atomics", atomics(), "--json"], dataDir());
    expect(after.code, after.stderr).toBe(0);
    expect(JSON.parse(after.stdout)).toMatchObject({ tests: 2, added: 2, updated: 0, unchanged: 0 });
  }, 240_000);

  it("colours the summary by meaning on a terminal (headings bold, success green), and not at all with NO_COLOR", async () => {
    const coloured = await assayOnTerminal(["import", "atomics", atomics()], dataDir());
    expect(coloured.code, coloured.stdout).toBe(0);
    expect(coloured.stdout).toContain("\u001b[1madded\u001b[22m");
    expect(coloured.stdout).toMatch(new RegExp(`${ESC}\\[32mDone in [\\d.]+ s\\.${ESC}\\[39m`));
    // Red is for errors only: cli-table3 painted its headings red.
    expect(coloured.stdout).not.toContain("\u001b[31m");

    const plain = await assayOnTerminal(["import", "atomics", atomics()], dataDir(), { NO_COLOR: "1" });
    expect(plain.code, plain.stdout).toBe(0);
    expect(plain.stdout).toMatch(/Atomic Red Team tests/);
    expect(plain.stdout).not.toMatch(SGR);
  }, 240_000);
});
