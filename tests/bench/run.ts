/**
 * `pnpm bench` (`-- --quick` for a ~2-minute version, `-- --profile` to always profile):
 * sets up its own data, starts the real server with the bench-only "limit" routes
 * (BENCH_ROUTES=true), drives it from wrk, prints a table and writes
 * tests/bench/results/latest.json. On the machine's PostgreSQL when BENCH_DATABASE_URL is
 * set (a scratch database is created there and dropped), else on the embedded database.
 *
 * Every comparison interleaves its arms (A, B, C, then B, C, A...) over several rounds after a
 * warm-up, and reports medians, min-max and the server's CPU time per request
 * (/proc/<pid>/stat utime+stime), which is steadier than req/s on a shared machine.
 */
import { execFileSync, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { cpus, hostname, loadavg, totalmem } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { PGlite } from "@electric-sql/pglite";
import pg from "pg";
import { makeTempDir, useBuiltServer } from "../support/server.js";
import { benchExecutions } from "./executions.js";
import { backendPids, benchIngest, printIngest } from "./ingest.js";
import { login, rest } from "./lib/api.js";
import { type ImportTimings, timeImports } from "./lib/imports.js";
import { type ProfileSummary, summariseProfile } from "./lib/profile.js";
import { timeSearches } from "./lib/search.js";
import { type SeededOrg, type SeedPlan, type Sql, seedActivities, seedThroughApi } from "./lib/seed.js";
import { type BenchServer, SERVER_DIR, startBenchServer } from "./lib/server.js";
import { round, type Spread, spread } from "./lib/stats.js";
import { ensureWrk, type RequestLine, runWrk, type WrkResult, writeRequestFile } from "./lib/wrk.js";
import { benchReports, printReports } from "./reports.js";

const args = process.argv.slice(2).filter((a) => a !== "--");
// Measured the way it runs in production: compiled (`pnpm build`), not through tsx.
useBuiltServer();
const QUICK = args.includes("--quick");
const ALWAYS_PROFILE = args.includes("--profile");
// `--only executions`: just the execution engine's section (6), written to latest-executions.json;
// `--only ingest`: just alert ingestion (7), written to latest-ingest.json;
// `--only reports`: just report generation (8), written to latest-reports.json.
const ONLY = args.includes("--only") ? args[args.indexOf("--only") + 1] : undefined;
// `--only read|write|storm|scale|cold`: one scenario of the main run (1+5, 2, 3, 4 without the cold
// start, the cold start), on the main run's data, written to latest-<name>.json instead of latest.json.
const MAIN_PARTS = ["read", "write", "storm", "scale", "cold"] as const;
const PART = (MAIN_PARTS as readonly string[]).includes(ONLY ?? "") ? ONLY : undefined;
const runs = (part: (typeof MAIN_PARTS)[number]) => PART === undefined || PART === part;
const RESULTS_DIR = fileURLToPath(new URL("./results/", import.meta.url));
const ADMIN = { email: "bench-admin@example.com", password: "bench admin password 2024" };
const STORM_USER = { email: "bench-storm@example.com", password: "bench storm password 2024", name: "Storm" };
const CONNECTIONS = 64;
const STORM_RATE = 20;

const PLAN: SeedPlan = QUICK
  ? { readAssessments: 100, perReadAssessment: 40, writeAssessments: 30, bigActivities: 10_000, tags: 10 }
  : { readAssessments: 300, perReadAssessment: 300, writeAssessments: 50, bigActivities: 10_000, tags: 10 };
const TIMING = QUICK
  ? { warmupSeconds: 2, seconds: 3, rounds: 3, memorySeconds: 4, pageSeconds: 2, coldStarts: 1 }
  : { warmupSeconds: 5, seconds: 10, rounds: 3, memorySeconds: 15, pageSeconds: 5, coldStarts: 3 };

// ---------------------------------------------------------------------------------------------
// Output helpers

const log = (message: string) => console.log(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}`);

interface Target {
  scenario: string;
  figure: string;
  value: number | null;
  unit: string;
  target: string;
  met: boolean | null;
  note?: string;
}
const targets: Target[] = [];
function check(
  scenario: string,
  figure: string,
  value: number | null,
  unit: string,
  op: "<=" | ">=" | "<",
  limit: number,
  note?: string,
) {
  const met = value === null ? null : op === "<=" ? value <= limit : op === ">=" ? value >= limit : value < limit;
  targets.push({
    scenario,
    figure,
    value: value === null ? null : round(value, 3),
    unit,
    target: `${op} ${limit}${unit}`,
    met,
    ...(note ? { note } : {}),
  });
}

// ---------------------------------------------------------------------------------------------
// Arms

interface ArmRun {
  rps: number;
  p50Ms: number;
  p99Ms: number;
  cpuUsPerRequest: number;
  requests: number;
  errors: number;
  /** Requests slower than 2 s: answered after 2 s, or not at all within wrk's 10 s. */
  over2s: number;
}
interface ArmSummary {
  rounds: ArmRun[];
  rps: Spread;
  p50Ms: Spread;
  p99Ms: Spread;
  cpuUsPerRequest: Spread;
  errors: number;
  over2s: number;
}

function summarise(runs: ArmRun[]): ArmSummary {
  return {
    rounds: runs.map((r) => ({
      ...r,
      rps: round(r.rps, 1),
      p50Ms: round(r.p50Ms),
      p99Ms: round(r.p99Ms),
      cpuUsPerRequest: round(r.cpuUsPerRequest, 1),
    })),
    rps: spread(runs.map((r) => r.rps)),
    p50Ms: spread(runs.map((r) => r.p50Ms)),
    p99Ms: spread(runs.map((r) => r.p99Ms)),
    cpuUsPerRequest: spread(runs.map((r) => r.cpuUsPerRequest)),
    errors: runs.reduce((n, r) => n + r.errors, 0),
    over2s: runs.reduce((n, r) => n + r.over2s, 0),
  };
}

function errorsOf(r: WrkResult): number {
  return r.statusErrors + r.connectErrors + r.readErrors + r.writeErrors + r.timeouts;
}

interface Ctx {
  server: BenchServer;
  token: string;
  org: SeededOrg;
  workDir: string;
}

/** The server's RSS after a full collection (POST /bench/gc): what it retains, not when V8 last collected. */
async function settledRss(server: BenchServer): Promise<number> {
  const res = await fetch(`${server.url}/bench/gc`, { method: "POST" });
  if (!res.ok) throw new Error(`POST /bench/gc answered ${res.status}`);
  return server.rssBytes();
}

/** One wrk run against `file`, with the server's CPU time measured around it. */
async function measure(
  ctx: Ctx,
  file: string,
  seconds: number,
  connections = CONNECTIONS,
  during?: () => Promise<unknown>,
): Promise<ArmRun & { wrk: WrkResult }> {
  const cpu0 = ctx.server.cpuMicros();
  const [wrk] = await Promise.all([
    runWrk({ url: ctx.server.url, requestFile: file, token: ctx.token, orgId: ctx.org.orgId, connections, seconds }),
    during?.(),
  ]);
  const cpu = ctx.server.cpuMicros() - cpu0;
  const secs = wrk.durationUs / 1e6;
  return {
    wrk,
    rps: wrk.requests / secs,
    p50Ms: wrk.p50Us / 1000,
    p99Ms: wrk.p99Us / 1000,
    cpuUsPerRequest: cpu / Math.max(1, wrk.requests),
    requests: wrk.requests,
    errors: errorsOf(wrk),
    over2s: wrk.over2s + wrk.timeouts,
  };
}

/** Runs each arm once per round, rotating the order (A B C, B C A, C A B), after a warm-up of each. */
async function interleave(
  ctx: Ctx,
  arms: Record<string, string>,
  options: { seconds: number; rounds: number; warmupSeconds: number; connections?: number },
): Promise<Record<string, ArmSummary>> {
  const names = Object.keys(arms);
  for (const name of names) {
    await measure(ctx, arms[name] as string, options.warmupSeconds, options.connections);
  }
  const runs: Record<string, ArmRun[]> = Object.fromEntries(names.map((n) => [n, []]));
  for (let r = 0; r < options.rounds; r++) {
    const order = names.map((_, i) => names[(i + r) % names.length] as string);
    for (const name of order) {
      const { wrk: _wrk, ...run } = await measure(ctx, arms[name] as string, options.seconds, options.connections);
      runs[name]?.push(run);
      log(
        `  round ${r + 1} ${name.padEnd(8)} ${run.rps.toFixed(0).padStart(6)} req/s  p50 ${run.p50Ms.toFixed(1)} ms  p99 ${run.p99Ms.toFixed(1)} ms  ${run.cpuUsPerRequest.toFixed(0)} µs CPU/req${run.over2s ? `  ${run.over2s} over 2 s` : ""}${run.errors ? `  ${run.errors} ERRORS` : ""}`,
      );
    }
  }
  return Object.fromEntries(names.map((n) => [n, summarise(runs[n] ?? [])]));
}

// ---------------------------------------------------------------------------------------------
// Scenarios

const trpcInput = (input: unknown) => encodeURIComponent(JSON.stringify(input));

function readArms(ctx: Ctx): Record<string, string> {
  const ids = ctx.org.readAssessmentIds;
  const file = (name: string, lines: RequestLine[]) => writeRequestFile(join(ctx.workDir, `${name}.tsv`), lines);
  return {
    trpc: file(
      "read-trpc",
      ids.map((id) => ({
        method: "GET",
        path: `/trpc/activities.list?input=${trpcInput({ assessmentId: id, page: 1, pageSize: 20 })}`,
      })),
    ),
    rest: file(
      "read-rest",
      ids.map((id) => ({ method: "GET", path: `/api/v1/assessments/${id}/activities?page=1&pageSize=20` })),
    ),
    bare: file(
      "read-bare",
      ids.map((id) => ({ method: "GET", path: `/bench/bare/activities?assessmentId=${id}&page=1&pageSize=20` })),
    ),
  };
}

/** The three doors answer the same 20 activities (with technique and tags) before anything is timed. */
async function checkReadDoors(ctx: Ctx): Promise<void> {
  const id = ctx.org.readAssessmentIds[0] as string;
  const headers = { authorization: `Bearer ${ctx.token}`, "x-organization-id": ctx.org.orgId };
  const get = async (path: string) => {
    const res = await fetch(`${ctx.server.url}${path}`, { headers });
    if (res.status !== 200) throw new Error(`${path}: HTTP ${res.status} ${await res.text()}`);
    return res.json() as Promise<unknown>;
  };
  type Page = { data: { id: string; techniques: string[]; tags: unknown[] }[] };
  const trpc = (
    (await get(`/trpc/activities.list?input=${trpcInput({ assessmentId: id, page: 1, pageSize: 20 })}`)) as {
      result: { data: Page };
    }
  ).result.data;
  const restPage = (await get(`/api/v1/assessments/${id}/activities?page=1&pageSize=20`)) as Page;
  const bare = (await get(`/bench/bare/activities?assessmentId=${id}&page=1&pageSize=20`)) as Page;
  const ids = (p: Page) => p.data.map((a) => a.id).join(",");
  if (trpc.data.length !== 20 || ids(trpc) !== ids(restPage) || ids(trpc) !== ids(bare)) {
    throw new Error("the three doors do not answer the same page of 20 activities");
  }
  if (!trpc.data.every((a) => a.techniques.length > 0 && a.tags.length === 2)) {
    throw new Error("seeded activities lack techniques or tags");
  }
  if (JSON.stringify(trpc) !== JSON.stringify(restPage) || JSON.stringify(trpc) !== JSON.stringify(bare)) {
    throw new Error("the three doors answer different bodies for the same page");
  }
}

function writeArms(ctx: Ctx): Record<string, string> {
  const ids = ctx.org.writeAssessmentIds;
  const tagIds = [ctx.org.tagIds[0], ctx.org.tagIds[1]];
  const body = { title: "Bench write", techniques: ["T1059.001"], tagIds };
  const file = (name: string, lines: RequestLine[]) => writeRequestFile(join(ctx.workDir, `${name}.tsv`), lines);
  return {
    trpc: file(
      "write-trpc",
      ids.map((id) => ({ method: "POST", path: "/trpc/activities.create", body: { assessmentId: id, ...body } })),
    ),
    rest: file(
      "write-rest",
      ids.map((id) => ({ method: "POST", path: `/api/v1/assessments/${id}/activities`, body })),
    ),
    bare: file(
      "write-bare",
      ids.map((id) => ({ method: "POST", path: "/bench/bare/activities", body: { assessmentId: id, ...body } })),
    ),
  };
}

interface StormResult {
  sent: number;
  perSecond: number;
  statuses: Record<string, number>;
  p50Ms: number;
  p99Ms: number;
}

function loginStorm(url: string, seconds: number): Promise<StormResult> {
  const script = fileURLToPath(new URL("./login-storm.ts", import.meta.url));
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ["--import", "tsx", script, url, STORM_USER.email, STORM_USER.password, String(STORM_RATE), String(seconds)],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    let out = "";
    child.stdout.on("data", (c: Buffer) => {
      out += c.toString();
    });
    child.stderr.on("data", (c: Buffer) => {
      out += c.toString();
    });
    const killer = setTimeout(() => child.kill("SIGKILL"), (seconds + 30) * 1000);
    child.once("exit", (code) => {
      clearTimeout(killer);
      const line = /STORM_RESULT (\{.*\})/.exec(out)?.[1];
      if (code !== 0 || !line) reject(new Error(`login storm failed (${code}):\n${out}`));
      else resolve(JSON.parse(line) as StormResult);
    });
  });
}

async function timedCalls(url: string, headers: Record<string, string>, count: number) {
  const times: number[] = [];
  let last: { status: number; body: string } = { status: 0, body: "" };
  for (let i = 0; i < count; i++) {
    const t = performance.now();
    const res = await fetch(url, { headers, signal: AbortSignal.timeout(30_000) });
    last = { status: res.status, body: await res.text() };
    times.push(performance.now() - t);
    if (res.status !== 200) break;
  }
  return { times, last };
}

// ---------------------------------------------------------------------------------------------
// Database set-up

interface Store {
  kind: "embedded" | "postgresql";
  dataDir: string;
  env: Record<string, string>;
  /** Bulk SQL on the store while the server is stopped. */
  withSql<T>(work: (sql: Sql) => Promise<T>): Promise<T>;
  /** A second, empty database of the same kind for the import timings. */
  scratch(): Promise<{ target: { dir: string } | { url: string }; drop(): Promise<void> }>;
  drop(): Promise<void>;
}

async function adminSql(adminUrl: string, statement: string) {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

async function openStore(workDir: string): Promise<Store> {
  const adminUrl = process.env.BENCH_DATABASE_URL;
  const dataDir = join(workDir, "data");
  mkdirSync(dataDir, { recursive: true });
  if (!adminUrl) {
    return {
      kind: "embedded",
      dataDir,
      env: {},
      async withSql(work) {
        const db = await PGlite.create({ dataDir: join(dataDir, "pglite") });
        try {
          return await work({ query: (sql, params) => db.query(sql, params) });
        } finally {
          await db.close();
        }
      },
      async scratch() {
        const dir = join(workDir, `scratch-${randomBytes(4).toString("hex")}`);
        return { target: { dir }, drop: async () => rmSync(dir, { recursive: true, force: true }) };
      },
      drop: async () => undefined,
    };
  }
  const urlFor = (name: string) => {
    const url = new URL(adminUrl);
    url.pathname = `/${name}`;
    return url.toString();
  };
  const name = `assay_bench_${randomBytes(6).toString("hex")}`;
  await adminSql(adminUrl, `CREATE DATABASE "${name}"`);
  return {
    kind: "postgresql",
    dataDir,
    env: { DATABASE_URL: urlFor(name) },
    async withSql(work) {
      const client = new pg.Client({ connectionString: urlFor(name) });
      await client.connect();
      try {
        return await work({ query: (sql, params) => client.query(sql, params) });
      } finally {
        await client.end();
      }
    },
    async scratch() {
      const scratchName = `${name}_scratch_${randomBytes(3).toString("hex")}`;
      await adminSql(adminUrl, `CREATE DATABASE "${scratchName}"`);
      return {
        target: { url: urlFor(scratchName) },
        drop: () => adminSql(adminUrl, `DROP DATABASE IF EXISTS "${scratchName}" WITH (FORCE)`),
      };
    },
    drop: () => adminSql(adminUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`),
  };
}

