/**
 * A PostgreSQL cluster and a Redis server of the run's own, in a temporary folder on spare
 * ports, so faults (restarts, kills) never touch the machine's services.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import pg from "pg";
import { freePort } from "../../bench/lib/server.js";
import { makeTempDir } from "../../support/server.js";

function postgresBin(tool: string): string {
  const root = "/usr/lib/postgresql";
  const versions = existsSync(root) ? readdirSync(root).sort((a, b) => Number(b) - Number(a)) : [];
  for (const v of versions) {
    const path = join(root, v, "bin", tool);
    if (existsSync(path)) return path;
  }
  throw new Error(`${tool} not found under ${root}/*/bin (apt-get install postgresql)`);
}

/** initdb and the server refuse to run as root: run them as the postgres account then. */
function asPostgres(command: string, args: string[]): [string, string[]] {
  return process.getuid?.() === 0 ? ["runuser", ["-u", "postgres", "--", command, ...args]] : [command, args];
}

export interface PgCluster {
  port: number;
  /** postgresql://postgres@127.0.0.1:<port>/<database> */
  url(database?: string): string;
  createDatabase(name: string): Promise<string>;
  /** Polls `sql` on one kept connection until it returns a row (or `timeoutMs`); resolves with that row. */
  waitForRow<T extends pg.QueryResultRow>(
    sql: string,
    params: unknown[],
    timeoutMs: number,
    until?: () => boolean,
  ): Promise<T | undefined>;
  query<T extends pg.QueryResultRow>(database: string, sql: string, params?: unknown[]): Promise<T[]>;
  stop(mode?: "fast" | "immediate"): void;
  start(): void;
  restart(): void;
  destroy(): Promise<void>;
}

export async function startPgCluster(): Promise<PgCluster> {
  const dir = await makeTempDir("assay-rel-pg-");
  chmodSync(dir, 0o777);
  const data = join(dir, "data");
  const port = await freePort();
  const pgCtl = postgresBin("pg_ctl");
  const run = (command: string, args: string[]) => {
    const [cmd, argv] = asPostgres(command, args);
    execFileSync(cmd, argv, { stdio: ["ignore", "pipe", "pipe"], timeout: 240_000 });
  };
  run(postgresBin("initdb"), [
    "-D",
    data,
    "-U",
    "postgres",
    "--auth=trust",
    "-E",
    "UTF8",
    "--no-sync",
    "--no-instructions",
  ]);
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200`;
  const start = () =>
    run(pgCtl, ["-D", data, "-o", options, "-l", join(dir, "postgres.log"), "-w", "-t", "180", "start"]);
  const stop = (mode: "fast" | "immediate" = "fast") => run(pgCtl, ["-D", data, "-m", mode, "-w", "-t", "180", "stop"]);
  start();
  const url = (database = "postgres") => `postgresql://postgres@127.0.0.1:${port}/${database}`;
  const query = async <T extends pg.QueryResultRow>(database: string, sql: string, params: unknown[] = []) => {
    const client = new pg.Client({ connectionString: url(database), connectionTimeoutMillis: 5000 });
    await client.connect();
    try {
      return (await client.query<T>(sql, params)).rows;
    } finally {
      await client.end();
    }
  };
  return {
    port,
    url,
    query,
    async createDatabase(name) {
      await query("postgres", `CREATE DATABASE "${name}"`);
      return url(name);
    },
    async waitForRow<T extends pg.QueryResultRow>(
      sql: string,
      params: unknown[],
      timeoutMs: number,
      until?: () => boolean,
    ) {
      const client = new pg.Client({ connectionString: url("postgres") });
      await client.connect();
      try {
        const deadline = Date.now() + timeoutMs;
        while (Date.now() < deadline && !until?.()) {
          const row = (await client.query<T>(sql, params)).rows[0];
          if (row) return row;
        }
        return undefined;
      } finally {
        await client.end();
      }
    },
    stop,
    start,
    restart() {
      stop();
      start();
    },
    async destroy() {
      try {
        stop("immediate");
      } catch {
        // Already stopped.
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface RedisServer {
  port: number;
  url: string;
  /** SIGKILL: an abrupt outage. */
  kill(): Promise<void>;
  start(): Promise<void>;
  keys(pattern: string): string[];
  destroy(): Promise<void>;
}

export async function startRedis(): Promise<RedisServer> {
  const dir = await makeTempDir("assay-rel-redis-");
  mkdirSync(dir, { recursive: true });
  const port = await freePort();
  let child: ChildProcess | undefined;
  const cli = (...args: string[]) =>
    execFileSync("redis-cli", ["-h", "127.0.0.1", "-p", String(port), ...args], { timeout: 5000 }).toString();
  const start = async () => {
    child = spawn(
      "redis-server",
      ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir],
      { stdio: "ignore" },
    );
    // Generous for a loaded machine, bounded so a redis-server that never comes up fails the run.
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      try {
        if (cli("ping").trim() === "PONG") return;
      } catch {
        // Not up yet.
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`redis-server did not answer PING on port ${port} within 60 s`);
  };
  const kill = async () => {
    const c = child;
    if (!c || c.exitCode !== null || c.signalCode !== null) return;
    const exited = new Promise((resolve) => c.once("exit", resolve));
    c.kill("SIGKILL");
    await exited;
  };
  process.once("exit", () => child?.kill("SIGKILL"));
  await start();
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    kill,
    start,
    keys: (pattern) =>
      cli("--scan", "--pattern", pattern)
        .split("\n")
        .filter((k) => k.trim() !== ""),
    async destroy() {
      await kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
