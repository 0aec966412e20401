/**
 * The MCP server at /mcp (Streamable HTTP, stateless: every POST carries its own JSON-RPC
 * exchange and gets a JSON answer). Behind the one guard; an unauthenticated call gets the
 * 401 challenge naming the protected-resource metadata, so an agent finds the authorization
 * server by itself. Each tool and resource runs a tRPC procedure as the request's credential.
 */
import type { AnyRouter } from "@trpc/server";
import { Hono, type Context as HonoContext, type MiddlewareHandler } from "hono";
import type { Context, Deps } from "../../context.js";
import { guard, signedInContext } from "../../http/route-guard.js";
import type { AppEnv } from "../../http/types.js";
import { createCallerFactory } from "../../trpc/init.js";
import type { CallProcedure } from "./mcp-server.js";
import { buildTools } from "./mcp-tools.js";
import { mcpResourceMetadataUrl, publicBaseUrl } from "./resource-metadata.http.js";

type ContextOf = (c: HonoContext<AppEnv>) => Context;

/** RFC 6750 §3 / MCP authorization: every 401 says where the resource's metadata is. */
function challenge(deps: Deps): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    await next();
    if (c.res.status !== 401) return;
    const metadataUrl = mcpResourceMetadataUrl(publicBaseUrl(deps.config, c));
    const error = c.req.header("authorization") ? 'error="invalid_token", ' : "";
    c.header("WWW-Authenticate", `Bearer ${error}resource_metadata="${metadataUrl}"`);
  };
}

/** Walks the caller proxy to the procedure at a dotted path. */
function procedureAt(caller: unknown, path: string): (input: unknown) => Promise<unknown> {
  return path.split(".").reduce((node, key) => (node as Record<string, unknown>)[key], caller) as (
    input: unknown,
  ) => Promise<unknown>;
}

// The MCP SDK is loaded by the first call to /mcp, not by every start of the server.
let mcpModules:
  | Promise<
      [typeof import("./mcp-server.js"), typeof import("@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js")]
    >
  | undefined;
function loadMcp() {
  mcpModules ??= Promise.all([
    import("./mcp-server.js"),
    import("@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js"),
  ]);
  return mcpModules;
}

/** The /mcp routes over `router` (mounted at /mcp). */
export function mcpRoutes(deps: Deps, router: AnyRouter, contextOf: ContextOf): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const tools = buildTools(router);
  const createCaller = createCallerFactory(router as never) as (ctx: Context) => unknown;
  app.all("/", challenge(deps), guard({ kind: "signed-in", name: "mcp", scope: "signed-in" }, contextOf), async (c) => {
    // Stateless: no server-initiated stream (GET) and no session to end (DELETE).
    if (c.req.method !== "POST") {
      const body = {
        jsonrpc: "2.0",
        error: { code: -32000, message: "Method not allowed: POST JSON-RPC messages" },
        id: null,
      };
      return c.json(body, 405, { allow: "POST" });
    }
    const [{ createMcpServer }, { WebStandardStreamableHTTPServerTransport }] = await loadMcp();
    const ctx = signedInContext(c);
    const caller = createCaller(ctx);
    const call: CallProcedure = (path, input) => procedureAt(caller, path)(input);
    const server = createMcpServer({ version: deps.version, tools, call, log: ctx.log });
    const transport = new WebStandardStreamableHTTPServerTransport({ enableJsonResponse: true });
    await server.connect(transport);
    try {
      return await transport.handleRequest(c.req.raw);
    } finally {
      await server.close();
    }
  });
  return app;
}
