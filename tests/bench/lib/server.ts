/**
 * Starts the real server (`assay serve`, the build when the bench made one, like tests/support/server.ts) for
 * measurements: quiet logs (LOG_LEVEL=warn, so no line per request), a port picked up front
 * (there is no "listening" line to read it from), and the process's CPU time and RSS read
 * from /proc.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { createServer } from "node:net";
import { assayCommand, SERVER_DIR } from "../../support/server.js";

export { SERVER_DIR };

const CLOCK_TICKS_PER_SECOND = 100; // getconf CLK_TCK on Linux

export interface BenchServer {
  url: string;
  pid: number;
  child: ChildProcess;
  /** Milliseconds from spawn to the first 200 on /health/ready. */
  readyMs: number;
  /** user + system CPU time of the whole process (every thread), in microseconds. */
  cpuMicros(): number;
  /** Resident set size in bytes. */
  rssBytes(): number;
  output(): string;
  stop(): Promise<void>;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      const port = typeof address === "object" && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

/** utime + stime of `pid` (all threads) in microseconds, from /proc/<pid>/stat. */
export function processCpuMicros(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  // Fields after the command name (which may hold spaces) start at ") ".
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  return ((utime + stime) * 1_000_000) / CLOCK_TICKS_PER_SECOND;
}

export function processRssBytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = /VmRSS:\s+(\d+) kB/.exec(status)?.[1];
  return Number(kb ?? 0) * 1024;
}

export interface StartOptions {
  env: Record<string, string>;
  /** Extra node flags (e.g. --cpu-prof). */
  nodeArgs?: string[];
  readyTimeoutMs?: number;
}

/** Spawns the server and resolves once /health/ready answers 200. */
export async function startBenchServer(options: StartOptions): Promise<BenchServer> {
  const port = await freePort();
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    TMPDIR: process.env.TMPDIR,
    PORT: String(port),
    HOST: "127.0.0.1",
    ...options.env,
  };
  for (const key of Object.keys(env)) if (env[key] === undefined) delete env[key];
  const url = `http://127.0.0.1:${port}`;
  const started = performance.now();
  // --expose-gc: POST /bench/gc collects before memory is read.
  const child = spawn(process.execPath, ["--expose-gc", ...(options.nodeArgs ?? []), ...assayCommand(), "serve"], {
    cwd: SERVER_DIR,
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let raw = "";
  const keep = (chunk: Buffer) => {
    raw = (raw + chunk.toString()).slice(-20_000);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  let dead = false;
  void exited.then(() => {
    dead = true;
  });
  const pid = child.pid ?? 0;

  const stop = async () => {
    if (dead) return;
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
    await exited;
    clearTimeout(timer);
  };
  process.once("exit", () => {
    if (!dead) child.kill("SIGKILL");
  });

  const deadline = Date.now() + (options.readyTimeoutMs ?? 180_000);
  for (;;) {
    if (dead) throw new Error(`server exited before it was ready:\n${raw}`);
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`server not ready in time:\n${raw}`);
    }
    const status = await fetch(`${url}/health/ready`, { signal: AbortSignal.timeout(2000) })
      .then((res) => res.status)
      .catch(() => 0);
    if (status === 200) break;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const readyMs = performance.now() - started;
  return {
    url,
    pid,
    child,
    readyMs,
    cpuMicros: () => processCpuMicros(pid),
    rssBytes: () => processRssBytes(pid),
    output: () => raw,
    stop,
  };
}