function serverEnv(store: Store, dataDir = store.dataDir): Record<string, string> {
  return {
    // Production refuses BENCH_ROUTES: test mode with production-like quiet settings.
    NODE_ENV: "test",
    LOG_LEVEL: "warn",
    PANEL_ENABLED: "false",
    BENCH_ROUTES: "true",
    DATA_DIR: dataDir,
    ENCRYPTION_KEY: Buffer.alloc(32, 9).toString("base64"),
    FIRST_SUPERUSER_EMAIL: ADMIN.email,
    FIRST_SUPERUSER_PASSWORD: ADMIN.password,
    ACCESS_TOKEN_TTL_SECONDS: "7200",
    // The storm signs one account in 20 times a second: the limits must not turn it into 429s.
    RATE_LIMIT_LOGIN_PER_IP: "1000000/1m",
    RATE_LIMIT_LOGIN_PER_ACCOUNT: "1000000/1m",
    // wrk's 64 readers and the storm's sign-ins (each a client of its own in real life) share
    // 127.0.0.1: the per-address connection cap (128) turned slow sign-ins into 429s.
    MAX_CONNECTIONS_PER_IP: "1024",
    ...store.env,
  };
}

// ---------------------------------------------------------------------------------------------

async function profileReadPath(ctx: Ctx, store: Store, arms: Record<string, string>) {
  const out: Record<string, ProfileSummary> = {};
  const dir = join(ctx.workDir, "profiles");
  for (const arm of ["trpc", "rest", "bare"]) {
    const armDir = join(dir, arm);
    mkdirSync(armDir, { recursive: true });
    const server = await startBenchServer({
      env: serverEnv(store),
      nodeArgs: ["--cpu-prof", "--cpu-prof-dir", armDir],
    });
    try {
      const pctx = { ...ctx, server };
      await measure(pctx, arms[arm] as string, TIMING.warmupSeconds);
      await measure(pctx, arms[arm] as string, TIMING.seconds);
    } finally {
      await server.stop();
    }
    const file = readdirSync(armDir).find((f) => f.endsWith(".cpuprofile"));
    if (!file) throw new Error(`no CPU profile written for ${arm}`);
    out[arm] = summariseProfile(join(armDir, file));
    log(
      `  profiled ${arm}: top ${out[arm]?.byPackage
        .slice(0, 4)
        .map((p) => `${p.name} ${p.percent}%`)
        .join(", ")}`,
    );
  }
  return out;
}

