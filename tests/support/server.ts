/**
 * Starts the real Assay server (`assay serve`, through tsx or the build) as a child process on a random
 * port and a temporary DATA_DIR, reads its pino JSON log lines, and stops it with SIGTERM.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import pg from "pg";

/** server/ of this repository, found from this file (tsx resolves from its node_modules). */
export const SERVER_DIR = fileURLToPath(new URL("../../server/", import.meta.url));
const CLI = join(SERVER_DIR, "src", "cli.ts");

/**
 * The node arguments that run `assay`: the compiled build (`server/dist/cli.js`, made by
 * `pnpm build`, what `pnpm start` runs) when ASSAY_SERVER_BUILD=dist, else the sources
 * through tsx. The black-box suite (support/global-setup.ts), the bench and the reliability
 * runs build first and use the build.
 */
export function assayCommand(): string[] {
  return process.env.ASSAY_SERVER_BUILD === "dist" ? [join(SERVER_DIR, "dist", "cli.js")] : ["--import", "tsx", CLI];
}

/**
 * Builds the server (`pnpm build`: turbo, which skips the work when no input changed) and has
 * every server started from now on run the build.
 */
export function useBuiltServer(): void {
  execFileSync("pnpm", ["build", "--output-logs=errors-only"], {
    cwd: join(SERVER_DIR, ".."),
    stdio: ["ignore", "ignore", "inherit"],
  });
  process.env.ASSAY_SERVER_BUILD = "dist";
}
/**
 * How long a server may take to log "Assay listening", and then to answer /health/ready 200:
 * generous, because a loaded 2-core machine is slower, not broken (about 5 s when quiet);
 * bounded, so a server that never comes up fails with its last output instead of hanging.
 * ASSAY_TEST_START_TIMEOUT_MS overrides it.
 */
export const START_TIMEOUT_MS = Number(process.env.ASSAY_TEST_START_TIMEOUT_MS) || 180_000;
const KILL_AFTER_MS = 10_000;
/** Output lines quoted when a server fails to start: the end says why. */
const TAIL_LINES = 40;

/** Variables the server's config reads; the parent's values must not leak into a test server. */
const CONFIG_VARS = [
  "NODE_ENV",
  "PORT",
  "HOST",
  "DATA_DIR",
  "DATABASE_URL",
  "DATABASE_POOL_SIZE",
  "DATABASE_CONNECT_TIMEOUT_MS",
  "REDIS_URL",
  "LOG_LEVEL",
  "FIRST_SUPERUSER_EMAIL",
  "FIRST_SUPERUSER_PASSWORD",
  "CORS_ORIGINS",
  "BODY_LIMIT_BYTES",
  "PANEL_ENABLED",
  "DOCS_ENABLED",
  "SHUTDOWN_TIMEOUT_MS",
  "PUBLIC_URL",
  "INIT_CWD",
];

export interface LogLine {
  msg?: string;
  level?: number;
  [key: string]: unknown;
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface StartOptions {
  /** Extra environment; wins over the defaults (NODE_ENV=test, LOG_LEVEL=info...). */
  env?: Record<string, string>;
  /** Use this folder as DATA_DIR and leave it in place on stop (the caller removes it). */
  dataDir?: string;
}

export interface TestServer {
  url: string;
  dataDir: string;
  child: ChildProcess;
  /** Every stdout line that parsed as JSON, in order. */
  logs: LogLine[];
  /** Resolves when the process has exited, with its code or signal. */
  exited: Promise<Exit>;
  /** Raw stdout and stderr so far, for failure messages. */
  output(): string;
  /** Resolves with the first log line (already seen or yet to come) matching `test`. */
  waitForLog(test: (line: LogLine) => boolean, timeoutMs?: number): Promise<LogLine>;
  /** SIGTERM, then SIGKILL after 10 s; removes the temp DATA_DIR it created. Idempotent. */
  stop(): Promise<Exit>;
}

/** A fresh temporary folder; remove it with `removeDir`. */
export function makeTempDir(prefix = "assay-test-"): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix));
}

/** Removes a data folder and, in a PostgreSQL run, the database that stood for it. */
export async function removeDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
  const admin = process.env.TEST_DATABASE_URL;
  if (admin) await adminQuery(admin, `DROP DATABASE IF EXISTS "${databaseFor(dir)}" WITH (FORCE)`);
}

// With TEST_DATABASE_URL, servers run on PostgreSQL: one database per data folder, so a
// restart on the same folder finds the same data, as it would on the embedded store.
function databaseFor(dataDir: string): string {
  return `assay_bb_${createHash("sha256").update(dataDir).digest("hex").slice(0, 16)}`;
}

