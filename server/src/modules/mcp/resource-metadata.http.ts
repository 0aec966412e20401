/**
 * OAuth 2.0 Protected Resource Metadata (RFC 9728): how an agent that met a 401 finds out
 * which authorization server issues tokens for Assay and which scopes exist. One document for
 * the API as a whole, one for the MCP endpoint (the MCP authorization specification's path).
 */
import type { Context as HonoContext } from "hono";
import { Hono } from "hono";
import type { Config } from "../../config.js";
import { publicRoute } from "../../http/route-guard.js";
import type { AppEnv } from "../../http/types.js";
import { SCOPES } from "../../identity/scopes.js";

export const PROTECTED_RESOURCE_PATH = "/.well-known/oauth-protected-resource";

/** Where clients reach this server: PUBLIC_URL, else the request's own origin. */
export function publicBaseUrl(config: Pick<Config, "publicUrl">, c: HonoContext<AppEnv>): string {
  return (config.publicUrl ?? new URL(c.req.url).origin).replace(/\/+$/, "");
}

/** The metadata URL of the MCP endpoint, as its 401 challenge names it. */
export function mcpResourceMetadataUrl(base: string): string {
  return `${base}${PROTECTED_RESOURCE_PATH}/mcp`;
}

function metadata(resource: string, base: string) {
  return {
    resource,
    // Assay's own OAuth authorization server, whose issuer is the public URL.
    authorization_servers: [base],
    scopes_supported: [...SCOPES],
    bearer_methods_supported: ["header"],
    resource_name: "Assay",
  };
}

/** The routes, mounted at the root of the app. */
export function resourceMetadataRoutes(config: Config): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  // Public documents, read cross-origin by browser-based clients too.
  const headers = { "cache-control": "public, max-age=300", "access-control-allow-origin": "*" };
  app.get(PROTECTED_RESOURCE_PATH, publicRoute("OAuth protected resource metadata (RFC 9728)"), (c) => {
    const base = publicBaseUrl(config, c);
    return c.json(metadata(base, base), 200, headers);
  });
  app.get(
    `${PROTECTED_RESOURCE_PATH}/mcp`,
    publicRoute("OAuth protected resource metadata of /mcp (RFC 9728)"),
    (c) => {
      const base = publicBaseUrl(config, c);
      return c.json(metadata(`${base}/mcp`, base), 200, headers);
    },
  );
  return app;
}
