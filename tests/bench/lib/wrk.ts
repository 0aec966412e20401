/** Runs wrk (Debian's package) with tests/bench/lua/requests.lua and reads its BENCH_RESULT line. */
import { execFileSync, spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const SCRIPT = fileURLToPath(new URL("../lua/requests.lua", import.meta.url));

export interface WrkResult {
  requests: number;
  durationUs: number;
  bytes: number;
  connectErrors: number;
  readErrors: number;
  writeErrors: number;
  /** Answers other than 2xx/3xx. */
  statusErrors: number;
  timeouts: number;
  meanUs: number;
  p50Us: number;
  p90Us: number;
  p99Us: number;
  maxUs: number;
  /** Answered requests that took over 2 s (wrk's own timeouts, at 10 s, are counted apart). */
  over2s: number;
}

export interface RequestLine {
  method: "GET" | "POST";
  path: string;
  body?: unknown;
}

/** Writes the request pool file wrk picks from. */
export function writeRequestFile(file: string, lines: RequestLine[]): string {
  writeFileSync(
    file,
    `${lines.map((l) => [l.method, l.path, l.body === undefined ? "" : JSON.stringify(l.body)].join("\t")).join("\n")}\n`,
  );
  return file;
}

/** Installs wrk with apt when it is missing and we are root (as .ci/run does for Chromium). */
export function ensureWrk(): void {
  try {
    execFileSync("wrk", ["--version"], { stdio: "ignore" });
    return;
  } catch (error) {
    // wrk --version exits 1 after printing its banner: only ENOENT means "not installed".
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") return;
  }
  if (process.getuid?.() !== 0) throw new Error("wrk is not installed: apt-get install -y wrk");
  console.log("installing wrk (apt-get install -y wrk)...");
  execFileSync("sh", ["-c", "apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk"], {
    stdio: "inherit",
  });
}

export interface WrkOptions {
  url: string;
  requestFile: string;
  token?: string;
  orgId?: string;
  connections: number;
  threads?: number;
  seconds: number;
}

export function runWrk(options: WrkOptions): Promise<WrkResult> {
  const args = [
    `-t${options.threads ?? 2}`,
    `-c${options.connections}`,
    `-d${Math.max(1, Math.round(options.seconds))}s`,
    "--timeout",
    "10s",
    "-s",
    SCRIPT,
    options.url,
  ];
  return new Promise((resolve, reject) => {
    const child = spawn("wrk", args, {
      env: {
        ...process.env,
        BENCH_REQUESTS: options.requestFile,
        BENCH_AUTH: options.token ?? "",
        BENCH_ORG: options.orgId ?? "",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    child.stdout.on("data", (c: Buffer) => {
      out += c.toString();
    });
    child.stderr.on("data", (c: Buffer) => {
      out += c.toString();
    });
    const killer = setTimeout(() => child.kill("SIGKILL"), (options.seconds + 30) * 1000);
    child.once("error", reject);
    child.once("exit", (code) => {
      clearTimeout(killer);
      const line = /BENCH_RESULT (\{.*\})/.exec(out)?.[1];
      if (code !== 0 || !line) return reject(new Error(`wrk failed (exit ${code}):\n${out}`));
      resolve(JSON.parse(line) as WrkResult);
    });
  });
}
