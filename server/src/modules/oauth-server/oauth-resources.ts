/**
 * Who issues OAuth tokens and for what (RFC 8414, RFC 8707): the issuer is PUBLIC_URL, or
 * the origin a request came to when PUBLIC_URL is unset; the protected resources are the API
 * (the issuer itself: /trpc and /api/v1) and the MCP endpoint (`<issuer>/mcp`). A token is
 * for exactly one of them (its `aud`), and each door accepts only its own.
 */
import type { Config } from "../../config.js";

export interface OAuthResources {
  /** /trpc and /api/v1 (its RFC 9728 metadata: /.well-known/oauth-protected-resource). */
  api: string;
  /** /mcp (its RFC 9728 metadata: /.well-known/oauth-protected-resource/mcp). */
  mcp: string;
}

/** The issuer identifier for a request to `requestUrl` (no trailing slash). */
export function issuerFor(config: Pick<Config, "publicUrl">, requestUrl: string): string {
  return (config.publicUrl ?? new URL(requestUrl).origin).replace(/\/+$/, "");
}

/** The resource identifiers under `issuer`. */
export function resourcesOf(issuer: string): OAuthResources {
  return { api: issuer, mcp: `${issuer}/mcp` };
}

/** The resource a request to `path` addresses: /mcp (and below) is the MCP endpoint, anything else the API. */
export function resourceAddressed(issuer: string, path: string): string {
  const resources = resourcesOf(issuer);
  return path === "/mcp" || path.startsWith("/mcp/") ? resources.mcp : resources.api;
}
