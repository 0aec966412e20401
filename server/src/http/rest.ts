/**
 * The REST door: every procedure with an `openapi` mapping, served under /api/v1 by
 * trpc-to-openapi. Its node handler is built once (the stock fetch adapter rebuilds it, and
 * re-validates the whole router, on every request), and its error bodies are reshaped into
 * Assay's REST error format.
 */
import type { AnyRouter } from "@trpc/server";
import type { Context as HonoContext } from "hono";
import { createOpenApiNodeHttpHandler } from "trpc-to-openapi";
import type { Context } from "../context.js";
import { AppError } from "../lib/app-error.js";
import type { AppErrorData, AppMeta } from "../trpc/init.js";
import { errorBody } from "./error-body.js";
import { lockInputCoercion, typedQuery } from "./rest-input.js";
import type { AppEnv } from "./types.js";

type NodeHandler = (req: unknown, res: unknown, next?: () => void) => Promise<void>;

interface TrpcErrorShape {
  message?: string;
  data?: AppErrorData;
}

/** Converts the error body trpc-to-openapi writes (our formatter's shape inside) to the REST shape. */
function toRestError(raw: string, status: number, requestId: string): string {
  try {
    const shape = JSON.parse(raw) as TrpcErrorShape;
    if (shape.data?.errors) return JSON.stringify(errorBody(shape.data.errors, requestId));
  } catch {
    // Fall through: not JSON, so not something the formatter produced.
  }
  const code = status === 404 ? "NOT_FOUND" : "INTERNAL";
  return JSON.stringify(errorBody([{ code, message: "Request failed", field: null }], requestId));
}

async function readJsonBody(c: HonoContext<AppEnv>): Promise<unknown> {
  const text = await c.req.text();
  if (text.trim() === "") return undefined;
  try {
    return JSON.parse(text);
  } catch {
    throw new AppError("BAD_REQUEST", "The request body is not valid JSON");
  }
}

/** A Hono handler serving the router's OpenAPI routes relative to `prefix`. */
export function createRestHandler(
  router: AnyRouter,
  prefix: string,
  createContext: (c: HonoContext<AppEnv>) => Context,
) {
  // trpc-to-openapi hands createContext only its own request object; this map leads back
  // from that object to the Hono context of the same request.
  const honoOf = new WeakMap<object, HonoContext<AppEnv>>();
  lockInputCoercion(router);
  const inputSchemaOf = new Map<string, unknown>(
    Object.values(router._def.procedures as Record<string, { _def: { inputs: unknown[]; meta?: AppMeta } }>)
      .filter((p) => p._def.meta?.openapi)
      .map((p) => {
        const openapi = p._def.meta?.openapi;
        return [`${openapi?.method} ${openapi?.path}`, p._def.inputs.at(-1)] as const;
      }),
  );
  const handler = createOpenApiNodeHttpHandler({
    router,
    createContext: ({ req }: { req: object }) => {
      const c = honoOf.get(req);
      if (!c) throw new Error("REST request without a Hono context");
      return createContext(c);
    },
  } as never) as unknown as NodeHandler;

  return async (c: HonoContext<AppEnv>): Promise<Response> => {
    const url = new URL(c.req.url);
    url.pathname = url.pathname.slice(prefix.length) || "/";
    const isJson = c.req.header("content-type")?.startsWith("application/json") ?? false;
    const body = isJson ? await readJsonBody(c) : undefined;
    const query = typedQuery(url.searchParams, matchInputSchema(inputSchemaOf, c.req.method, url.pathname));
    // Present the parsed body, typed query and the prefix-less URL; the rest is the real Request.
    const request = new Proxy(c.req.raw, {
      get(target, prop) {
        if (prop === "url") return url.toString();
        if (prop === "body") return body;
        if (prop === "query") return query;
        const value = Reflect.get(target, prop, target);
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
    honoOf.set(request, c);
    return new Promise<Response>((resolve, reject) => {
      const headers = new Headers({ "content-type": "application/json" });
      let status = 200;
      const res = {
        // node:http semantics: setHeader replaces (appending would send Content-Type twice).
        setHeader: (key: string, value: string | string[]) => {
          headers.delete(key);
          for (const v of Array.isArray(value) ? value : [value]) headers.append(key, v);
        },
        get statusCode() {
          return status;
        },
        set statusCode(code: number) {
          status = code;
        },
        end: (payload?: string) => {
          const text = status >= 400 && payload ? toRestError(payload, status, c.var.requestId) : payload;
          resolve(new Response(status === 204 ? null : (text ?? null), { status, headers }));
        },
      };
      handler(request, res).catch(reject);
    });
  };
}

/** The input schema of the OpenAPI route matching `method` and `path` (templates like /users/{id}). */
function matchInputSchema(schemas: Map<string, unknown>, method: string, path: string): unknown {
  for (const [route, schema] of schemas) {
    const [routeMethod, template] = route.split(" ") as [string, string];
    if (routeMethod !== method) continue;
    const pattern = new RegExp(`^${template.replace(/\{\w+\}/g, "[^/]+")}/?$`);
    if (pattern.test(path)) return schema;
  }
  return undefined;
}
