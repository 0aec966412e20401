/**
 * Measurements of executions from outside the server, over REST: start a tool, follow its
 * event stream, read timings back, and percentiles.
 */
import { rest, type Session } from "./api.js";

export interface ExecutionRow {
  id: string;
  status: string;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  workerId: string | null;
}

/** The p-th percentile (0-100) of `values`, nearest rank. */
export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] as number;
}

/** Registers a tool (the session is an admin's) and returns its id. */
export async function registerTool(
  session: Session,
  name: string,
  executable: string,
  args: string[],
  properties = {},
) {
  const required = Object.keys(properties);
  const tool = await rest<{ id: string }>(session, "POST", "/tools", {
    name,
    category: "bench",
    executable,
    args,
    parameters: { type: "object", properties, required },
  });
  return tool.id;
}

/** Starts a tool through POST /tools/{id}/execute. */
export async function startTool(session: Session, toolId: string, parameters: Record<string, unknown> = {}) {
  return rest<{ id: string }>(session, "POST", `/tools/${toolId}/execute`, { parameters });
}

/** Every execution with `toolId`, read page by page. */
export async function executionsOf(session: Session, toolId: string): Promise<ExecutionRow[]> {
  const rows: ExecutionRow[] = [];
  for (let page = 1; ; page++) {
    const body = await rest<{ data: ExecutionRow[]; pagination: { hasNext: boolean } }>(
      session,
      "GET",
      `/executions?toolId=${toolId}&pageSize=100&page=${page}`,
    );
    rows.push(...body.data);
    if (!body.pagination.hasNext) return rows;
  }
}

/** Waits until `count` executions of `toolId` exist and none is pending or running; returns them all. */
export async function waitForAll(session: Session, toolId: string, count: number, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  const total = async (status?: string) =>
    (
      await rest<{ pagination: { total: number } }>(
        session,
        "GET",
        `/executions?toolId=${toolId}&pageSize=1${status ? `&status=${status}` : ""}`,
      )
    ).pagination.total;
  for (;;) {
    // Cheap polls (counts only), then one full read.
    const [all, pending, running] = await Promise.all([total(), total("pending"), total("running")]);
    if (all >= count && pending === 0 && running === 0) return executionsOf(session, toolId);
    if (Date.now() > deadline)
      throw new Error(`${pending + running} of ${all} executions not final after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

export interface StreamRead {
  /** ms from opening the stream to the first output event. */
  firstOutputMs: number | null;
  chunks: string[];
  status: string | null;
}

/** Reads GET /executions/{id}/stream to its end. */
export async function readStream(session: Session, id: string, opened = performance.now()): Promise<StreamRead> {
  const res = await fetch(`${session.url}/api/v1/executions/${id}/stream`, {
    headers: { authorization: `Bearer ${session.token}`, "x-organization-id": session.orgId ?? "" },
    signal: AbortSignal.timeout(120_000),
  });
  if (!res.ok || !res.body) throw new Error(`stream ${id}: HTTP ${res.status}`);
  const result: StreamRead = { firstOutputMs: null, chunks: [], status: null };
  const decoder = new TextDecoder();
  let buffer = "";
  for await (const piece of res.body as unknown as AsyncIterable<Uint8Array>) {
    buffer += decoder.decode(piece, { stream: true });
    let end = buffer.indexOf("\n\n");
    while (end >= 0) {
      const frame = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      end = buffer.indexOf("\n\n");
      const data = frame
        .split("\n")
        .filter((l) => l.startsWith("data:"))
        .map((l) => l.slice(5).trimStart())
        .join("\n");
      if (frame.includes("event: output")) {
        result.firstOutputMs ??= performance.now() - opened;
        result.chunks.push((JSON.parse(data) as { data: string }).data);
      } else if (frame.includes("event: status")) {
        result.status = (JSON.parse(data) as { status: string }).status;
      }
    }
  }
  return result;
}
