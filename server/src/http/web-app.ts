/**
 * `/`: the web app (apps/web, built by `pnpm build` into apps/web/dist). Files of the build are
 * served as they are (hashed assets cached for a year); any other GET outside the server's own
 * paths answers the app's index.html, so client-side routes survive a reload. `/api/…`, `/trpc/…`
 * and the other server paths keep their own answers, 404 included. Pages carry a strict
 * Content-Security-Policy: scripts and styles from this origin only, nothing inline.
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { extname, join, normalize, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { type Context, Hono } from "hono";
import { publicRoute } from "./route-guard.js";
import type { AppEnv } from "./types.js";

/** apps/web/dist, found from this file (src/http or dist/http: both sit two levels below server/). */
export const WEB_DIST_DIR = fileURLToPath(new URL("../../../apps/web/dist/", import.meta.url));

export const WEB_APP_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; font-src 'self'; connect-src 'self'; manifest-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'; object-src 'none'";

/** Paths the server answers itself: never the app's index, whatever follows. */
const SERVER_PREFIXES = [
  "/api",
  "/trpc",
  "/health",
  "/docs",
  "/panel",
  "/mcp",
  "/oauth",
  "/auth/oidc",
  "/bench",
  "/invitations",
  "/.well-known",
];

const TYPES: Record<string, string> = {
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".woff2": "font/woff2",
  ".json": "application/json",
  ".txt": "text/plain; charset=utf-8",
  ".webmanifest": "application/manifest+json",
};

const NOT_BUILT = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Assay</title></head>
<body><main><h1>The web app is not built</h1>
<p>Run <code>pnpm build</code> (or <code>pnpm start</code>, which builds first), then reload. The API is at <code>/trpc</code> and <code>/api/v1</code>.</p>
</main></body></html>`;

function ownedByServer(path: string): boolean {
  return SERVER_PREFIXES.some((prefix) => path === prefix || path.startsWith(`${prefix}/`));
}

/** The /-mounted sub-app serving `distDir` (tests may point it elsewhere). */
export function webAppRoutes(dir: string = WEB_DIST_DIR): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const distDir = dir.endsWith(sep) ? dir : `${dir}${sep}`;
  const files = new Map<string, Buffer>();
  const read = (file: string): Buffer | undefined => {
    let body = files.get(file);
    if (body === undefined) {
      if (!existsSync(file) || !statSync(file).isFile()) return undefined;
      body = readFileSync(file);
      files.set(file, body);
    }
    return body;
  };
  const page = (c: Context<AppEnv>) => {
    const index = read(join(distDir, "index.html"));
    c.header("Content-Security-Policy", WEB_APP_CSP);
    c.header("Cache-Control", "no-cache");
    if (!index) return c.html(NOT_BUILT);
    return c.body(new Uint8Array(index), 200, { "content-type": "text/html; charset=utf-8" });
  };
  const open = publicRoute("the web app: static files of the build and its index page for client-side routes");

  app.get("/*", open, (c) => {
    let path: string;
    try {
      path = decodeURIComponent(c.req.path);
    } catch {
      return c.notFound();
    }
    if (ownedByServer(path)) return c.notFound();
    const ext = extname(path);
    if (ext && ext !== ".html") {
      const file = normalize(join(distDir, path));
      if (!file.startsWith(distDir)) return c.notFound();
      const body = read(file);
      if (!body) return c.notFound();
      const immutable = path.startsWith("/assets/");
      return c.body(new Uint8Array(body), 200, {
        "content-type": TYPES[ext] ?? "application/octet-stream",
        "cache-control": immutable ? "public, max-age=31536000, immutable" : "public, max-age=3600",
        "Content-Security-Policy": WEB_APP_CSP,
      });
    }
    return page(c);
  });
  return app;
}