function commitOf(): string {
  try {
    const sha = execFileSync("git", ["rev-parse", "HEAD"], { cwd: SERVER_DIR }).toString().trim();
    const dirty = execFileSync("git", ["status", "--porcelain"], { cwd: SERVER_DIR }).toString().trim() !== "";
    return dirty ? `${sha}+dirty` : sha;
  } catch {
    return "unknown";
  }
}

function fmt(n: number, digits = 0) {
  return Number.isFinite(n) ? n.toFixed(digits) : "-";
}

function printArms(title: string, arms: Record<string, ArmSummary>) {
  console.log(`\n${title}`);
  console.log("  arm       req/s (median, min-max)        p50 ms    p99 ms    CPU µs/req (median, min-max)   errors");
  for (const [name, a] of Object.entries(arms)) {
    console.log(
      `  ${name.padEnd(8)}  ${fmt(a.rps.median).padStart(6)} (${fmt(a.rps.min)}-${fmt(a.rps.max)})`.padEnd(42) +
        `${fmt(a.p50Ms.median, 1).padStart(8)}  ${fmt(a.p99Ms.median, 1).padStart(8)}    ` +
        `${fmt(a.cpuUsPerRequest.median).padStart(6)} (${fmt(a.cpuUsPerRequest.min)}-${fmt(a.cpuUsPerRequest.max)})`.padEnd(
          31,
        ) +
        `${a.errors}`,
    );
  }
}

