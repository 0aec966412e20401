/**
 * Calling a procedure as an actor through both doors, in-process through the whole HTTP
 * stack: tRPC at /trpc and REST at the procedure's OpenAPI route.
 */
import type { ProcedureEntry } from "../../trpc/catalogue.js";
import type { RouteRequest } from "./http-rule.js";
import type { Actor, World } from "./world.js";

export interface DoorResult {
  status: number;
  code: string | null;
}

function headersFor(world: World, actor: Actor, json: boolean): Record<string, string> {
  const headers: Record<string, string> = { "x-organization-id": world.currentOrgId ?? world.orgId };
  if (json) headers["content-type"] = "application/json";
  if (actor !== "anonymous") headers.authorization = `Bearer ${world.users[actor].token}`;
  return headers;
}

/** A refusal carried inside a tRPC subscription's event stream (tRPC answers SSE with 200, then the error). */
export function streamedRefusal(text: string): (DoorResult & { message: string }) | null {
  const match = /event: serialized-error\ndata: (.*)\n/.exec(text);
  if (!match?.[1]) return null;
  const error = JSON.parse(match[1]) as { message?: string; data?: { httpStatus?: number; code?: string } };
  return { status: error.data?.httpStatus ?? 500, code: error.data?.code ?? null, message: error.message ?? "" };
}

async function resultOf(res: Response, door: "trpc" | "rest"): Promise<DoorResult> {
  const text = await res.text();
  if (res.headers.get("content-type")?.startsWith("text/event-stream")) {
    return streamedRefusal(text) ?? { status: res.status, code: null };
  }
  if (res.status < 400) return { status: res.status, code: null };
  try {
    const body = JSON.parse(text);
    return {
      status: res.status,
      code: door === "trpc" ? (body.error?.data?.code ?? null) : (body.errors?.[0]?.code ?? null),
    };
  } catch {
    return { status: res.status, code: null };
  }
}

/** Calls through /trpc (GET for queries and subscriptions, POST for mutations). */
export async function callTrpc(world: World, actor: Actor, proc: ProcedureEntry, input: unknown): Promise<DoorResult> {
  const app = world.h.app;
  if (proc.type !== "mutation") {
    const query = input === undefined ? "" : `?input=${encodeURIComponent(JSON.stringify(input))}`;
    return resultOf(
      await app.request(`/trpc/${proc.path}${query}`, { headers: headersFor(world, actor, false) }),
      "trpc",
    );
  }
  const res = await app.request(`/trpc/${proc.path}`, {
    method: "POST",
    headers: headersFor(world, actor, true),
    ...(input === undefined ? {} : { body: JSON.stringify(input) }),
  });
  return resultOf(res, "trpc");
}

/** Calls through the REST route: {params} from the input, the rest as query (GET/DELETE) or JSON body. */
export async function callRest(world: World, actor: Actor, proc: ProcedureEntry, input: unknown): Promise<DoorResult> {
  if (!proc.rest) throw new Error(`${proc.path} has no REST route`);
  const fields = { ...((input ?? {}) as Record<string, unknown>) };
  const path = proc.rest.path.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = fields[name];
    delete fields[name];
    return encodeURIComponent(String(value));
  });
  const method = proc.rest.method.toUpperCase();
  const withBody = method === "POST" || method === "PUT" || method === "PATCH";
  let url = path;
  if (!withBody) {
    const query = new URLSearchParams();
    for (const [key, value] of Object.entries(fields)) {
      if (value === undefined) continue;
      for (const item of Array.isArray(value) ? value : [value]) query.append(key, String(item));
    }
    if (query.size > 0) url += `?${query}`;
  }
  const res = await world.h.app.request(url, {
    method,
    headers: headersFor(world, actor, withBody),
    ...(withBody ? { body: JSON.stringify(fields) } : {}),
  });
  return resultOf(res, "rest");
}

/** Calls an HTTP route that is not a procedure, with the actor's token and org A's X-Organization-Id. */
export async function callRoute(world: World, actor: Actor, request: RouteRequest): Promise<DoorResult> {
  const headers = new Headers(request.init?.headers);
  for (const [name, value] of Object.entries(headersFor(world, actor, false))) headers.set(name, value);
  const res = await world.h.app.request(request.path, { ...request.init, headers });
  return resultOf(res, "rest");
}
