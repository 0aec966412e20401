/**
 * Embedded cold start, phase by phase: `cd tests && npx tsx bench/cold-start.ts [--runs N]`.
 * Starts the BUILT server (run `pnpm build` first; this script builds nothing) N times on an
 * empty DATA_DIR (fresh install: migrations, first superuser, bundled ATT&CK) and N times on
 * that same folder again (restart), interleaved so a busy moment of a shared machine hits both,
 * and prints the median of each phase. The time to ready is measured here (spawn to the first
 * 200 on /health/ready); the phases come from the server's own "Assay ready" log line
 * (server/src/lib/startup-timings.ts). `measureColdStarts` is for the bench to call.
 */
import { existsSync, rmSync } from "node:fs";
import { loadavg } from "node:os";
import { join } from "node:path";
import { makeTempDir, SERVER_DIR } from "../support/server.js";
import { startBenchServer } from "./lib/server.js";
import { median, round } from "./lib/stats.js";

export interface ColdStart {
  /** Spawn to the first 200 on /health/ready, measured by this process. */
  readyMs: number;
  /** CPU time (user + system, every thread) the server used up to that 200. */
  cpuMs: number;
  /** The server's own phase timings (modulesMs, databaseMs, ..., totalMs): wall clock. */
  phases: Record<string, number>;
  /** The same phases in CPU time (steadier than wall time on a shared machine). */
  cpuPhases: Record<string, number>;
}

export interface ColdStartResults {
  fresh: ColdStart[];
  restart: ColdStart[];
  /** Median of every figure, per kind of start. */
  medians: { fresh: Record<string, number>; restart: Record<string, number> };
}

const ENV = {
  NODE_ENV: "test",
  // info: the "Assay ready" line carries the phase timings.
  LOG_LEVEL: "info",
  PANEL_ENABLED: "false",
  ENCRYPTION_KEY: Buffer.alloc(32, 9).toString("base64"),
  FIRST_SUPERUSER_EMAIL: "cold-start@example.com",
  FIRST_SUPERUSER_PASSWORD: "cold start password 2024",
  DATABASE_URL: "",
};

interface StartupLine {
  startup: { wall: Record<string, number>; cpu: Record<string, number> };
}

/** The phases the server logged in its "Assay ready" line. */
function readPhases(output: string): StartupLine["startup"] {
  for (const line of output.split("\n")) {
    if (!line.includes('"Assay ready"')) continue;
    return (JSON.parse(line) as StartupLine).startup;
  }
  throw new Error(`no "Assay ready" line in the server's output:\n${output.slice(-3000)}`);
}

async function coldStart(dataDir: string): Promise<ColdStart> {
  const server = await startBenchServer({ env: { ...ENV, DATA_DIR: dataDir } });
  try {
    const cpuMs = server.cpuMicros() / 1000;
    // The ready line is written just before readiness flips; give the pipe a moment to deliver it.
    await new Promise((resolve) => setTimeout(resolve, 50));
    const { wall, cpu } = readPhases(server.output());
    return { readyMs: server.readyMs, cpuMs, phases: wall, cpuPhases: cpu };
  } finally {
    await server.stop();
  }
}

function medians(starts: ColdStart[]): Record<string, number> {
  const names = [...new Set(starts.flatMap((s) => Object.keys(s.phases)))];
  const out: Record<string, number> = {
    readyMs: round(median(starts.map((s) => s.readyMs)), 0),
    cpuMs: round(median(starts.map((s) => s.cpuMs)), 0),
  };
  for (const name of names) {
    out[name] = round(median(starts.map((s) => s.phases[name] ?? 0)), 0);
    out[`cpu.${name}`] = round(median(starts.map((s) => s.cpuPhases[name] ?? 0)), 0);
  }
  return out;
}

/** Runs `runs` fresh installs and `runs` restarts of the built server, interleaved. */
export async function measureColdStarts(runs: number, log: (line: string) => void = () => undefined) {
  if (!existsSync(join(SERVER_DIR, "dist", "cli.js"))) throw new Error("no server build: run `pnpm build` first");
  process.env.ASSAY_SERVER_BUILD = "dist";
  // startBenchServer adds an exit listener per server (to kill it if this process dies first).
  process.setMaxListeners(Math.max(process.getMaxListeners(), 2 * runs + 10));
  const results: ColdStartResults = { fresh: [], restart: [], medians: { fresh: {}, restart: {} } };
  for (let i = 0; i < runs; i++) {
    const dir = await makeTempDir("assay-cold-");
    try {
      const fresh = await coldStart(dir);
      results.fresh.push(fresh);
      const restart = await coldStart(dir);
      results.restart.push(restart);
      log(`run ${i + 1}/${runs}: fresh ${round(fresh.readyMs, 0)} ms, restart ${round(restart.readyMs, 0)} ms`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  results.medians = { fresh: medians(results.fresh), restart: medians(results.restart) };
  return results;
}

function printTable(results: ColdStartResults): void {
  const { fresh, restart } = results.medians;
  const names = [...new Set([...Object.keys(restart), ...Object.keys(fresh)])].filter((n) => !n.startsWith("cpu."));
  const head = ["restart", "(cpu)", "fresh", "(cpu)"].map((h) => h.padStart(9)).join("");
  console.log(`${"median ms".padEnd(18)}${head}`);
  for (const name of names) {
    const cells = [restart[name], restart[`cpu.${name}`], fresh[name], fresh[`cpu.${name}`]];
    console.log(`${name.padEnd(18)}${cells.map((v) => (v === undefined ? "" : String(v)).padStart(9)).join("")}`);
  }
}

if (process.argv[1]?.endsWith("cold-start.ts")) {
  const at = process.argv.indexOf("--runs");
  const runs = at > 0 ? Number(process.argv[at + 1]) : 5;
  const load = () =>
    loadavg()
      .map((l) => l.toFixed(2))
      .join(" ");
  console.log(`cold start of ${join(SERVER_DIR, "dist", "cli.js")}, ${runs} runs; load average ${load()}`);
  const results = await measureColdStarts(runs, (line) => console.log(line));
  printTable(results);
  console.log(`load average after: ${load()}`);
}