/** Prints the execution section's figures. */
function printExecutions(executions: Awaited<ReturnType<typeof benchExecutions>>) {
  const { inProcess, bullmq } = executions;
  console.log("\n6. Executions");
  console.log(
    `  BullMQ, ${bullmq.executions} x /bin/true, 2 workers x ${bullmq.workerConcurrency}: ${bullmq.executionsPerSecond} executions/s (starts ${bullmq.startRequestsPerSecond}/s, API node CPU ${bullmq.serverCpuUsPerExecution} µs each), queue-to-start p50 ${bullmq.queueToStartMs.p50} ms / p95 ${bullmq.queueToStartMs.p95} ms; idle queue p50 ${bullmq.idleQueueToStartMs.p50} ms; per worker ${bullmq.perWorker.join(" / ")}`,
  );
  console.log(
    `  in-process start to first streamed byte: p50 ${inProcess.startToFirstByteMs.p50} ms, p95 ${inProcess.startToFirstByteMs.p95} ms`,
  );
  for (const [mode, s] of [
    ["in-process", inProcess.subscribers],
    ["BullMQ", bullmq.subscribers],
  ] as const) {
    console.log(
      `  ${mode}: ${s.complete}/${s.subscribers} subscribers got all ${s.lines} chunks; server CPU ${s.serverCpuMsOneSubscriber} ms (1) vs ${s.serverCpuMsHundredSubscribers} ms (100): ${s.cpuUsPerExtraSubscriber} µs per extra subscriber`,
    );
  }
}

/** Targets of a section run alone, one line each. */
function printSectionTargets() {
  for (const x of targets)
    console.log(`  ${x.met ? "ok    " : "MISSED"} ${x.figure}: ${x.value}${x.unit} (target ${x.target})`);
}

