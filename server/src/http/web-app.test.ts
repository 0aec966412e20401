/** The web app's static handler over a stand-in build: files, the index fallback, its CSP, and the server's own paths left alone. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Hono } from "hono";
import { afterAll, describe, expect, it } from "vitest";
import type { AppEnv } from "./types.js";
import { WEB_APP_CSP, webAppRoutes } from "./web-app.js";

const dist = mkdtempSync(join(tmpdir(), "assay-web-"));
mkdirSync(join(dist, "assets"));
writeFileSync(join(dist, "index.html"), "<!doctype html><title>Assay</title><div id=root></div>");
writeFileSync(join(dist, "assets", "index-abc.js"), "console.log(1)");
writeFileSync(join(dist, "favicon.svg"), "<svg/>");

const app = new Hono<AppEnv>();
app.route("/", webAppRoutes(dist));
app.notFound((c) => c.json({ notFound: true }, 404));

afterAll(() => rmSync(dist, { recursive: true, force: true }));

describe("web app routes", () => {
  it("answers client-side routes with the index under a strict CSP", async () => {
    for (const path of ["/", "/sign-in", "/orgs/x/assessments/y"]) {
      const res = await app.request(path);
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toContain("text/html");
      expect(res.headers.get("content-security-policy")).toBe(WEB_APP_CSP);
      expect(await res.text()).toContain("<div id=root>");
    }
    expect(WEB_APP_CSP).toContain("script-src 'self'");
    expect(WEB_APP_CSP).not.toContain("unsafe-inline");
  });

  it("serves the build's files, hashed assets cached for good", async () => {
    const js = await app.request("/assets/index-abc.js");
    expect(js.status).toBe(200);
    expect(js.headers.get("content-type")).toContain("text/javascript");
    expect(js.headers.get("cache-control")).toContain("immutable");
    expect((await app.request("/favicon.svg")).headers.get("content-type")).toBe("image/svg+xml");
  });

  it("answers 404 for missing files, paths outside the build and the server's own paths", async () => {
    expect((await app.request("/assets/missing.js")).status).toBe(404);
    expect((await app.request("/assets/..%2f..%2fsecret.js")).status).toBe(404);
    expect((await app.request("/%E0%A4%A")).status).toBe(404);
    for (const path of ["/api/nope", "/trpc/nope", "/panel", "/docs/x", "/health/x", "/.well-known/x"]) {
      expect((await app.request(path)).status, path).toBe(404);
    }
  });

  it("tells how to build the app when there is no build", async () => {
    const bare = new Hono<AppEnv>();
    bare.route("/", webAppRoutes(join(dist, "nowhere")));
    const res = await bare.request("/");
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("pnpm build");
  });
});
