/**
 * `/`: the web app (apps/web, built by `pnpm build` into apps/web/dist). Files of the build are
 * served as they are (hashed assets cached for a year); any other GET outside the server's own
 * paths answers the app's index.html, so client-side routes survive a reload. `/api/…`, `/trpc/…`
 * and the other server paths keep their own answers, 404 included. Pages carry a strict
 * Content-Security-Policy: scripts and styles from this origin only, nothing inline.
 *
 * The pages mail links open (MAIL_LINK_PAGES) are app routes too, at the same URLs, when the
 * build is there; without one, the server's own script-free pages answer them (mailLinkRoutes).
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { extname, join, normalize, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { type Context, Hono } from "hono";
import { codeFile } from "../code-files.js";
import { publicRoute } from "./route-guard.js";
import type { AppEnv } from "./types.js";

/** apps/web/dist (src/ and dist/ both sit one level below server/). */
export const WEB_DIST_DIR = fileURLToPath(codeFile("../../apps/web/dist/"));

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

/** The build in one directory, read on demand: a file is read once, then served from memory. */
export interface WebBuild {
  /** The file at `path` (relative to the build), or undefined when missing or outside it. */
  file(path: string): Buffer | undefined;
  /** Whether the build is there: its index.html exists (checked on every call until it does). */
  built(): boolean;
}

/** The build in `dir` (default apps/web/dist); null stands for no build at all (server tests). */
export function webBuild(dir: string | null = WEB_DIST_DIR): WebBuild {
  const distDir = dir === null ? null : dir.endsWith(sep) ? dir : `${dir}${sep}`;
  const files = new Map<string, Buffer>();
  const file = (path: string): Buffer | undefined => {
    if (distDir === null) return undefined;
    const name = normalize(join(distDir, path));
    if (!name.startsWith(distDir)) return undefined;
    let body = files.get(name);
    if (body === undefined) {
      if (!existsSync(name) || !statSync(name).isFile()) return undefined;
      body = readFileSync(name);
      files.set(name, body);
    }
    return body;
  };
  return { file, built: () => file("index.html") !== undefined };
}

/** The app's index.html (or the page saying how to build it), under the app's CSP. */
function indexPage(c: Context<AppEnv>, build: WebBuild, cacheControl = "no-cache"): Response {
  const index = build.file("index.html");
  c.header("Content-Security-Policy", WEB_APP_CSP);
  c.header("Cache-Control", cacheControl);
  if (!index) return c.html(NOT_BUILT);
  return c.body(new Uint8Array(index), 200, { "content-type": "text/html; charset=utf-8" });
}

/**
 * The pages the server's mails link to (orgs/invitation-mail.ts, lib/mail/password-reset-mail.ts),
 * which are also routes of the web app at the same URLs.
 */
export const MAIL_LINK_PAGES = ["/invitations/accept", "/reset-password"] as const;

/**
 * Who answers a GET of a mail-link page, decided here and nowhere else: the web app (its index,
 * like any of its routes) when the build is there, else the server's own page
 * (modules/orgs/invitation-pages.http.ts, modules/auth/password-reset-pages.http.ts: plain
 * forms, no scripts). Their POST is always the server page's, so a form it rendered still posts.
 */
export function mailLinkPageOwner(build: WebBuild): "web-app" | "server-page" {
  return build.built() ? "web-app" : "server-page";
}

/**
 * Mounted before the server's mail-link pages: their GET answers the app's index when the web
 * app owns them (`no-store`: the URL carries the link's token), else passes on to the server's page.
 */
export function mailLinkRoutes(build: WebBuild): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const open = publicRoute("mail-link page: the web app's route (its token is checked by the procedure it calls)");
  for (const path of MAIL_LINK_PAGES) {
    app.get(path, open, (c, next) =>
      mailLinkPageOwner(build) === "web-app" ? indexPage(c, build, "no-store") : next(),
    );
  }
  return app;
}

/** The /-mounted sub-app serving `build` (tests may point it elsewhere). */
export function webAppRoutes(build: WebBuild = webBuild()): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
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
      const body = build.file(path);
      if (!body) return c.notFound();
      const immutable = path.startsWith("/assets/");
      return c.body(new Uint8Array(body), 200, {
        "content-type": TYPES[ext] ?? "application/octet-stream",
        "cache-control": immutable ? "public, max-age=31536000, immutable" : "public, max-age=3600",
        "Content-Security-Policy": WEB_APP_CSP,
      });
    }
    return indexPage(c, build);
  });
  return app;
}
