/**
 * The one source of an execution's stream, behind both the tRPC subscription and the REST
 * SSE route: every output chunk after `afterSeq` (numbered, so a client resumes where it
 * left), then one status event with the final execution. A finished execution replays from
 * the database; a live one follows the bus, and re-reads the database every few seconds in
 * case its end was recorded while the live log was unavailable.
 */

import type { OutputEntry } from "../../execution-bus/bus.js";
import type { OutputChunk } from "../../execution-bus/execution-job.js";
import type { Execution } from "../../generated/prisma/client.js";
import type { OrgContext } from "../../identity/contexts.js";
import { readableExecution } from "./execution-access.js";
import { toExecutionView } from "./execution-view.js";
import type { ExecutionView } from "./executions.schemas.js";

export type StreamEvent = ({ kind: "output" } & OutputChunk) | { kind: "status"; execution: ExecutionView };

const RECHECK_MS = 5000;
const isFinal = (status: string) => status !== "pending" && status !== "running";

/** `Last-Event-ID` / `lastEventId` as the chunk number to resume after (0 for none or garbage). */
export function resumePoint(lastEventId: string | null | undefined): number {
  const n = Number(lastEventId);
  return Number.isSafeInteger(n) && n > 0 ? n : 0;
}

async function* fromDatabase(ctx: OrgContext, id: string, afterSeq: number): AsyncGenerator<StreamEvent> {
  const chunks = await ctx.db.prisma.executionOutput.findMany({
    where: { executionId: id, seq: { gt: afterSeq } },
    orderBy: { seq: "asc" },
  });
  for (const c of chunks) yield { kind: "output", seq: c.seq, stream: c.stream as OutputChunk["stream"], data: c.data };
  const row = await ctx.db.prisma.execution.findUniqueOrThrow({ where: { id } });
  yield { kind: "status", execution: toExecutionView(row) };
}

/**
 * The events of execution `id` after chunk `afterSeq` (access checked first, unless the caller
 * passes the `checked` row), until its end or `signal`.
 */
export async function* streamExecution(
  ctx: OrgContext,
  id: string,
  afterSeq: number,
  signal: AbortSignal,
  checked?: Execution,
): AsyncGenerator<StreamEvent> {
  const row = checked ?? (await readableExecution(ctx, id));
  if (isFinal(row.status)) return yield* fromDatabase(ctx, id, afterSeq);
  const watching = new AbortController();
  const stop = () => watching.abort();
  signal.addEventListener("abort", stop, { once: true });
  const entries = ctx.executions.bus.watchOutput(id, afterSeq, watching.signal)[Symbol.asyncIterator]();
  let last = afterSeq;
  let next: Promise<IteratorResult<OutputEntry>> | null = null;
  try {
    while (!signal.aborted) {
      next ??= entries.next();
      let timer: NodeJS.Timeout | undefined;
      const tick = new Promise<"recheck">((resolve) => {
        timer = setTimeout(() => resolve("recheck"), RECHECK_MS);
      });
      const result = await Promise.race([next, tick]);
      clearTimeout(timer);
      if (result === "recheck") {
        const current = await ctx.db.prisma.execution.findUniqueOrThrow({ where: { id }, select: { status: true } });
        if (isFinal(current.status)) return yield* fromDatabase(ctx, id, last);
        continue;
      }
      next = null;
      if (result.done) return;
      const entry = result.value;
      if (entry.kind === "chunk") {
        last = entry.chunk.seq;
        yield { kind: "output", ...entry.chunk };
        continue;
      }
      // The end carries the execution as recorded, after its activity was written.
      yield { kind: "status", execution: entry.final as ExecutionView };
      return;
    }
  } finally {
    signal.removeEventListener("abort", stop);
    watching.abort();
    await entries.return?.();
  }
}
