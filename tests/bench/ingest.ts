/**
 * Alert ingestion, section 7 of `pnpm bench` (alone: `pnpm bench -- --only ingest`): 10,000
 * alerts in the five formats (5,000 with --quick) pushed to POST /api/v1/ingest/alerts in
 * requests of 500, against an in-progress "auto" assessment of 1,000 activities:
 * 1. half built to match an activity (its technique and host, 1-60 minutes after red's
 *    execution), half not (a host no activity targets, or a technique none has); sequential;
 * 2. none matching; sequential;
 * 3. as 1, two requests in flight.
 * Reports alerts/s, ms per request and the CPU time per alert of the server and of the
 * PostgreSQL backends serving it, and checks every response's totals against what was built.
 */

import type { Check } from "./executions.js";
import { alertOf, FORMATS } from "./lib/alert-shapes.js";
import { login, mapLimit } from "./lib/api.js";
import { percentile } from "./lib/execution-probes.js";
import { type IngestPlan, seedIngestPlan } from "./lib/ingest-seed.js";
import type { Sql } from "./lib/seed.js";
import { type BenchServer, processCpuMicros, startBenchServer } from "./lib/server.js";
import { round } from "./lib/stats.js";

const ACTIVITIES = 1000;
const BATCH = 500;
const SCENARIO = "7 ingest";

export interface IngestOptions {
  quick: boolean;
  log: (message: string) => void;
  check: Check;
  /** A fresh server's environment on the bench's store (its first superuser is `admin`). */
  env: Record<string, string>;
  admin: { email: string; password: string };
  /** PIDs of the PostgreSQL backends connected to the store (none on the embedded one, which is in-process). */
  backendPids?: () => Promise<number[]>;
}

/** The server's connections to its database, seen from another connection. */
export async function backendPids(sql: Sql): Promise<number[]> {
  const res = (await sql.query(
    "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()",
  )) as { rows: { pid: number }[] };
  return res.rows.map((r) => r.pid);
}

interface Totals {
  received: number;
  stored: number;
  duplicates: number;
  matched: number;
  unmatched: number;
  errors: number;
}
const FIELDS = ["received", "stored", "duplicates", "matched", "unmatched", "errors"] as const;

interface Case {
  name: string;
  /** Every other alert built to match (else none). */
  halfMatching: boolean;
  concurrency: number;
}

/** The alerts of a case, built before the clock starts; `expected` is what the server must answer. */
function buildCase(plan: IngestPlan, prefix: string, count: number, halfMatching: boolean) {
  const acts = plan.activities;
  const alerts: Record<string, unknown>[] = [];
  let hits = 0;
  let misses = 0;
  for (let i = 0; i < count; i++) {
    const hit = halfMatching && i % 2 === 0;
    const n = hit ? hits++ : misses++;
    // A stride coprime with 1,000 walks every activity; the alert comes 1-60 minutes after red's execution.
    const activity = acts[(n * 7) % acts.length] as IngestPlan["activities"][number];
    const time = activity.executedAt + (60 + ((n * 37) % 3541)) * 1000;
    let { host, technique } = activity;
    if (!hit && n % 2 === 0) host = `kiosk-${String(n % 1000).padStart(4, "0")}.guest.example`;
    if (!hit && n % 2 === 1) technique = plan.unknownTechniques[n % plan.unknownTechniques.length] as string;
    const format = FORMATS[i % FORMATS.length] as (typeof FORMATS)[number];
    alerts.push(alertOf({ id: `${prefix}-${i}`, format, time, host, technique }, plan.controlName, n));
  }
  const bodies: string[] = [];
  for (let i = 0; i < alerts.length; i += BATCH) bodies.push(JSON.stringify(alerts.slice(i, i + BATCH)));
  const expected: Totals = {
    received: count,
    stored: count,
    duplicates: 0,
    matched: hits,
    unmatched: misses,
    errors: 0,
  };
  return { bodies, expected };
}

