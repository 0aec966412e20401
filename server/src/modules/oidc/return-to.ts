/**
 * Where a federated sign-in may send the browser back to: only an origin or URL prefix in
 * OIDC_REDIRECT_ALLOWLIST (or APP_URL's origin), compared as parsed URLs, never as strings,
 * so look-alikes (`app.example.com.evil.test`, `app.example.com@evil.test`) stay out.
 */
import type { Config } from "../../config.js";
import { AppError } from "../../lib/app-error.js";

function parse(value: string, base?: string): URL | null {
  try {
    return new URL(value, base);
  } catch {
    return null;
  }
}

/** True when `url` falls under the allowlist entry `entry` (an origin, or an origin plus a path prefix). */
function allowedBy(url: URL, entry: string): boolean {
  const allowed = parse(entry);
  if (!allowed || allowed.origin !== url.origin) return false;
  const prefix = allowed.pathname;
  if (prefix === "/" || prefix === "") return true;
  const bare = prefix.endsWith("/") ? prefix.slice(0, -1) : prefix;
  return url.pathname === bare || url.pathname.startsWith(`${bare}/`);
}

/** The default landing place when a request names none, or names one that cannot be trusted. */
export function defaultReturnTo(config: Pick<Config, "appUrl">): string {
  return `${config.appUrl}/`;
}

/**
 * The validated absolute return URL for `requested` (absolute, or a path on APP_URL);
 * VALIDATION on anything not allowed, so /start never redirects anywhere unlisted.
 */
export function resolveReturnTo(config: Pick<Config, "appUrl" | "auth">, requested: string | undefined): string {
  if (requested === undefined || requested === "") return defaultReturnTo(config);
  // "//host/..." and "/\host" are scheme-relative in browsers: never treat them as paths.
  const isPath = requested.startsWith("/") && !requested.startsWith("//") && !requested.startsWith("/\\");
  const url = isPath ? parse(requested, config.appUrl) : parse(requested);
  const ok =
    url !== null &&
    (url.protocol === "https:" || url.protocol === "http:") &&
    url.username === "" &&
    url.password === "" &&
    [new URL(config.appUrl).origin, ...config.auth.oidc.redirectAllowlist].some((entry) => allowedBy(url, entry));
  if (!ok || !url) {
    throw new AppError("VALIDATION", "returnTo is not an allowed address (OIDC_REDIRECT_ALLOWLIST)", "returnTo");
  }
  url.hash = "";
  return url.toString();
}

/** `returnTo` with `params` added to its query (existing parameters of the same name replaced). */
export function withParams(returnTo: string, params: Record<string, string>): string {
  const url = new URL(returnTo);
  for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
  return url.toString();
}
