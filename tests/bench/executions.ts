/**
 * The execution engine's section of `pnpm bench` (alone: `pnpm bench -- --only executions`):
 * 1. BullMQ: 1,000 executions of /bin/true (200 with --quick) through one API node and two
 *    `assay worker` processes on the machine's Redis: executions per second and queue-to-start
 *    latency (createdAt -> startedAt) under that backlog, plus one at a time on an idle queue.
 * 2. In-process (no Redis): start request to first streamed output byte, p50 (target < 50 ms).
 * 3. 100 concurrent SSE subscribers of one execution, in both modes: each must receive every
 *    chunk in order; the server's CPU time per extra subscriber is reported.
 * Every server is a fresh install on the embedded database.
 */
import { randomUUID } from "node:crypto";
import { rmSync } from "node:fs";
import { dropKeys, REDIS_URL, startWorker, type WorkerProcess } from "../execution-nodes.js";
import { makeTempDir } from "../support/server.js";
import { login, mapLimit, rest, type Session } from "./lib/api.js";
import { executionsOf, percentile, readStream, registerTool, startTool, waitForAll } from "./lib/execution-probes.js";
import { type BenchServer, startBenchServer } from "./lib/server.js";
import { round } from "./lib/stats.js";

export type Check = (
  scenario: string,
  figure: string,
  value: number | null,
  unit: string,
  op: "<=" | ">=" | "<",
  limit: number,
  note?: string,
) => void;

const ADMIN = { email: "bench-exec@example.com", password: "bench exec password 2024" };
const SUBSCRIBERS = 100;
const LINES = 40;