/** CPU time of each listed backend (one that has gone since it was listed is left out). */
function backendCpu(pids: number[]): Map<number, number> {
  const cpu = new Map<number, number>();
  for (const pid of pids) {
    try {
      cpu.set(pid, processCpuMicros(pid));
    } catch {
      // exited
    }
  }
  return cpu;
}

/** CPU the backends spent between two readings; one opened in between counts from zero. */
function backendCpuBetween(before: Map<number, number>, after: Map<number, number>): number {
  let sum = 0;
  for (const [pid, micros] of after) sum += micros - (before.get(pid) ?? 0);
  return sum;
}

async function push(server: BenchServer, key: string, body: string) {
  const t = performance.now();
  const res = await fetch(`${server.url}/api/v1/ingest/alerts`, {
    method: "POST",
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
    body,
    signal: AbortSignal.timeout(300_000),
  });
  const text = await res.text();
  const ms = performance.now() - t;
  if (res.status !== 200) throw new Error(`POST /ingest/alerts: HTTP ${res.status} ${text.slice(0, 500)}`);
  const answer = JSON.parse(text) as Omit<Totals, "errors"> & { errors: { index: number; message: string }[] };
  return { ms, answer };
}

async function runCase(server: BenchServer, plan: IngestPlan, c: Case, count: number, options: IngestOptions) {
  const { bodies, expected } = buildCase(plan, `${c.name}-${Date.now()}`, count, c.halfMatching);
  const got: Totals = { received: 0, stored: 0, duplicates: 0, matched: 0, unmatched: 0, errors: 0 };
  const firstErrors: string[] = [];
  const times: number[] = [];
  const db0 = backendCpu((await options.backendPids?.()) ?? []);
  const cpu0 = server.cpuMicros();
  const t0 = performance.now();
  await mapLimit(bodies, c.concurrency, async (body) => {
    const { ms, answer } = await push(server, plan.key, body);
    times.push(ms);
    for (const f of FIELDS) got[f] += f === "errors" ? answer.errors.length : answer[f];
    for (const e of answer.errors.slice(0, 3 - firstErrors.length)) firstErrors.push(`[${e.index}] ${e.message}`);
  });
  const seconds = (performance.now() - t0) / 1000;
  const serverCpu = server.cpuMicros() - cpu0;
  // Prisma's pool keeps its connections, so the same backends are read before and after.
  const dbCpu = options.backendPids ? backendCpuBetween(db0, backendCpu(await options.backendPids())) : null;
  const differing = FIELDS.filter((f) => got[f] !== expected[f]);
  return {
    alerts: count,
    requests: bodies.length,
    batchSize: BATCH,
    concurrency: c.concurrency,
    seconds: round(seconds),
    alertsPerSecond: round(count / seconds, 1),
    requestMs: { p50: round(percentile(times, 50)), p95: round(percentile(times, 95)), max: round(Math.max(...times)) },
    serverCpuMsPerAlert: round(serverCpu / 1000 / count, 3),
    databaseCpuMsPerAlert: dbCpu === null ? null : round(dbCpu / 1000 / count, 3),
    expected,
    got,
    differing,
    firstErrors,
  };
}

export type IngestCase = Awaited<ReturnType<typeof runCase>>;

