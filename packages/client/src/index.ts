/**
 * @assay/client: the typed client of the Assay API. It depends on the server only through
 * `import type`, so nothing of the server is bundled into the SPA. Queries and mutations go
 * through httpBatchLink; subscriptions (executions.stream) through httpSubscriptionLink over
 * Server-Sent Events, with the `eventsource` ponyfill so they carry the same Authorization and
 * X-Organization-Id headers (the browser's EventSource sends no headers), in Node too. A
 * dropped stream reconnects by itself and resumes after the last chunk it received.
 */

import type { AppRouter } from "@assay/server/router";
import {
  createTRPCClient,
  type HTTPBatchLinkOptions,
  httpBatchLink,
  httpSubscriptionLink,
  splitLink,
  TRPCClientError,
} from "@trpc/client";
import type { inferRouterInputs, inferRouterOutputs } from "@trpc/server";
import { EventSource, type FetchLike } from "eventsource";

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
  /** Most calls sent in one request: the server's TRPC_MAX_BATCH_SIZE (default 20); more are split. */
  maxBatchSize?: number;
}

/** The server's default TRPC_MAX_BATCH_SIZE. */
export const DEFAULT_MAX_BATCH_SIZE = 20;

/**
 * A typed client: calls made in the same tick share one request (httpBatchLink, up to
 * maxBatchSize calls); subscriptions stream over SSE (httpSubscriptionLink) and resume after
 * the last tracked event on reconnect.
 */
export function createAssayClient(options: AssayClientOptions): AssayClient {
  const base = options.url.replace(/\/+$/, "");
  const headers = async (): Promise<Record<string, string>> => {
    const extra = typeof options.headers === "function" ? options.headers() : (options.headers ?? {});
    const token = typeof options.token === "function" ? await options.token() : options.token;
    return token ? { ...extra, authorization: `Bearer ${token}` } : extra;
  };
  const baseFetch = (options.fetch ?? globalThis.fetch) as unknown as FetchLike;
  // Each (re)connection reads the headers again, so a refreshed token is used.
  const streamFetch: FetchLike = async (url, init) =>
    baseFetch(url, { ...init, headers: { ...init.headers, ...(await headers()) } });
  return createTRPCClient<AppRouter>({
    links: [
      splitLink({
        condition: (op) => op.type === "subscription",
        true: httpSubscriptionLink({
          url: `${base}/trpc`,
          EventSource,
          eventSourceOptions: () => ({ fetch: streamFetch }),
        }),
        false: httpBatchLink({
          url: `${base}/trpc`,
          maxItems: options.maxBatchSize ?? DEFAULT_MAX_BATCH_SIZE,
          ...(options.fetch ? { fetch: options.fetch } : {}),
          headers,
        }),
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
