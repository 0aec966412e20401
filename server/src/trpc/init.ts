/** The tRPC instance: context type, procedure metadata, and the one error formatter. */
import { initTRPC, TRPCError } from "@trpc/server";
import type { OpenApiMeta } from "trpc-to-openapi";
import type { Context } from "../context.js";
import type { ScopeRequirement } from "../identity/scopes.js";
import { ERROR_CODES, type ErrorCode, type ErrorItem } from "../lib/app-error.js";
import { mapError } from "../lib/error-mapping.js";
import { RateLimitedError } from "../lib/rate-limits.js";
import type { FileDownload } from "./file-download.js";

/** Per-procedure metadata: the OpenAPI mapping plus Assay's own notes. */
export type AppMeta = OpenApiMeta & {
  /** Shown in the developer panel next to the procedure. */
  description?: string;
  /** What a credential needs to call it (guard/scopes.ts); none declared = a person's own session only. */
  scope?: ScopeRequirement;
  /** REST only: answer the output as a file download (the path names a file, e.g. `export.csv`). */
  download?: FileDownload;
};

/** The `data` of every tRPC error: Assay's code, the request id and one item per problem. */
export interface AppErrorData {
  code: ErrorCode;
  httpStatus: number;
  path: string | null;
  requestId: string | null;
  errors: ErrorItem[];
  stack?: string;
}

const t = initTRPC
  .context<Context>()
  .meta<AppMeta>()
  .create({
    errorFormatter({ shape, error, ctx, path }) {
      // Stacks and internal messages only when the operator opted in (EXPOSE_ERROR_DETAILS, `pnpm dev`).
      const exposeInternals = ctx?.config.http.exposeErrorDetails === true;
      const mapped = mapError(error, exposeInternals);
      if (error.cause instanceof RateLimitedError) {
        ctx?.responseHeaders.set("Retry-After", String(error.cause.retryAfterSeconds));
      }
      if (mapped.unexpected) ctx?.log.error({ err: error.cause ?? error, path }, "procedure failed");
      const data: AppErrorData = {
        code: mapped.code,
        httpStatus: mapped.status,
        path: path ?? null,
        requestId: ctx?.req.requestId ?? null,
        errors: mapped.errors,
      };
      if (exposeInternals && error.stack) data.stack = error.stack;
      return { code: shape.code, message: mapped.message, data };
    },
  });

export const router = t.router;
export const middleware = t.middleware;
export const mergeRouters = t.mergeRouters;
export const createCallerFactory = t.createCallerFactory;

/**
 * tRPC wraps anything a procedure throws as INTERNAL_SERVER_ERROR; this puts the status the
 * Assay code stands for (404 for NOT_FOUND, 503 for a lost database...) back on the error.
 */
const withMappedStatus = t.middleware(async ({ next, ctx }) => {
  const result = await next();
  if (result.ok) return result;
  const mapped = mapError(result.error, ctx.config.http.exposeErrorDetails);
  const trpcCode = ERROR_CODES[mapped.code].trpc;
  if (trpcCode === result.error.code) return result;
  throw new TRPCError({ code: trpcCode, message: mapped.message, cause: result.error.cause ?? result.error });
});

export const baseProcedure = t.procedure.use(withMappedStatus);