/** Runs the section on a fresh server and records its targets with `check`. */
export async function benchIngest(options: IngestOptions) {
  const { log, check } = options;
  const count = options.quick ? 5000 : 10_000;
  const server = await startBenchServer({
    // The bench measures the ingest path, not the per-key limits (120 pushes/min by default).
    env: { ...options.env, RATE_LIMIT_ALERT_INGEST_PER_KEY: "1000000/1m", RATE_LIMIT_API_KEY: "1000000/1m" },
  });
  try {
    const token = await login(server.url, options.admin.email, options.admin.password);
    let t = performance.now();
    const plan = await seedIngestPlan({ url: server.url, token }, ACTIVITIES);
    const setupMs = performance.now() - t;
    log(`ingest: ${ACTIVITIES} activities, assets and red executions through the API in ${setupMs.toFixed(0)} ms`);
    t = performance.now();
    const warmup = await runCase(server, plan, { name: "warmup", halfMatching: true, concurrency: 1 }, BATCH, options);
    log(`ingest: warm-up, ${BATCH} alerts in ${(performance.now() - t).toFixed(0)} ms`);
    const cases: Record<string, IngestCase> = {};
    for (const c of [
      { name: "halfMatching", halfMatching: true, concurrency: 1 },
      { name: "noneMatching", halfMatching: false, concurrency: 1 },
      { name: "halfMatchingTwoInFlight", halfMatching: true, concurrency: 2 },
    ]) {
      const r = await runCase(server, plan, c, count, options);
      cases[c.name] = r;
      log(
        `ingest: ${c.name.padEnd(24)} ${r.alertsPerSecond} alerts/s, request p50 ${r.requestMs.p50} ms / p95 ${r.requestMs.p95} ms, CPU ${r.serverCpuMsPerAlert} ms/alert (server) + ${r.databaseCpuMsPerAlert ?? "-"} (database); matched ${r.got.matched} of ${r.expected.matched}${r.differing.length ? `  MISMATCH: ${r.differing.join(", ")}` : ""}`,
      );
    }
    const half = cases.halfMatching as IngestCase;
    const none = cases.noneMatching as IngestCase;
    const two = cases.halfMatchingTwoInFlight as IngestCase;
    check(
      SCENARIO,
      `alerts/s, half matching (${count / BATCH} x ${BATCH}, sequential)`,
      half.alertsPerSecond,
      " alerts/s",
      ">=",
      2000,
    );
    check(
      SCENARIO,
      `alerts/s, none matching (${count / BATCH} x ${BATCH}, sequential)`,
      none.alertsPerSecond,
      " alerts/s",
      ">=",
      2000,
    );
    check(
      SCENARIO,
      "matched, half matching (alerts built to match)",
      half.got.matched,
      "",
      ">=",
      half.expected.matched,
    );
    check(SCENARIO, "matched, two in flight (alerts built to match)", two.got.matched, "", ">=", two.expected.matched);
    const differing = [half, none, two].reduce((n, r) => n + r.differing.length, 0);
    check(SCENARIO, "response totals differing from expected (3 cases)", differing, "", "<=", 0);
    return {
      activities: ACTIVITIES,
      setupMs: round(setupMs),
      alertsPerSecond: half.alertsPerSecond,
      matchedExpected: half.expected.matched,
      matched: half.got.matched,
      warmup,
      cases,
    };
  } finally {
    await server.stop();
  }
}

/** Prints the section's figures, expected and answered totals side by side. */
export function printIngest(ingest: Awaited<ReturnType<typeof benchIngest>>) {
  console.log(`\n7. Alert ingestion (${ingest.activities} activities, requests of ${BATCH} alerts, five formats)`);
  console.log("  case                      alerts/s   req p50 ms  req p95 ms  CPU ms/alert server  database");
  for (const [name, r] of Object.entries(ingest.cases)) {
    console.log(
      `  ${name.padEnd(24)} ${String(r.alertsPerSecond).padStart(9)} ${String(r.requestMs.p50).padStart(12)} ${String(r.requestMs.p95).padStart(11)} ${String(r.serverCpuMsPerAlert).padStart(20)} ${String(r.databaseCpuMsPerAlert ?? "-").padStart(9)}`,
    );
    const row = (t: Record<string, number>) => FIELDS.map((f) => `${f} ${t[f]}`).join(", ");
    console.log(`      expected: ${row({ ...r.expected })}`);
    console.log(
      `      got:      ${row({ ...r.got })}${r.differing.length ? `   <- MISS (${r.differing.join(", ")})` : ""}`,
    );
    for (const e of r.firstErrors) console.log(`      error ${e}`);
  }
}