async function adminQuery(adminUrl: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

async function postgresUrlFor(dataDir: string, adminUrl: string): Promise<string> {
  const name = databaseFor(dataDir);
  await adminQuery(adminUrl, `CREATE DATABASE "${name}"`).catch((error: { code?: string }) => {
    if (error.code !== "42P04") throw error; // Already there: a restart on the same folder.
  });
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

const live = new Set<ChildProcess>();
// Never leave a server behind if the test process dies before its afterAll runs.
process.once("exit", () => {
  for (const child of live) child.kill("SIGKILL");
});

/** Spawns `assay serve` and resolves once it logged "Assay listening" with its url. */
export async function startServer(options: StartOptions = {}): Promise<TestServer> {
  const ownsDir = options.dataDir === undefined;
  const dataDir = options.dataDir ?? (await makeTempDir());
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of CONFIG_VARS) delete env[name];
  Object.assign(env, { PORT: "0", HOST: "127.0.0.1", DATA_DIR: dataDir, NODE_ENV: "test", LOG_LEVEL: "info" });
  Object.assign(env, options.env);
  const adminUrl = process.env.TEST_DATABASE_URL;
  if (adminUrl && options.env?.DATABASE_URL === undefined) env.DATABASE_URL = await postgresUrlFor(dataDir, adminUrl);

  const child = spawn(process.execPath, [...assayCommand(), "serve"], {
    cwd: SERVER_DIR,
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  live.add(child);
  let raw = "";
  const logs: LogLine[] = [];
  const watchers = new Set<(line: LogLine) => void>();
  const exited = new Promise<Exit>((resolve) => {
    child.once("exit", (code, signal) => {
      live.delete(child);
      resolve({ code, signal });
    });
  });
  child.stderr?.on("data", (chunk: Buffer) => {
    raw += chunk.toString();
  });
  createInterface({ input: child.stdout as NodeJS.ReadableStream }).on("line", (text) => {
    raw += `${text}\n`;
    let line: LogLine;
    try {
      line = JSON.parse(text) as LogLine;
    } catch {
      return;
    }
    logs.push(line);
    for (const watch of watchers) watch(line);
  });

  const output = () => raw;
  const tail = () => lastLines(raw, TAIL_LINES);
  const waitForLog = (test: (line: LogLine) => boolean, timeoutMs = START_TIMEOUT_MS) => {
    const seen = logs.find(test);
    if (seen) return Promise.resolve(seen);
    return new Promise<LogLine>((resolve, reject) => {
      const done = (error: Error | undefined, line?: LogLine) => {
        clearTimeout(timer);
        watchers.delete(watch);
        if (line) resolve(line);
        else reject(error);
      };
      const watch = (line: LogLine) => {
        if (test(line)) done(undefined, line);
      };
      const timer = setTimeout(
        () => done(new Error(`log line not seen in ${timeoutMs} ms; the server's last output:\n${tail()}`)),
        timeoutMs,
      );
      watchers.add(watch);
      void exited.then(({ code, signal }) =>
        setImmediate(() =>
          done(
            new Error(`server exited (${signal ?? `code ${code}`}) before the log line; its last output:\n${tail()}`),
          ),
        ),
      );
    });
  };

  let stopping: Promise<Exit> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill("SIGTERM");
        const timer = setTimeout(() => child.kill("SIGKILL"), KILL_AFTER_MS);
        await exited;
        clearTimeout(timer);
      }
      if (ownsDir) await removeDir(dataDir);
      return exited;
    })();
    return stopping;
  };

  try {
    const listening = await waitForLog((line) => line.msg === "Assay listening", START_TIMEOUT_MS).catch(
      (error: Error) => {
        throw new Error(`Assay did not start (no "Assay listening" log line): ${error.message}`);
      },
    );
    if (typeof listening.url !== "string") throw new Error(`"Assay listening" without a url:\n${tail()}`);
    return { url: listening.url, dataDir, child, logs, exited, output, waitForLog, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Polls GET /health/ready until it answers 200 (START_TIMEOUT_MS by default). */
export async function waitUntilReady(url: string, timeoutMs = START_TIMEOUT_MS): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = "no answer";
  while (Date.now() < deadline) {
    try {
      const res = await fetch(`${url}/health/ready`);
      last = `${res.status} ${await res.text()}`;
      if (res.status === 200) return;
    } catch (error) {
      last = String(error);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${url}/health/ready not 200 within ${timeoutMs} ms; last: ${last}`);
}

/** Starts a server and waits until it is ready. */
export async function startReadyServer(options: StartOptions = {}): Promise<TestServer> {
  const server = await startServer(options);
  try {
    await waitUntilReady(server.url);
  } catch (error) {
    await server.stop();
    throw new Error(
      `${(error as Error).message}\nThe server's last output:\n${lastLines(server.output(), TAIL_LINES)}`,
    );
  }
  return server;
}

/** The last `count` lines of a process's output. */
function lastLines(text: string, count: number): string {
  const lines = text.trimEnd().split("\n");
  const shown = lines.slice(-count).join("\n");
  return lines.length > count ? `[... ${lines.length - count} earlier lines]\n${shown}` : shown || "(no output)";
}
