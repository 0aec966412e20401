/**
 * @assay/client: the typed client of the Assay API. It depends on the server only through
 * `import type`, so nothing of the server is bundled into the SPA.
 */

import type { AppRouter } from "@assay/server/router";
import { createTRPCClient, type HTTPBatchLinkOptions, httpBatchLink, TRPCClientError } from "@trpc/client";
import type { inferRouterInputs, inferRouterOutputs } from "@trpc/server";

export type { AppRouter };
/** Inputs of every procedure, e.g. `RouterInputs["system"]["info"]`. */
export type RouterInputs = inferRouterInputs<AppRouter>;
/** Outputs of every procedure, as JSON (dates are ISO 8601 strings). */
export type RouterOutputs = inferRouterOutputs<AppRouter>;
export type AssayClient = ReturnType<typeof createTRPCClient<AppRouter>>;
export { TRPCClientError };

export interface AssayClientOptions {
  /** The server's base URL, e.g. `http://127.0.0.1:3000` (the client appends /trpc). */
  url: string;
  /** An access token, or a function returning the current one (called on every request). */
  token?: string | (() => string | undefined | Promise<string | undefined>);
  /** Extra headers sent with every request (e.g. X-Organization-Id). */
  headers?: Record<string, string> | (() => Record<string, string>);
  /** A fetch implementation (tests, SSR, custom agents). */
  fetch?: HTTPBatchLinkOptions<AppRouter["_def"]["_config"]["$types"]>["fetch"];
}

/** A typed client over httpBatchLink: calls made in the same tick share one request. */
export function createAssayClient(options: AssayClientOptions): AssayClient {
  const base = options.url.replace(/\/+$/, "");
  return createTRPCClient<AppRouter>({
    links: [
      httpBatchLink({
        url: `${base}/trpc`,
        ...(options.fetch ? { fetch: options.fetch } : {}),
        async headers() {
          const extra = typeof options.headers === "function" ? options.headers() : (options.headers ?? {});
          const token = typeof options.token === "function" ? await options.token() : options.token;
          return token ? { ...extra, authorization: `Bearer ${token}` } : extra;
        },
      }),
    ],
  });
}

/** The Assay error code (`NOT_FOUND`, `VALIDATION`...) carried by a client error, if any. */
export function errorCodeOf(error: unknown): string | undefined {
  if (error instanceof TRPCClientError) {
    const data = error.data as { code?: unknown } | undefined;
    return typeof data?.code === "string" ? data.code : undefined;
  }
  return undefined;
}
