/**
 * The web app's static handler over a stand-in build: files, the index fallback, its CSP, the
 * server's own paths left alone, and who answers the mail-link pages with and without a build.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Hono } from "hono";
import { afterAll, describe, expect, it } from "vitest";
import type { AppEnv } from "./types.js";
import { MAIL_LINK_PAGES, mailLinkPageOwner, mailLinkRoutes, WEB_APP_CSP, webAppRoutes, webBuild } from "./web-app.js";

const dist = mkdtempSync(join(tmpdir(), "assay-web-"));
mkdirSync(join(dist, "assets"));
writeFileSync(join(dist, "index.html"), "<!doctype html><title>Assay</title><div id=root></div>");
writeFileSync(join(dist, "assets", "index-abc.js"), "console.log(1)");
writeFileSync(join(dist, "favicon.svg"), "<svg/>");

/** The order app.ts mounts them in: the mail-link routes, the server's pages (stand-ins here), the web app last. */
function host(dir: string): Hono<AppEnv> {
  const build = webBuild(dir);
  const app = new Hono<AppEnv>();
  app.route("/", mailLinkRoutes(build));
  for (const path of MAIL_LINK_PAGES) {
    app.get(path, (c) => c.text(`server page GET ${path}`));
    app.post(path, (c) => c.text(`server page POST ${path}`));
  }
  app.route("/", webAppRoutes(build));
  app.notFound((c) => c.json({ notFound: true }, 404));
  return app;
}

const app = host(dist);
const unbuilt = host(join(dist, "nowhere"));

afterAll(() => rmSync(dist, { recursive: true, force: true }));

describe("web app routes", () => {
  it("answers client-side routes with the index under a strict CSP", async () => {
    for (const path of ["/", "/sign-in", "/orgs/x/assessments/y", "/invitations/elsewhere"]) {
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
    const res = await unbuilt.request("/");
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("pnpm build");
  });

  it("answers a mail link's GET with the app when it is built, else with the server's page; POST is the server's", async () => {
    expect(mailLinkPageOwner(webBuild(dist))).toBe("web-app");
    expect(mailLinkPageOwner(webBuild(join(dist, "nowhere")))).toBe("server-page");
    expect(mailLinkPageOwner(webBuild(null))).toBe("server-page");
    for (const path of MAIL_LINK_PAGES) {
      const link = `${path}?token=${"t".repeat(43)}`;
      const res = await app.request(link);
      expect(res.status, path).toBe(200);
      expect(res.headers.get("content-security-policy")).toBe(WEB_APP_CSP);
      // The URL carries the link's token: nothing keeps the answer.
      expect(res.headers.get("cache-control")).toBe("no-store");
      expect(await res.text()).toContain("<div id=root>");
      expect(await (await app.request(link, { method: "POST" })).text()).toBe(`server page POST ${path}`);
      expect(await (await unbuilt.request(link)).text()).toBe(`server page GET ${path}`);
      expect(await (await unbuilt.request(link, { method: "POST" })).text()).toBe(`server page POST ${path}`);
    }
  });
});
