/**
 * Checks on a /trpc request before tRPC reads it, refused in tRPC's error shape: at most
 * TRPC_MAX_BATCH_SIZE calls per batch (200 searches in one GET stalled the server), input
 * nested no deeper than MAX_INPUT_DEPTH (deeper overflowed the stack), and a body in JSON
 * (tRPC's own refusal cut its message short and did not say what it accepts).
 */
import { TRPC_ERROR_CODES_BY_KEY } from "@trpc/server/rpc";
import type { Context as HonoContext, MiddlewareHandler } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { AppError, ERROR_CODES } from "../lib/app-error.js";
import { jsonNestsDeeperThan, tooDeep } from "../lib/input-depth.js";
import type { AppErrorData } from "../trpc/init.js";
import type { AppEnv } from "./types.js";

export interface TrpcGuardOptions {
  endpoint: string;
  maxBatchSize: number;
  maxInputDepth: number;
}

const JSON_TYPE = /^application\/json\s*(;|$)/i;

/** The procedure paths a request names (one, or a comma-separated batch). */
function callsOf(c: HonoContext<AppEnv>, endpoint: string): number {
  let path = c.req.path.slice(endpoint.length).replace(/^\/+|\/+$/g, "");
  try {
    path = decodeURIComponent(path);
  } catch {
    // tRPC refuses a malformed path itself.
  }
  return path.split(",").length;
}

async function problemOf(c: HonoContext<AppEnv>, options: TrpcGuardOptions): Promise<AppError | undefined> {
  const isBatch = c.req.query("batch") === "1";
  if (isBatch) {
    const calls = callsOf(c, options.endpoint);
    if (calls > options.maxBatchSize) {
      return new AppError(
        "BAD_REQUEST",
        `At most ${options.maxBatchSize} calls per batch (this one has ${calls}); split it into smaller batches`,
      );
    }
  }
  // A batch wraps the inputs in one more object: { "0": input, "1": input }.
  const maxDepth = options.maxInputDepth + (isBatch ? 1 : 0);
  if (c.req.method === "GET") {
    const input = c.req.query("input");
    if (input && jsonNestsDeeperThan(input, maxDepth)) return tooDeep(options.maxInputDepth, "input");
    return undefined;
  }
  const contentType = c.req.header("content-type");
  if (contentType === undefined) return undefined; // tRPC answers "Missing content-type header"
  if (!JSON_TYPE.test(contentType)) {
    return new AppError(
      "UNSUPPORTED_MEDIA_TYPE",
      `Unsupported content type "${contentType}": send the input as application/json`,
    );
  }
  // Hono keeps the text: the tRPC adapter reads the same body afterwards.
  if (jsonNestsDeeperThan(await c.req.text(), maxDepth)) return tooDeep(options.maxInputDepth);
  return undefined;
}

/** Answers `error` the way tRPC answers its own errors, with Assay's `data`. */
export function trpcErrorResponse(c: HonoContext<AppEnv>, error: AppError): Response {
  const data: AppErrorData = {
    code: error.code,
    httpStatus: error.status,
    path: null,
    requestId: c.var.requestId,
    errors: error.items,
  };
  const body = { error: { message: error.message, code: TRPC_ERROR_CODES_BY_KEY[ERROR_CODES[error.code].trpc], data } };
  return c.json(body, error.status as ContentfulStatusCode);
}

/** The guard, for /trpc/*. */
export function trpcRequestGuard(options: TrpcGuardOptions): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const problem = await problemOf(c, options);
    if (problem) return trpcErrorResponse(c, problem);
    await next();
  };
}
