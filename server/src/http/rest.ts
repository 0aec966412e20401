/**
 * The REST door: every procedure with an `openapi` mapping, served under /api/v1 by
 * trpc-to-openapi. Its node handler is built once (the stock fetch adapter rebuilds it, and
 * re-validates the whole router, on every request). Around it, this door reads the body
 * itself (JSON only, depth-bounded, none at all is fine), answers 405 with `Allow` for a
 * known path asked with another method, serves file routes as files, and reshapes error
 * bodies into Assay's REST error format.
 */
import type { AnyRouter } from "@trpc/server";
import type { Context as HonoContext } from "hono";
import type { Context } from "../context.js";
import { AppError } from "../lib/app-error.js";
import { assertJsonDepth } from "../lib/input-depth.js";
import type { AppErrorData } from "../trpc/init.js";
import { errorBody, sendError } from "./error-body.js";
import { fileResponse } from "./file-response.js";
import { typedQuery } from "./rest-input.js";
import { RestRouteTable } from "./rest-routes.js";
import type { AppEnv } from "./types.js";
import { lockInputCoercion, openApiNodeHandler, restRequest } from "./upstream-shim.js";

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

const JSON_TYPE = /^application\/json\s*(;|$)/i;
// trpc-to-openapi reads a body for every method but these two.
const BODYLESS_METHODS = new Set(["GET", "DELETE", "HEAD"]);

/**
 * The parsed JSON body: undefined when there is none (a bodiless POST to an action without
 * input is fine); 415 for any other media type, with what is accepted.
 */
async function readJsonBody(c: HonoContext<AppEnv>, maxDepth: number): Promise<unknown> {
  const contentType = c.req.header("content-type");
  if (contentType !== undefined && !JSON_TYPE.test(contentType)) {
    throw new AppError(
      "UNSUPPORTED_MEDIA_TYPE",
      `Unsupported content type "${contentType}": send the body as application/json`,
    );
  }
  const text = await c.req.text();
  if (text.trim() === "") return undefined;
  if (contentType === undefined) {
    throw new AppError("UNSUPPORTED_MEDIA_TYPE", "The body has no Content-Type: send it as application/json");
  }
  assertJsonDepth(text, maxDepth);
  try {
    return JSON.parse(text);
  } catch {
    throw new AppError("BAD_REQUEST", "The request body is not valid JSON");
  }
}

export interface RestOptions {
  /** Deepest nesting accepted in a JSON body (MAX_INPUT_DEPTH). */
  maxInputDepth: number;
}

/** A Hono handler serving the router's OpenAPI routes relative to `prefix`. */
export function createRestHandler(
  router: AnyRouter,
  prefix: string,
  createContext: (c: HonoContext<AppEnv>) => Context,
  options: RestOptions,
) {
  // trpc-to-openapi hands createContext only its own request object; this map leads back
  // from that object to the Hono context of the same request.
  const honoOf = new WeakMap<object, HonoContext<AppEnv>>();
  // Before any request, REST or tRPC: the lock keeps tRPC inputs from coercing too.
  lockInputCoercion(router);
  // The route table and upstream's handler (which converts every input schema to OpenAPI)
  // are built by the first REST request: a tenth of a second that start-up need not wait for.
  let built: { routes: RestRouteTable; handler: ReturnType<typeof openApiNodeHandler> } | undefined;
  const door = () => {
    built ??= {
      routes: new RestRouteTable(router),
      handler: openApiNodeHandler(router, (req) => {
        const c = honoOf.get(req);
        if (!c) throw new Error("REST request without a Hono context");
        return createContext(c);
      }),
    };
    return built;
  };

  return async (c: HonoContext<AppEnv>): Promise<Response> => {
    const { routes, handler } = door();
    const url = new URL(c.req.url);
    url.pathname = url.pathname.slice(prefix.length) || "/";
    const method = c.req.method;
    const route = routes.find(method, url.pathname);
    if (!route && method !== "HEAD") {
      const allowed = routes.methodsOf(url.pathname);
      if (allowed.length === 0) return sendError(c, new AppError("NOT_FOUND", `No route for ${method} ${c.req.path}`));
      const refused = sendError(
        c,
        new AppError("METHOD_NOT_ALLOWED", `${c.req.path} answers ${allowed.join(", ")}, not ${method}`),
      );
      refused.headers.set("Allow", allowed.join(", "));
      return refused;
    }
    const takesBody = !BODYLESS_METHODS.has(method);
    const body = takesBody ? await readJsonBody(c, options.maxInputDepth) : undefined;
    const request = restRequest(c.req.raw, {
      url: url.toString(),
      body,
      query: typedQuery(url.searchParams, route?.procedure.inputs.at(-1)),
      contentType: takesBody ? "application/json" : c.req.header("content-type"),
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
          const download = route?.procedure.meta?.download;
          if (status === 200 && download && payload !== undefined) {
            resolve(fileResponse(download, JSON.parse(payload)));
            return;
          }
          const text = status >= 400 && payload ? toRestError(payload, status, c.var.requestId) : payload;
          resolve(new Response(status === 204 ? null : (text ?? null), { status, headers }));
        },
      };
      handler(request, res).catch(reject);
    });
  };
}