/** Runs `work` on a store of its own (a fresh scratch database, dropped after), so other data does not skew it. */
async function onOwnStore<T>(
  name: string,
  work: (store: Store) => Promise<T>,
): Promise<{ database: string; result: T }> {
  const workDir = await makeTempDir(`assay-bench-${name}-`);
  const store = await openStore(workDir);
  try {
    return { database: store.kind, result: await work(store) };
  } finally {
    await store.drop().catch((error: Error) => log(`could not drop the ${name} database: ${error.message}`));
    rmSync(workDir, { recursive: true, force: true });
  }
}

/** Section 7: alert ingestion. */
const ingestSection = () =>
  onOwnStore("ingest", (store) =>
    benchIngest({
      quick: QUICK,
      log,
      check,
      env: serverEnv(store),
      admin: ADMIN,
      ...(store.kind === "postgresql" ? { backendPids: () => store.withSql(backendPids) } : {}),
    }),
  );

/** Section 8: report generation. */
const reportsSection = () =>
  onOwnStore("reports", (store) =>
    benchReports({
      quick: QUICK,
      log,
      check,
      env: serverEnv(store),
      admin: ADMIN,
      withSql: (work) => store.withSql(work),
    }),
  );

/**
 * `pnpm bench -- --only <name>` for a section on a store of its own: runs it, writes
 * results/latest-<name>.json (commit, machine load before and after, figures, targets), prints it.
 */
async function onlySection<T>(
  name: string,
  what: string,
  run: () => Promise<{ database: string; result: T }>,
  print: (result: T) => void,
) {
  const started = Date.now();
  const load0 = loadavg();
  log(`${what} on the ${process.env.BENCH_DATABASE_URL ? "postgresql" : "embedded"} database`);
  const { database, result } = await run();
  const output = {
    generatedAt: new Date().toISOString(),
    quick: QUICK,
    database,
    machine: {
      cores: cpus().length,
      loadAverageAtStart: load0.map((l) => round(l)),
      loadAverageAtEnd: loadavg().map((l) => round(l)),
    },
    node: process.version,
    commit: commitOf(),
    durationSeconds: Math.round((Date.now() - started) / 1000),
    [name]: result,
    targets,
  };
  mkdirSync(RESULTS_DIR, { recursive: true });
  writeFileSync(join(RESULTS_DIR, `latest-${name}.json`), `${JSON.stringify(output, null, 2)}\n`);
  print(result);
  console.log("\nTargets");
  printSectionTargets();
  console.log(
    `\nload average ${output.machine.loadAverageAtEnd.join(" ")} (${output.machine.cores} cores); results in tests/bench/results/latest-${name}.json`,
  );
}

/** `pnpm bench -- --only executions`: the execution section alone. */
async function onlyExecutions() {
  const started = Date.now();
  const executions = await benchExecutions({ quick: QUICK, log, check });
  const output = {
    generatedAt: new Date().toISOString(),
    quick: QUICK,
    machine: { cores: cpus().length, loadAverageAtEnd: loadavg().map((l) => round(l)) },
    node: process.version,
    commit: commitOf(),
    durationSeconds: Math.round((Date.now() - started) / 1000),
    executions,
    targets,
  };
  mkdirSync(RESULTS_DIR, { recursive: true });
  writeFileSync(join(RESULTS_DIR, "latest-executions.json"), `${JSON.stringify(output, null, 2)}\n`);
  printExecutions(executions);
  printSectionTargets();
}

