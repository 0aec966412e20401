/**
 * Report generation, section 8 of `pnpm bench` (alone: `pnpm bench -- --only reports`): the
 * default report of an assessment of 2,000 activities (lib/report-seed.ts) as DOCX and as HTML,
 * runs alternated (DOCX, HTML, HTML, DOCX; one each with --quick), medians reported. Per run:
 * wall time from reports.generate to the poll of reports.get that sees it completed (and the
 * server's own createdAt -> completedAt), the server's peak RSS during the job, GET /health
 * every 50 ms meanwhile (the file is written in a worker thread, so the API must keep
 * answering), and the downloaded file checked: a DOCX is a zip ("PK"), the HTML names the
 * assessment and has a section per activity.
 */

import type { Check } from "./executions.js";
import { login, type Session } from "./lib/api.js";
import { percentile } from "./lib/execution-probes.js";
import { peakRssBytes, probeEvery, resetPeakRss, sampleRss } from "./lib/report-probes.js";
import { copyReportModels, REPORT_ASSESSMENT_NAME, seedReportModels } from "./lib/report-seed.js";
import type { Sql } from "./lib/seed.js";
import { type BenchServer, startBenchServer } from "./lib/server.js";
import { median, round } from "./lib/stats.js";

const ACTIVITIES = 2000;
const SCENARIO = "8 reports";
/** Longest one report may take here before the run is called failed (the server's own limit is raised to match). */
const REPORT_DEADLINE_S = 300;
const POLL_MS = 100;
/** The default template's heading of every activity, counted in the HTML. */
const PER_ACTIVITY = "Expectations and outcomes";

export interface ReportsOptions {
  quick: boolean;
  log: (message: string) => void;
  check: Check;
  /** A fresh server's environment on the bench's store (its first superuser is `admin`). */
  env: Record<string, string>;
  admin: { email: string; password: string };
  /** Bulk SQL on the store, called while the server is stopped (the embedded folder has one owner). */
  withSql<T>(work: (sql: Sql) => Promise<T>): Promise<T>;
}

type Format = "docx" | "html";
interface ReportRow {
  status: "pending" | "running" | "completed" | "failed";
  error: string | null;
  sizeBytes: number | null;
  createdAt: string;
  completedAt: string | null;
}

async function trpc<T>(s: Session, name: string, input: unknown, mutation = false): Promise<T> {
  const headers = { authorization: `Bearer ${s.token}`, "x-organization-id": s.orgId ?? "" };
  const res = mutation
    ? await fetch(`${s.url}/trpc/${name}`, {
        method: "POST",
        headers: { ...headers, "content-type": "application/json" },
        body: JSON.stringify(input),
        signal: AbortSignal.timeout(30_000),
      })
    : await fetch(`${s.url}/trpc/${name}?input=${encodeURIComponent(JSON.stringify(input))}`, {
        headers,
        signal: AbortSignal.timeout(30_000),
      });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`${name}: HTTP ${res.status} ${text.slice(0, 500)}`);
  return (JSON.parse(text) as { result: { data: T } }).result.data;
}