async function startNode(env: Record<string, string>) {
  const dataDir = await makeTempDir("assay-bench-exec-");
  const server = await startBenchServer({
    env: {
      DATA_DIR: dataDir,
      NODE_ENV: "test",
      LOG_LEVEL: "warn",
      FIRST_SUPERUSER_EMAIL: ADMIN.email,
      FIRST_SUPERUSER_PASSWORD: ADMIN.password,
      ...env,
    },
  });
  const token = await login(server.url, ADMIN.email, ADMIN.password);
  const org = await rest<{ id: string }>({ url: server.url, token }, "POST", "/orgs", { name: "Bench executions" });
  const session: Session = { url: server.url, token, orgId: org.id };
  return {
    server,
    session,
    async stop() {
      await server.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** N subscribers of one execution printing LINES lines: did each get all, and the server's CPU. */
async function fanOut(server: BenchServer, session: Session, toolId: string, subscribers: number) {
  const script = `for i in $(seq 1 ${LINES}); do echo line$i; sleep 0.05; done`;
  const expected = Array.from({ length: LINES }, (_, i) => `line${i + 1}\n`).join("");
  const cpu0 = server.cpuMicros();
  const { id } = await startTool(session, toolId, { script });
  const reads = await Promise.all(Array.from({ length: subscribers }, () => readStream(session, id)));
  const cpuMicros = server.cpuMicros() - cpu0;
  const complete = reads.filter((r) => r.chunks.join("") === expected && r.status === "completed").length;
  return { subscribers, complete, cpuMicros };
}

async function subscribersOf(server: BenchServer, session: Session, toolId: string) {
  const one = await fanOut(server, session, toolId, 1);
  const many = await fanOut(server, session, toolId, SUBSCRIBERS);
  return {
    subscribers: SUBSCRIBERS,
    lines: LINES,
    allReceivedEveryChunk: many.complete === SUBSCRIBERS && one.complete === 1,
    complete: many.complete,
    serverCpuMsOneSubscriber: round(one.cpuMicros / 1000),
    serverCpuMsHundredSubscribers: round(many.cpuMicros / 1000),
    cpuUsPerExtraSubscriber: round((many.cpuMicros - one.cpuMicros) / (SUBSCRIBERS - 1)),
  };
}

async function bullmqSection(quick: boolean, log: (m: string) => void) {
  const prefix = `assay-bench-${randomUUID()}`;
  const count = quick ? 200 : 1000;
  const node = await startNode({ REDIS_URL, QUEUE_PREFIX: prefix });
  const workers: WorkerProcess[] = [];
  try {
    for (const host of ["w1", "w2"])
      workers.push(await startWorker({ prefix, labels: [`host=${host}`], concurrency: 4 }));
    const trueTool = await registerTool(node.session, "true", "/bin/true", []);
    // One at a time on an idle queue: the latency a single operator sees.
    const idle: number[] = [];
    for (let i = 0; i < 20; i++) {
      const { id } = await startTool(node.session, trueTool);
      for (;;) {
        const row = await rest<{ status: string; createdAt: string; startedAt: string | null }>(
          node.session,
          "GET",
          `/executions/${id}`,
        );
        if (row.status === "completed" && row.startedAt) {
          idle.push(Date.parse(row.startedAt) - Date.parse(row.createdAt));
          break;
        }
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    }
    log(`executions: ${count} x /bin/true through BullMQ, two workers (concurrency 4 each)`);
    const started = performance.now();
    const cpu0 = node.server.cpuMicros();
    await mapLimit(Array.from({ length: count }), 16, () => startTool(node.session, trueTool));
    const startSeconds = (performance.now() - started) / 1000;
    const rows = (await waitForAll(node.session, trueTool, count + idle.length, 600_000)).slice(0, count);
    // The API node's CPU for each execution: its start request, recording its events, the polling above.
    const serverCpuUsPerExecution = round((node.server.cpuMicros() - cpu0) / count);
    const latencies = rows.map((r) => Date.parse(r.startedAt ?? r.finishedAt ?? "") - Date.parse(r.createdAt));
    const first = Math.min(...rows.map((r) => Date.parse(r.createdAt)));
    const last = Math.max(...rows.map((r) => Date.parse(r.finishedAt ?? "")));
    const perWorker = workers.map((w) => rows.filter((r) => r.workerId === w.id).length);
    log("executions: 100 subscribers on one execution (BullMQ, Redis stream fan-out)");
    const sh = await registerTool(node.session, "sh", "sh", ["-c", "{{script}}"], { script: { type: "string" } });
    const subscribers = await subscribersOf(node.server, node.session, sh);
    return {
      executions: count,
      workers: 2,
      workerConcurrency: 4,
      completed: rows.filter((r) => r.status === "completed").length,
      perWorker,
      startRequestsPerSecond: round(count / startSeconds, 1),
      serverCpuUsPerExecution,
      executionsPerSecond: round(count / ((last - first) / 1000), 1),
      queueToStartMs: { p50: percentile(latencies, 50), p95: percentile(latencies, 95), max: Math.max(...latencies) },
      idleQueueToStartMs: { p50: percentile(idle, 50), p95: percentile(idle, 95) },
      subscribers,
    };
  } finally {
    await Promise.all(workers.map((w) => w.stop()));
    await node.stop();
    await dropKeys(prefix);
  }
}

async function inProcessSection(quick: boolean, log: (m: string) => void) {
  const node = await startNode({});
  try {
    log("executions: in-process start to first streamed byte");
    const echo = await registerTool(node.session, "echo", "echo", ["hello"]);
    const firsts: number[] = [];
    for (let i = 0; i < (quick ? 15 : 40); i++) {
      const t0 = performance.now();
      const { id } = await startTool(node.session, echo);
      const read = await readStream(node.session, id, t0);
      if (read.firstOutputMs !== null) firsts.push(read.firstOutputMs);
    }
    log("executions: 100 subscribers on one execution (in-process)");
    const sh = await registerTool(node.session, "sh", "sh", ["-c", "{{script}}"], { script: { type: "string" } });
    const subscribers = await subscribersOf(node.server, node.session, sh);
    const total = (await executionsOf(node.session, echo)).length;
    return {
      runs: total,
      startToFirstByteMs: { p50: round(percentile(firsts, 50)), p95: round(percentile(firsts, 95)) },
      subscribers,
    };
  } finally {
    await node.stop();
  }
}

/** Runs the section and records its targets with `check`. */
export async function benchExecutions(options: { quick: boolean; log: (m: string) => void; check: Check }) {
  const inProcess = await inProcessSection(options.quick, options.log);
  const bullmq = await bullmqSection(options.quick, options.log);
  const { check } = options;
  check(
    "6 executions",
    "in-process start to first streamed byte, p50",
    inProcess.startToFirstByteMs.p50,
    " ms",
    "<",
    50,
  );
  check("6 executions", "BullMQ: every execution completed", bullmq.completed, "", ">=", bullmq.executions);
  check(
    "6 executions",
    "100 subscribers received every chunk (in-process)",
    Number(inProcess.subscribers.allReceivedEveryChunk),
    "",
    ">=",
    1,
  );
  check(
    "6 executions",
    "100 subscribers received every chunk (BullMQ)",
    Number(bullmq.subscribers.allReceivedEveryChunk),
    "",
    ">=",
    1,
  );
  return { inProcess, bullmq };
}