async function main() {
  if (ONLY === "executions") return onlyExecutions();
  if (ONLY === "ingest") return onlySection("ingest", "alert ingestion", ingestSection, printIngest);
  if (ONLY === "reports") return onlySection("reports", "report generation", reportsSection, printReports);
  ensureWrk();
  const started = Date.now();
  const workDir = await makeTempDir("assay-bench-");
  const store = await openStore(workDir);
  const load0 = loadavg();
  log(
    `${QUICK ? "quick" : "full"} run on the ${store.kind} database (${PLAN.readAssessments * PLAN.perReadAssessment + PLAN.bigActivities} activities), work dir ${workDir}`,
  );
  let server: BenchServer | undefined;
  const results: Record<string, unknown> = {};
  try {
    // --- First start (migrations, bundled ATT&CK, first superuser), then the org through the API.
    server = await startBenchServer({ env: serverEnv(store) });
    const firstStartMs = server.readyMs;
    log(`first start (fresh install) ready in ${fmt(firstStartMs)} ms`);
    const adminToken = await login(server.url, ADMIN.email, ADMIN.password);
    let t = performance.now();
    const org = await seedThroughApi({ url: server.url, token: adminToken }, PLAN);
    await rest({ url: server.url }, "POST", "/auth/register", STORM_USER);
    const apiSeedMs = performance.now() - t;
    await server.stop();

    // --- Bulk SQL while the server is down (the embedded folder has one owner at a time).
    t = performance.now();
    const activities = await store.withSql((sql) => seedActivities(sql, org, PLAN));
    const sqlSeedMs = performance.now() - t;
    log(`seeded ${activities} activities in ${fmt(sqlSeedMs)} ms of SQL (API part ${fmt(apiSeedMs)} ms)`);
    results.seed = { ...PLAN, activities, apiSeedMs: round(apiSeedMs), sqlSeedMs: round(sqlSeedMs) };

    server = await startBenchServer({ env: serverEnv(store) });
    const restartMs = server.readyMs;
    const token = await login(server.url, ADMIN.email, ADMIN.password);
    const ctx: Ctx = { server, token, org, workDir };
    await checkReadDoors(ctx);
    const arms = readArms(ctx);

    // --- 1. Read path vs the limit (+ 5. memory after warm-up / after the scenario).
    if (runs("read")) {
      log("scenario 1: read path (tRPC, REST, bare) at 64 connections");
      for (const file of Object.values(arms)) await measure(ctx, file, TIMING.warmupSeconds);
      const rssAfterWarmup = await settledRss(server);
      const read = await interleave(ctx, arms, { ...TIMING, warmupSeconds: 1 });
      const rssAfterRead = await settledRss(server);
      const bare = read.bare as ArmSummary;
      const ratio = (arm: string, key: "rps" | "cpuUsPerRequest") =>
        (read[arm] as ArmSummary)[key].median / bare[key].median;
      const readResult = {
        connections: CONNECTIONS,
        assessments: org.readAssessmentIds.length,
        pageSize: 20,
        arms: read,
        trpcRatio: round(ratio("trpc", "rps"), 3),
        restRatio: round(ratio("rest", "rps"), 3),
        trpcCpuRatio: round(ratio("trpc", "cpuUsPerRequest"), 3),
        restCpuRatio: round(ratio("rest", "cpuUsPerRequest"), 3),
        trpcP99Ratio: round((read.trpc as ArmSummary).p99Ms.median / bare.p99Ms.median, 3),
        restP99Ratio: round((read.rest as ArmSummary).p99Ms.median / bare.p99Ms.median, 3),
      };
      results.read = readResult;
      check("1 read", "tRPC req/s / bare req/s", readResult.trpcRatio, "x", ">=", 0.75);
      check("1 read", "REST req/s / bare req/s", readResult.restRatio, "x", ">=", 0.7);
      check("1 read", "tRPC p99 / bare p99", readResult.trpcP99Ratio, "x", "<=", 2);
      check("1 read", "REST p99 / bare p99", readResult.restP99Ratio, "x", "<=", 2);
      const slowReads = (read.trpc as ArmSummary).over2s + (read.rest as ArmSummary).over2s;
      check("1 read", "tRPC + REST requests over 2 s", slowReads, "", "<=", 0);
      const readErrors = Object.values(read).reduce((n, a) => n + a.errors, 0);
      check("1 read", "errors (non-2xx, socket)", readErrors, "", "<=", 0);

      // --- 5. Memory: two repeated runs of the read path.
      log("scenario 5: memory across two repeated read runs");
      await measure(ctx, arms.trpc as string, TIMING.memorySeconds);
      const rssRun1 = await settledRss(server);
      await measure(ctx, arms.trpc as string, TIMING.memorySeconds);
      const rssRun2 = await settledRss(server);
      const growth = rssRun2 / rssRun1 - 1;
      const mib = (b: number) => round(b / 1024 / 1024, 1);
      results.memory = {
        rssAfterWarmupMiB: mib(rssAfterWarmup),
        rssAfterScenario1MiB: mib(rssAfterRead),
        rssAfterRepeat1MiB: mib(rssRun1),
        rssAfterRepeat2MiB: mib(rssRun2),
        growthPercent: round(growth * 100, 1),
      };
      check("5 memory", "RSS growth between repeated runs", growth * 100, "%", "<=", 10);
    }

    // --- 3. Login storm: p99 of the tRPC read path alone vs with 20 logins/s.
    if (runs("storm")) {
      log(`scenario 3: tRPC read p99 alone vs with ${STORM_RATE} logins/s`);
      const alone: ArmRun[] = [];
      const storm: ArmRun[] = [];
      const storms: StormResult[] = [];
      for (let r = 0; r < TIMING.rounds; r++) {
        const runAlone = async () => {
          const { wrk: _w, ...run } = await measure(ctx, arms.trpc as string, TIMING.seconds);
          alone.push(run);
          log(`  round ${r + 1} alone   p99 ${run.p99Ms.toFixed(1)} ms, ${run.rps.toFixed(0)} req/s`);
        };
        const runStorm = async () => {
          let result: StormResult | undefined;
          const { wrk: _w, ...run } = await measure(ctx, arms.trpc as string, TIMING.seconds, CONNECTIONS, async () => {
            result = await loginStorm(server?.url ?? "", TIMING.seconds);
          });
          storm.push(run);
          if (result) storms.push(result);
          log(
            `  round ${r + 1} storm   p99 ${run.p99Ms.toFixed(1)} ms, ${run.rps.toFixed(0)} req/s; logins ${JSON.stringify(result?.statuses)} at ${result?.perSecond.toFixed(1)}/s, login p99 ${result?.p99Ms.toFixed(0)} ms`,
          );
        };
        if (r % 2 === 0) {
          await runAlone();
          await runStorm();
        } else {
          await runStorm();
          await runAlone();
        }
      }
      const aloneS = summarise(alone);
      const stormS = summarise(storm);
      const stormRatio = stormS.p99Ms.median / aloneS.p99Ms.median;
      const loginTimeouts = storms.reduce(
        (n, s) => n + Object.entries(s.statuses).reduce((m, [code, c]) => m + (code === "200" ? 0 : c), 0),
        0,
      );
      results.loginStorm = {
        rate: STORM_RATE,
        arms: { alone: aloneS, storm: stormS },
        logins: storms,
        p99Ratio: round(stormRatio, 3),
        stormRatio: round(stormRatio, 3),
        /** Sign-ins that failed (any answer but 200) or timed out (10 s) during the storm. */
        loginTimeouts,
      };
      check("3 login storm", "read p99 with storm / alone", stormRatio, "x", "<", 2);
      check("3 login storm", "sign-ins failed or timed out during the storm", loginTimeouts, "", "<=", 0);
    }

    // --- 4. Scale: page 1 vs page 500, statistics, search.
    const scale: Record<string, unknown> = { activitiesInOrganization: activities };
    if (runs("scale")) {
      log("scenario 4: scale (page 1 vs page 500 of 10,000; statistics; mitre.search)");
      const big = org.bigAssessmentId;
      const pageFile = (page: number) =>
        writeRequestFile(join(workDir, `page-${page}.tsv`), [
          {
            method: "GET",
            path: `/trpc/activities.list?input=${trpcInput({ assessmentId: big, page, pageSize: 20 })}`,
          },
        ]);
      const pages = await interleave(
        ctx,
        { page1: pageFile(1), page500: pageFile(500) },
        { seconds: TIMING.pageSeconds, rounds: TIMING.rounds, warmupSeconds: 1, connections: 8 },
      );
      const pageRatio = (pages.page500 as ArmSummary).p50Ms.median / (pages.page1 as ArmSummary).p50Ms.median;
      const headers = { authorization: `Bearer ${token}`, "x-organization-id": org.orgId };
      const statsUrl = `${server.url}/trpc/statistics.assessment?input=${trpcInput({ assessmentId: big })}`;
      const probe = await timedCalls(statsUrl, headers, 1);
      let statistics: Record<string, unknown>;
      if (probe.last.status === 200) {
        await timedCalls(statsUrl, headers, 3);
        const timed = await timedCalls(statsUrl, headers, QUICK ? 5 : 20);
        const s = spread(timed.times);
        statistics = { available: true, activities: PLAN.bigActivities, ms: s, calls: timed.times.length };
        check("4 scale", "statistics.assessment over 10k activities (median)", s.median, " ms", "<", 100);
      } else {
        statistics = {
          available: false,
          note: "not available: statistics.assessment is not registered (or refused the input)",
          status: probe.last.status,
          answer: probe.last.body.slice(0, 300),
        };
        check("4 scale", "statistics.assessment over 10k activities", null, " ms", "<", 100, "not available");
      }
      check("4 scale", "page 500 p50 / page 1 p50", pageRatio, "x", "<=", 2);
      const search = await timeSearches(server.url, headers, QUICK ? 3 : 10);
      check(
        "4 scale",
        "mitre.search over the full ATT&CK set (median)",
        search.available ? search.ms.median : null,
        " ms",
        "<",
        10,
        search.available ? undefined : "not available",
      );
      Object.assign(scale, {
        pages: { connections: 8, arms: pages, page500Ratio: round(pageRatio, 3) },
        statistics,
        search,
      });
    }
    results.scale = scale;

    // --- 2. Write path (last: it adds rows).
    if (runs("write")) {
      log("scenario 2: write path (create via tRPC, REST, bare INSERT)");
      const writes = await interleave(ctx, writeArms(ctx), { ...TIMING, warmupSeconds: TIMING.warmupSeconds / 2 });
      const wBare = writes.bare as ArmSummary;
      results.write = {
        connections: CONNECTIONS,
        assessments: org.writeAssessmentIds.length,
        arms: writes,
        trpcRatio: round((writes.trpc as ArmSummary).rps.median / wBare.rps.median, 3),
        restRatio: round((writes.rest as ArmSummary).rps.median / wBare.rps.median, 3),
        trpcCpuRatio: round((writes.trpc as ArmSummary).cpuUsPerRequest.median / wBare.cpuUsPerRequest.median, 3),
        restCpuRatio: round((writes.rest as ArmSummary).cpuUsPerRequest.median / wBare.cpuUsPerRequest.median, 3),
      };
      const write = results.write as { trpcRatio: number; restRatio: number; trpcCpuRatio: number };
      check("2 write", "tRPC create req/s / bare INSERT req/s", write.trpcRatio, "x", ">=", 0.5);
      check("2 write", "REST create req/s / bare INSERT req/s", write.restRatio, "x", ">=", 0.5);
      check("2 write", "tRPC create CPU/req / bare CPU/req", write.trpcCpuRatio, "x", "<=", 3);
      const writeErrors = Object.values(writes).reduce((n, a) => n + a.errors, 0);
      check("2 write", "errors (non-2xx, socket)", writeErrors, "", "<=", 0);
    }
    await server.stop();
    server = undefined;

    // --- Profile of scenario 1 when a read target is missed (or when asked).
    const readMissed = targets.some((x) => x.scenario === "1 read" && x.met === false);
    if (runs("read") && (ALWAYS_PROFILE || (readMissed && !QUICK))) {
      log("profiling scenario 1 (node --cpu-prof), one server per arm");
      results.profile = await profileReadPath({ ...ctx }, store, arms);
    }

    // --- 4. Imports and cold start, with no server running.
    if (runs("scale")) {
      log("scenario 4: ATT&CK and Atomic Red Team imports on a fresh database");
      const scratch = await store.scratch();
      let imports: ImportTimings;
      try {
        imports = await timeImports(scratch.target);
      } finally {
        await scratch.drop();
      }
      scale.imports = imports;
      check(
        "4 scale",
        "ATT&CK import of the committed bundle (parse + import)",
        imports.attack.firstMs,
        " ms",
        "<",
        5000,
      );
      check(
        "4 scale",
        `Atomic Red Team import (${imports.atomics.files} files)`,
        imports.atomics.firstMs,
        " ms",
        "<",
        5000,
      );
    }

    if (runs("cold")) {
      log("scenario 4: embedded cold start to the first 200 on /health/ready");
      // On the embedded store: the bench's own folder (100k activities); otherwise a fresh folder.
      let coldDir = store.dataDir;
      const coldEnv = { ...serverEnv(store), DATABASE_URL: "" };
      let freshInstallMs: number | undefined;
      if (store.kind !== "embedded") {
        coldDir = join(workDir, "cold");
        const first = await startBenchServer({ env: { ...coldEnv, DATA_DIR: coldDir } });
        freshInstallMs = first.readyMs;
        await first.stop();
      }
      const colds: number[] = [];
      for (let i = 0; i < TIMING.coldStarts; i++) {
        const s = await startBenchServer({ env: { ...coldEnv, DATA_DIR: coldDir } });
        colds.push(s.readyMs);
        await s.stop();
      }
      const cold = spread(colds);
      scale.coldStart = {
        database: "embedded",
        dataDir: store.kind === "embedded" ? "bench data (seeded)" : "fresh install",
        ms: cold,
        runs: colds.map((c) => round(c)),
        firstStartMs: round(store.kind === "embedded" ? firstStartMs : (freshInstallMs ?? Number.NaN)),
        benchRestartMs: round(restartMs),
      };
      check("4 scale", "embedded cold start to first 200 /health/ready (median)", cold.median, " ms", "<", 1500);
    }
  } finally {
    await server?.stop();
    await store.drop().catch((error: Error) => log(`could not drop the bench database: ${error.message}`));
    rmSync(workDir, { recursive: true, force: true });
  }

  if (PART === undefined) {
    // --- 6. The execution engine (its own servers, workers and Redis keys).
    log("scenario 6: executions");
    results.executions = await benchExecutions({ quick: QUICK, log, check });

    // --- 7. Alert ingestion (its own server and database).
    log("scenario 7: alert ingestion");
    results.ingest = (await ingestSection()).result;

    // --- 8. Report generation (its own server and database).
    log("scenario 8: reports");
    results.reports = (await reportsSection()).result;
  }

  // ---------------------------------------------------------------------------------------------
  const output = {
    generatedAt: new Date().toISOString(),
    quick: QUICK,
    database: store.kind,
    machine: {
      hostname: hostname(),
      cpu: cpus()[0]?.model ?? "unknown",
      cores: cpus().length,
      memoryGiB: round(totalmem() / 1024 ** 3, 1),
      loadAverageAtStart: load0.map((l) => round(l)),
      loadAverageAtEnd: loadavg().map((l) => round(l)),
    },
    node: process.version,
    commit: commitOf(),
    wrk: "wrk 4.1.0 (Debian), 2 threads",
    timing: TIMING,
    durationSeconds: Math.round((Date.now() - started) / 1000),
    ...results,
    targets,
  };
  mkdirSync(RESULTS_DIR, { recursive: true });
  const json = `${JSON.stringify(output, null, 2)}\n`;
  if (PART) {
    writeFileSync(join(RESULTS_DIR, `latest-${PART}.json`), json);
  } else {
    writeFileSync(join(RESULTS_DIR, "latest.json"), json);
    // Also kept per database and length, so a run on one does not hide the last run on the other.
    writeFileSync(join(RESULTS_DIR, `latest-${store.kind}${QUICK ? "-quick" : ""}.json`), json);
  }

  const armsOf = (result: unknown) => (result as { arms: Record<string, ArmSummary> } | undefined)?.arms;
  const sections: [string, Record<string, ArmSummary> | undefined][] = [
    ["1. Read path: list of 20 activities (64 connections, spread over assessments)", armsOf(results.read)],
    ["2. Write path: create one activity", armsOf(results.write)],
    [`3. Login storm: tRPC read alone vs with ${STORM_RATE} logins/s`, armsOf(results.loginStorm)],
    [
      "4. Scale: page 1 vs page 500 of a 10,000-activity assessment (8 connections)",
      armsOf((results.scale as { pages?: unknown } | undefined)?.pages),
    ],
  ];
  for (const [title, arms] of sections) if (arms) printArms(title, arms);
  if (results.executions) printExecutions(results.executions as Awaited<ReturnType<typeof benchExecutions>>);
  if (results.ingest) printIngest(results.ingest as Awaited<ReturnType<typeof benchIngest>>);
  if (results.reports) printReports(results.reports as Awaited<ReturnType<typeof benchReports>>);
  const profile = results.profile as Record<string, ProfileSummary> | undefined;
  if (profile) {
    console.log("\nCPU profile of scenario 1 (self time, share of busy time)");
    for (const [arm, p] of Object.entries(profile)) {
      console.log(
        `  ${arm}: by package: ${p.byPackage
          .slice(0, 8)
          .map((x) => `${x.name} ${x.percent}%`)
          .join(", ")}`,
      );
      for (const f of p.topFunctions.slice(0, 10)) console.log(`      ${String(f.percent).padStart(5)}%  ${f.name}`);
    }
  }
  console.log("\nTargets");
  for (const x of targets) {
    const status = x.met === null ? "n/a   " : x.met ? "ok    " : "MISSED";
    const value = x.value === null ? (x.note ?? "n/a") : `${x.value}${x.unit}`;
    console.log(
      `  ${status} ${x.scenario.padEnd(14)} ${x.figure.padEnd(56)} ${value.padStart(14)}  (target ${x.target})`,
    );
  }
  const missed = targets.filter((x) => x.met === false).length;
  console.log(
    `\n${missed === 0 ? "all targets met" : `${missed} target(s) MISSED`}; results in tests/bench/results/latest${PART ? `-${PART}` : ""}.json (${output.durationSeconds} s)`,
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