/** Polls reports.get until the report is completed or failed (bounded by REPORT_DEADLINE_S). */
async function waitForReport(s: Session, id: string): Promise<ReportRow> {
  const deadline = performance.now() + REPORT_DEADLINE_S * 1000;
  while (performance.now() < deadline) {
    const row = await trpc<ReportRow>(s, "reports.get", { id });
    if (row.status === "completed" || row.status === "failed") return row;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  throw new Error(`report ${id} not finished after ${REPORT_DEADLINE_S} s`);
}

/** What is wrong with a downloaded file, or null when it is what the format promises. */
function fileProblem(format: Format, bytes: Uint8Array, row: ReportRow): { problem: string | null; sections: number } {
  if (row.sizeBytes !== bytes.length)
    return { problem: `${bytes.length} bytes, row says ${row.sizeBytes}`, sections: 0 };
  if (format === "docx") return { problem: bytes[0] === 0x50 && bytes[1] === 0x4b ? null : "not a zip", sections: 0 };
  const html = new TextDecoder().decode(bytes);
  const sections = html.split(PER_ACTIVITY).length - 1;
  if (!html.includes(REPORT_ASSESSMENT_NAME)) return { problem: "assessment name missing", sections };
  return { problem: sections === ACTIVITIES ? null : `${sections} activity sections`, sections };
}

/** One report, generate to download, with the server watched throughout. */
async function runOnce(server: BenchServer, s: Session, assessmentId: string, format: Format) {
  // A full collection first, so each run starts from what the server retains, not from the last run's garbage.
  await fetch(`${server.url}/bench/gc`, { method: "POST" });
  const rssBefore = server.rssBytes();
  const hwmReset = resetPeakRss(server.pid);
  const rss = sampleRss(server.pid);
  const probes = probeEvery(`${server.url}/health`);
  const cpu0 = server.cpuMicros();
  const t0 = performance.now();
  // Failures are held until the watchers are stopped, so none keeps probing after a failed run.
  const done = await trpc<{ id: string }>(s, "reports.generate", { assessmentId, format }, true)
    .then(async ({ id }) => ({ id, row: await waitForReport(s, id) }))
    .catch((error: unknown) => (error instanceof Error ? error : new Error(String(error))));
  const wallMs = performance.now() - t0;
  const cpuMs = (server.cpuMicros() - cpu0) / 1000;
  const sampledMax = rss.stop();
  const probed = await probes.stop();
  if (done instanceof Error) throw done;
  const { id, row } = done;
  if (row.status !== "completed") throw new Error(`${format} report failed: ${row.error}`);
  const hwm = hwmReset ? peakRssBytes(server.pid) : 0;
  const t1 = performance.now();
  const res = await fetch(`${s.url}/api/v1/reports/${id}/download`, {
    headers: { authorization: `Bearer ${s.token}`, "x-organization-id": s.orgId ?? "" },
    signal: AbortSignal.timeout(60_000),
  });
  const bytes = new Uint8Array(await res.arrayBuffer());
  if (res.status !== 200)
    throw new Error(`download: HTTP ${res.status} ${new TextDecoder().decode(bytes.slice(0, 300))}`);
  const { problem, sections } = fileProblem(format, bytes, row);
  const mib = (b: number) => round(b / 1024 / 1024, 1);
  return {
    format,
    seconds: round(wallMs / 1000, 2),
    serverSeconds: row.completedAt ? round((Date.parse(row.completedAt) - Date.parse(row.createdAt)) / 1000, 2) : null,
    serverCpuSeconds: round(cpuMs / 1000, 2),
    rssBeforeMiB: mib(rssBefore),
    peakRssMiB: mib(Math.max(sampledMax, hwm)),
    peakRssSampledMiB: mib(sampledMax),
    peakRssHwmMiB: hwmReset ? mib(hwm) : null,
    probes: probed.times.length,
    probeFailures: probed.failures,
    probeMaxMs: round(Math.max(...probed.times)),
    probeP99Ms: round(percentile(probed.times, 99)),
    probeTimes: probed.times,
    downloadMs: round(performance.now() - t1),
    sizeBytes: bytes.length,
    ...(format === "html" ? { activitySections: sections } : {}),
    problem,
  };
}

type Run = Awaited<ReturnType<typeof runOnce>>;

function summarise(runs: Run[]) {
  return {
    runs: runs.map(({ probeTimes: _t, ...r }) => r),
    seconds: round(median(runs.map((r) => r.seconds)), 2),
    serverSeconds: round(median(runs.map((r) => r.serverSeconds ?? Number.NaN)), 2),
    peakRssMiB: round(median(runs.map((r) => r.peakRssMiB)), 1),
    peakRssMaxMiB: Math.max(...runs.map((r) => r.peakRssMiB)),
    sizeBytes: runs[0]?.sizeBytes ?? 0,
  };
}

/** Seeds, then runs the section on its own server, and records its targets with `check`. */
export async function benchReports(options: ReportsOptions) {
  const { log, check } = options;
  // The server's render limit (120 s by default) raised to the bench's deadline: on a loaded
  // machine a slow report should be a missed target with its time, not a failed run.
  const env = { ...options.env, REPORT_RENDER_TIMEOUT_SECONDS: String(REPORT_DEADLINE_S) };
  let server = await startBenchServer({ env });
  let t = performance.now();
  let seeded: { orgId: string; assessmentId: string };
  try {
    const token = await login(server.url, options.admin.email, options.admin.password);
    seeded = await seedReportModels({ url: server.url, token });
  } finally {
    await server.stop();
  }
  const apiSeedMs = performance.now() - t;
  t = performance.now();
  const activities = await options.withSql((sql) => copyReportModels(sql, seeded.assessmentId, ACTIVITIES));
  const sqlSeedMs = performance.now() - t;
  log(`reports: ${activities} activities (API ${apiSeedMs.toFixed(0)} ms, SQL ${sqlSeedMs.toFixed(0)} ms)`);
  if (activities !== ACTIVITIES) throw new Error(`seeded ${activities} activities, expected ${ACTIVITIES}`);

  server = await startBenchServer({ env });
  try {
    const token = await login(server.url, options.admin.email, options.admin.password);
    const s: Session = { url: server.url, token, orgId: seeded.orgId };
    const order: Format[] = options.quick ? ["docx", "html"] : ["docx", "html", "html", "docx"];
    const runs: Run[] = [];
    for (const format of order) {
      const r = await runOnce(server, s, seeded.assessmentId, format);
      runs.push(r);
      log(
        `reports: ${format.padEnd(4)} ${r.seconds} s (server ${r.serverSeconds} s, CPU ${r.serverCpuSeconds} s), peak RSS ${r.peakRssMiB} MiB (from ${r.rssBeforeMiB}), /health max ${r.probeMaxMs} ms p99 ${r.probeP99Ms} ms over ${r.probes}, ${r.sizeBytes} bytes${r.problem ? `  BAD FILE: ${r.problem}` : ""}`,
      );
    }
    const allProbes = runs.flatMap((r) => r.probeTimes);
    const result = {
      activities,
      apiSeedMs: round(apiSeedMs),
      sqlSeedMs: round(sqlSeedMs),
      docx: summarise(runs.filter((r) => r.format === "docx")),
      html: summarise(runs.filter((r) => r.format === "html")),
      probeMaxMs: round(Math.max(...allProbes)),
      probeP99Ms: round(percentile(allProbes, 99)),
      probes: allProbes.length,
      probeFailures: runs.reduce((n, r) => n + r.probeFailures, 0),
      badFiles: runs.filter((r) => r.problem !== null).length,
    };
    check(SCENARIO, "DOCX, 2,000 activities: generate to completed (median)", result.docx.seconds, " s", "<", 15);
    check(SCENARIO, "HTML, 2,000 activities: generate to completed (median)", result.html.seconds, " s", "<", 5);
    check(SCENARIO, "GET /health every 50 ms while writing: max", result.probeMaxMs, " ms", "<=", 500);
    check(SCENARIO, "GET /health probes failed while writing", result.probeFailures, "", "<=", 0);
    check(SCENARIO, "downloads failing their check (PK / name, 2,000 sections)", result.badFiles, "", "<=", 0);
    return result;
  } finally {
    await server.stop();
  }
}

/** Prints the section's figures. */
export function printReports(reports: Awaited<ReturnType<typeof benchReports>>) {
  console.log(`\n8. Reports (default template, ${reports.activities} activities)`);
  console.log("  format  seconds (median)  server s  peak RSS MiB (median/max)  size bytes");
  for (const format of ["docx", "html"] as const) {
    const f = reports[format];
    console.log(
      `  ${format.padEnd(6)}  ${String(f.seconds).padStart(16)}  ${String(f.serverSeconds).padStart(8)}  ${`${f.peakRssMiB} / ${f.peakRssMaxMiB}`.padStart(25)}  ${String(f.sizeBytes).padStart(10)}`,
    );
  }
  console.log(
    `  GET /health every 50 ms while writing: max ${reports.probeMaxMs} ms, p99 ${reports.probeP99Ms} ms (${reports.probes} probes, ${reports.probeFailures} failed)`,
  );
}
