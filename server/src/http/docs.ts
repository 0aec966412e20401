/** /docs: Swagger UI over /api/v1/openapi.json, served from node_modules (no CDN). */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { Hono } from "hono";
import { publicRoute } from "./route-guard.js";
import type { AppEnv } from "./types.js";

const require = createRequire(import.meta.url);
const swaggerDir = dirname(require.resolve("swagger-ui-dist/package.json"));
const ASSETS: Record<string, string> = {
  "swagger-ui.css": "text/css; charset=utf-8",
  "swagger-ui-bundle.js": "text/javascript; charset=utf-8",
};

const page = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Assay API</title>
<link rel="stylesheet" href="/docs/swagger-ui.css">
</head>
<body>
<div id="swagger-ui"></div>
<script src="/docs/swagger-ui-bundle.js"></script>
<script src="/docs/init.js"></script>
</body>
</html>`;

// A file, not an inline script, so the page's CSP can forbid inline scripts.
const init = `window.ui = SwaggerUIBundle({
  url: "/api/v1/openapi.json",
  dom_id: "#swagger-ui",
  deepLinking: true,
  persistAuthorization: true,
});`;

// Swagger UI sets inline style attributes, hence 'unsafe-inline' for styles only.
export const DOCS_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; font-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/** The /docs sub-app. */
export function docsRoutes(): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const cache = new Map<string, string>();
  const open = publicRoute("API documentation: static pages over the public OpenAPI document");
  app.get("/", open, (c) => c.html(page));
  app.get("/init.js", open, (c) => c.body(init, 200, { "content-type": "text/javascript; charset=utf-8" }));
  app.get("/:asset", open, (c) => {
    const name = c.req.param("asset");
    const type = ASSETS[name];
    if (!type) return c.notFound();
    let body = cache.get(name);
    if (body === undefined) {
      body = readFileSync(join(swaggerDir, name), "utf8");
      cache.set(name, body);
    }
    return c.body(body, 200, { "content-type": type, "cache-control": "public, max-age=86400" });
  });
  return app;
}
