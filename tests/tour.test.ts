/**
 * The README's guided tour, run verbatim against real servers: the numbered curl session
 * (```sh tour blocks, one bash script with BASE pointing at the server) and the same session
 * through @assay/client (the ```ts tour block, type-checked, then run with tsx). Each ends by
 * printing the assessment's outcome statistics, which must show the one activity prevented.
 */
import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readTour, type Tour } from "./support/readme-tour.js";
import { startReadyServer, type TestServer } from "./support/server.js";

const TESTS_DIR = fileURLToPath(new URL(".", import.meta.url));
const ROOT_DIR = join(TESTS_DIR, "..");
const RUN_TIMEOUT_MS = 180_000;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function run(command: string, args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv }): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      command,
      args,
      { cwd: options.cwd, env: { ...process.env, ...options.env }, timeout: RUN_TIMEOUT_MS, maxBuffer: 16 << 20 },
      (error, stdout, stderr) => {
        resolve({ code: error ? (typeof error.code === "number" ? error.code : 1) : 0, stdout, stderr });
      },
    );
  });
}

/** The last line a tour printed, as JSON: the outcome statistics of its assessment. */
function finalStatistics(result: Run): unknown {
  const context = `exit ${result.code}\nstdout:\n${result.stdout}\nstderr:\n${result.stderr}`;
  expect(result.code, context).toBe(0);
  const last = result.stdout.trim().split("\n").at(-1) ?? "";
  try {
    return JSON.parse(last);
  } catch {
    throw new Error(`the tour's last line is not JSON: ${last}\n${context}`);
  }
}

/** What one activity that red ran, blue prevented and the lead evaluated adds up to. */
const ONE_PREVENTED_ACTIVITY = {
  activities: 1,
  observed: 1,
  outcomes: { prevented: 1, blocked: 0, alerted: 0, logged: 0, not_detected: 0 },
  detected: 1,
  preventionRate: 1,
  detectionRate: 1,
  score: 100,
};

describe("README guided tour", () => {
  let tour: Tour;
  let servers: TestServer[] = [];
  beforeAll(() => {
    tour = readTour();
  });
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.stop()));
    servers = [];
  });
  const start = async () => {
    const server = await startReadyServer({ env: tour.serverEnv });
    servers.push(server);
    return server;
  };

  it("starts the server as the first superuser and plays the session in numbered curl steps", () => {
    expect(tour.serverEnv).toMatchObject({ FIRST_SUPERUSER_EMAIL: expect.any(String) });
    expect(tour.serverEnv.FIRST_SUPERUSER_PASSWORD?.length).toBeGreaterThanOrEqual(12);
    expect(tour.shellSteps).toBeGreaterThanOrEqual(8);
  });

  it("curl: runs verbatim in bash and ends with the assessment's statistics", async () => {
    const server = await start();
    const work = await mkdtemp(join(tmpdir(), "assay-tour-sh-"));
    try {
      const result = await run("bash", ["-euo", "pipefail", "-c", tour.shell], {
        cwd: work,
        env: { BASE: server.url },
      });
      expect(finalStatistics(result)).toMatchObject(ONE_PREVENTED_ACTIVITY);
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  });

  it("@assay/client: type-checks, runs with tsx and ends with the same statistics", async () => {
    const server = await start();
    // Inside tests/ so that `@assay/client` resolves as it does for any workspace package.
    const work = await mkdtemp(join(TESTS_DIR, ".tour-"));
    try {
      await writeFile(join(work, "tour.ts"), tour.client);
      await writeFile(
        join(work, "tsconfig.json"),
        JSON.stringify({
          extends: "../tsconfig.json",
          compilerOptions: { rootDir: "." },
          include: ["tour.ts"],
          exclude: [],
        }),
      );
      const typecheck = await run("pnpm", ["exec", "tsc", "--noEmit", "-p", join(work, "tsconfig.json")], {
        cwd: ROOT_DIR,
      });
      expect(typecheck.code, `${typecheck.stdout}${typecheck.stderr}`).toBe(0);
      const result = await run(process.execPath, ["--import", "tsx", "tour.ts"], {
        cwd: work,
        env: { BASE: server.url },
      });
      expect(finalStatistics(result)).toMatchObject(ONE_PREVENTED_ACTIVITY);
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  });
});
