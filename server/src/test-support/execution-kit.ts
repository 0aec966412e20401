/**
 * Test shortcuts for tools and executions: an admin who registers real tools (echo, seq,
 * sleep, env, sh), and waiting for an execution to reach a status.
 */
import { readFileSync } from "node:fs";
import type { inferRouterInputs } from "@trpc/server";
import type { AppRouter } from "../app-router.js";
import { FINAL_STATUSES } from "../execution-bus/execution-job.js";
import type { Caller, Harness } from "./harness.js";

export type ToolDefinition = inferRouterInputs<AppRouter>["tools"]["create"];

/** Tools built from programs every Linux machine has. */
export const TOOLS = {
  echo: {
    name: "echo",
    category: "test",
    executable: "echo",
    args: ["{{message}}"],
    parameters: { type: "object", properties: { message: { type: "string", maxLength: 200 } }, required: ["message"] },
  },
  seq: {
    name: "seq",
    category: "test",
    executable: "seq",
    args: ["1", "{{last}}"],
    parameters: {
      type: "object",
      properties: { last: { type: "integer", minimum: 1, maximum: 1000000 } },
      required: ["last"],
    },
  },
  sleep: {
    name: "sleep",
    category: "test",
    executable: "sleep",
    args: ["{{seconds}}"],
    parameters: {
      type: "object",
      properties: { seconds: { type: "number", minimum: 0, maximum: 60 } },
      required: ["seconds"],
    },
  },
  env: {
    name: "env",
    category: "test",
    executable: "env",
    args: [],
    parameters: { type: "object", properties: {} },
    env: { TOOL_VARIABLE: "declared" },
  },
  /** A script given as one argument: for children that outlive their parent and output over time. */
  sh: {
    name: "sh",
    category: "test",
    executable: "sh",
    args: ["-c", "{{script}}"],
    parameters: { type: "object", properties: { script: { type: "string" } }, required: ["script"] },
  },
} satisfies Record<string, ToolDefinition>;

export interface ToolAdmin {
  id: string;
  token: string;
  api: Caller;
  headers: Record<string, string>;
}

/** A signed-in global admin (admins manage the tool registry). */
export async function toolAdmin(h: Harness): Promise<ToolAdmin> {
  const account = await h.createUser({ role: "admin" });
  const { accessToken } = await h.login(account);
  return {
    id: account.id,
    token: accessToken,
    api: h.as(accessToken),
    headers: { authorization: `Bearer ${accessToken}` },
  };
}

/** Registers the given tools and returns their ids by name. */
export async function registerTools<K extends keyof typeof TOOLS>(
  admin: ToolAdmin,
  names: K[],
): Promise<Record<K, string>> {
  const ids = {} as Record<K, string>;
  for (const name of names) ids[name] = (await admin.api.tools.create(TOOLS[name] as ToolDefinition)).id;
  return ids;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls executions.get until the execution's status is one of `statuses` (final ones by default). */
export async function waitForStatus(
  api: Caller,
  id: string,
  statuses: readonly string[] = FINAL_STATUSES,
  timeoutMs = 15_000,
) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const execution = await api.executions.get({ id });
    if (statuses.includes(execution.status)) return execution;
    if (Date.now() > deadline) throw new Error(`execution ${id} still ${execution.status} after ${timeoutMs} ms`);
    await sleep(25);
  }
}

/** True while a process with `pid` runs (a zombie waiting to be reaped counts as gone). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
  } catch {
    return false;
  }
}

export interface SseEvent {
  id: string | null;
  event: string;
  data: string;
}

/** The events of a text/event-stream body, as they arrive (comments skipped). */
export async function* sseEvents(body: ReadableStream<Uint8Array>): AsyncGenerator<SseEvent> {
  const reader = body
    .pipeThrough(new TextDecoderStream() as unknown as TransformStream<Uint8Array, string>)
    .getReader();
  let buffer = "";
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += value;
      let end = buffer.indexOf("\n\n");
      while (end >= 0) {
        const frame = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        end = buffer.indexOf("\n\n");
        const event: SseEvent = { id: null, event: "message", data: "" };
        const data: string[] = [];
        for (const line of frame.split("\n")) {
          if (line.startsWith(":")) continue;
          const at = line.indexOf(":");
          const field = at < 0 ? line : line.slice(0, at);
          const text = at < 0 ? "" : line.slice(at + 1).replace(/^ /, "");
          if (field === "id") event.id = text;
          else if (field === "event") event.event = text;
          else if (field === "data") data.push(text);
        }
        if (data.length === 0 && event.id === null) continue;
        event.data = data.join("\n");
        yield event;
      }
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
}
