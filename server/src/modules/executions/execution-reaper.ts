/**
 * No execution stays pending or running forever. Every API node, every few seconds:
 * - in-process executions whose node stopped heartbeating (or, at start-up, that belonged to an
 *   earlier run of an embedded database, which only one process can open) fail;
 * - with Redis, once this node has read every runner event there is: running executions whose
 *   worker's heartbeat key has expired fail (worker lost); pending ones whose job vanished or
 *   is held by no live worker fail; and ones no live worker can take for 10 minutes fail.
 * Each goes through finalizeExecution, so a late real result never overwrites it and live
 * subscribers see the end.
 */
import type { Deps } from "../../context.js";
import { WORKER_TTL_MS } from "../../execution-bus/bus.js";
import { labelsMatch } from "../../runner/capabilities.js";
import { finalizeExecution } from "./execution-recorder.js";

const EVERY_MS = 5000;
// Four missed heartbeats: a node that stalls this long is gone for its clients too.
const HEARTBEAT_STALE_MS = 20_000;
const PENDING_GRACE_MS = 60_000;
const NO_WORKER_MS = 10 * 60_000;

type Row = { id: string; status: string; startedAt: Date | null; createdAt: Date; workerId: string | null };

async function fail(deps: Deps, row: Row, error: string): Promise<void> {
  await finalizeExecution(deps, row.id, {
    status: "failed",
    exitCode: null,
    error,
    startedAt: row.startedAt?.toISOString() ?? null,
    finishedAt: deps.clock.now().toISOString(),
    outputBytes: 0,
    truncated: false,
    progress: null,
  });
}

/** In-process executions of processes that are gone. */
async function reapInProcess(deps: Deps, atStart: boolean): Promise<void> {
  const { prisma } = deps.db;
  const me = deps.executions.nodeId;
  await prisma.execution.updateMany({
    where: { nodeId: me, queue: "memory", status: { in: ["pending", "running"] } },
    data: { heartbeatAt: deps.clock.now() },
  });
  // An embedded database has one process: whatever an earlier process left unfinished is lost.
  const sole = atStart && deps.db.kind === "embedded";
  const stale = new Date(deps.clock.now().getTime() - HEARTBEAT_STALE_MS);
  const rows = await prisma.execution.findMany({
    where: {
      queue: "memory",
      nodeId: { not: me },
      status: { in: ["pending", "running"] },
      ...(sole ? {} : { OR: [{ heartbeatAt: null }, { heartbeatAt: { lt: stale } }] }),
    },
    select: { id: true, status: true, startedAt: true, createdAt: true, workerId: true },
  });
  for (const row of rows) {
    await fail(deps, row, `The server stopped ${row.status === "running" ? "while it ran" : "before it ran"}`);
  }
}

/** BullMQ executions whose worker or job is gone. */
async function reapQueued(deps: Deps): Promise<void> {
  const consumer = deps.executions.consumer();
  // Events not yet read may hold the real outcome: only judge once caught up.
  if (!consumer || Date.now() - consumer.caughtUpAt() > EVERY_MS) return;
  const { prisma } = deps.db;
  const rows = await prisma.execution.findMany({
    where: { queue: "bullmq", status: { in: ["pending", "running"] } },
    select: {
      id: true,
      status: true,
      startedAt: true,
      createdAt: true,
      workerId: true,
      queueName: true,
      workerLabels: true,
    },
  });
  if (rows.length === 0) return;
  const workers = (await deps.executions.bus.listWorkers()).filter((w) => w.online);
  const online = new Set(workers.map((w) => w.id));
  const now = deps.clock.now().getTime();
  for (const row of rows) {
    const canRun = workers.some((w) => labelsMatch(w.labels, row.workerLabels));
    if (row.status === "running") {
      const since = row.startedAt?.getTime() ?? now;
      if ((!row.workerId || !online.has(row.workerId)) && now - since > WORKER_TTL_MS) {
        await fail(deps, row, "The worker running it was lost (no heartbeat); its process may have been killed");
      }
      continue;
    }
    const age = now - row.createdAt.getTime();
    if (age < PENDING_GRACE_MS) continue;
    const state = await deps.queues.state(row.queueName, row.id);
    if (state === "unknown" || state === "completed" || state === "failed") {
      await fail(deps, row, "The job was lost before a worker started it");
    } else if (state === "active" && !canRun) {
      await fail(deps, row, "The worker that took it was lost before it started");
    } else if (!canRun && age > NO_WORKER_MS) {
      await deps.queues.remove(row.queueName, row.id).catch(() => false);
      await fail(deps, row, `No live worker with the labels ${row.workerLabels.join(", ") || "(any)"} took it`);
    }
  }
}

/** Starts reaping on this node; the returned function stops it. */
export function startReaper(deps: Deps): () => Promise<void> {
  let running: Promise<void> | null = null;
  const round = (atStart: boolean) => {
    if (running) return;
    running = (async () => {
      try {
        await reapInProcess(deps, atStart);
        if (deps.executions.mode === "redis") await reapQueued(deps);
      } catch (error) {
        deps.logger.warn({ err: error }, "execution reaper round failed; retrying");
      } finally {
        running = null;
      }
    })();
  };
  round(true);
  const timer = setInterval(() => round(false), EVERY_MS);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await running;
  };
}
