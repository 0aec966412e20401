/**
 * /panel: the developer panel. Lists every procedure with its input and output JSON Schema
 * and calls it through /trpc with an optional bearer token. Static files, no CDN.
 */
import { readFileSync } from "node:fs";
import type { AnyRouter } from "@trpc/server";
import { Hono } from "hono";
import { codeFile } from "../code-files.js";
import { listProcedures } from "../trpc/catalogue.js";
import { publicRoute } from "./route-guard.js";
import type { AppEnv } from "./types.js";

const STATIC = codeFile("http/static/");
const FILES: Record<string, string> = {
  "panel.js": "text/javascript; charset=utf-8",
  "panel.css": "text/css; charset=utf-8",
};

export const PANEL_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/** The /panel sub-app for `router`. */
export function panelRoutes(router: AnyRouter): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const page = readFileSync(new URL("panel.html", STATIC), "utf8");
  const assets = new Map(Object.keys(FILES).map((name) => [name, readFileSync(new URL(name, STATIC), "utf8")]));
  let catalogue: string | undefined;
  // The page and the catalogue describe procedures; every call the panel makes goes through /trpc.
  const open = publicRoute("developer panel: static page and the procedure catalogue");
  app.get("/", open, (c) => c.html(page));
  app.get("/procedures.json", open, (c) => {
    catalogue ??= JSON.stringify({ procedures: listProcedures(router) });
    return c.body(catalogue, 200, { "content-type": "application/json" });
  });
  app.get("/:asset", open, (c) => {
    const name = c.req.param("asset");
    const body = assets.get(name);
    const type = FILES[name];
    if (body === undefined || type === undefined) return c.notFound();
    return c.body(body, 200, { "content-type": type });
  });
  return app;
}
