/**
 * The HTTP host in-process: shared middleware, the REST and tRPC error shapes, validation
 * errors by field, and that no error leaks internals. A probe router extends the real one
 * with procedures that take input and fail on purpose.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { createApp, pickClientIp } from "./app.js";
import { appRouter } from "./app-router.js";
import { AppError } from "./lib/app-error.js";
import { createHarness, type Harness } from "./test-support/harness.js";
import { mergeRouters, router } from "./trpc/init.js";
import { publicProcedure } from "./trpc/procedures.js";

const probeRouter = router({
  probe: router({
    echo: publicProcedure
      .meta({ openapi: { method: "POST", path: "/probe/echo", protect: false } })
      .input(z.object({ name: z.string().min(2), nested: z.object({ count: z.number().int() }) }))
      .output(z.object({ greeting: z.string() }))
      .mutation(({ input }) => ({ greeting: `hello ${input.name}` })),
    missing: publicProcedure
      .meta({ openapi: { method: "GET", path: "/probe/missing", protect: false } })
      .input(z.object({ id: z.string() }))
      .output(z.object({ id: z.string() }))
      .query(({ input }) => {
        throw new AppError("NOT_FOUND", `No thing ${input.id}`, "id");
      }),
    flags: publicProcedure
      .meta({ openapi: { method: "POST", path: "/probe/flags", protect: false } })
      .input(z.object({ admin: z.boolean(), count: z.number().int().optional() }))
      .output(z.object({ admin: z.boolean(), count: z.number().nullable() }))
      .mutation(({ input }) => ({ admin: input.admin, count: input.count ?? null })),
    listing: publicProcedure
      .meta({ openapi: { method: "GET", path: "/probe/listing", protect: false } })
      .input(
        z.object({
          page: z.number().int().min(1).default(1),
          active: z.boolean().optional(),
          ids: z.array(z.string()).optional(),
        }),
      )
      .output(z.object({ page: z.number(), active: z.boolean().nullable(), ids: z.array(z.string()) }))
      .query(({ input }) => ({ page: input.page, active: input.active ?? null, ids: input.ids ?? [] })),
    crash: publicProcedure
      .meta({ openapi: { method: "GET", path: "/probe/crash", protect: false } })
      .input(z.void())
      .output(z.object({}))
      .query(() => {
        throw new Error("password=hunter2 at db.internal:5432");
      }),
  }),
});
const testRouter = mergeRouters(appRouter, probeRouter);

function expectRestError(body: unknown, code: string, requestId: string | null) {
  expect(body).toMatchObject({ success: false, requestId });
  const errors = (body as { errors: { code: string }[] }).errors;
  expect(errors.length).toBeGreaterThan(0);
  expect(errors[0]?.code).toBe(code);
}

describe("HTTP host", () => {
  let h: Harness;
  let app: ReturnType<typeof createApp>;
  beforeAll(async () => {
    h = await createHarness({ BODY_LIMIT_BYTES: "2048", CORS_ORIGINS: "https://app.example.com" });
    app = createApp(h.deps, testRouter);
  });
  afterAll(() => h.close());

  it("honours a valid X-Request-ID, replaces an unsafe one, and sends version and security headers", async () => {
    const kept = await app.request("/health", { headers: { "X-Request-ID": "trace-42" } });
    expect(kept.headers.get("x-request-id")).toBe("trace-42");
    const replaced = await app.request("/health", { headers: { "X-Request-ID": "bad id\twith spaces" } });
    expect(replaced.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
    for (const res of [kept, replaced]) {
      expect(res.headers.get("x-api-version")).toBe("1");
      expect(res.headers.get("x-content-type-options")).toBe("nosniff");
      expect(res.headers.get("x-frame-options")).toBe("DENY");
      expect(res.headers.get("referrer-policy")).toBe("no-referrer");
      expect(res.headers.get("content-security-policy")).toContain("default-src 'none'");
      // HSTS only in production, where TLS is expected in front.
      expect(res.headers.get("strict-transport-security")).toBeNull();
    }
  });

  it("answers CORS preflights for configured origins only", async () => {
    const allowed = await app.request("/api/v1/system/info", {
      method: "OPTIONS",
      headers: { Origin: "https://app.example.com", "Access-Control-Request-Method": "GET" },
    });
    expect(allowed.headers.get("access-control-allow-origin")).toBe("https://app.example.com");
    const refused = await app.request("/api/v1/system/info", {
      method: "OPTIONS",
      headers: { Origin: "https://evil.example.com", "Access-Control-Request-Method": "GET" },
    });
    expect(refused.headers.get("access-control-allow-origin")).toBeNull();
  });

  it("REST validation errors list every invalid field by path", async () => {
    const res = await app.request("/api/v1/probe/echo", {
      method: "POST",
      headers: { "content-type": "application/json", "x-request-id": "val-1" },
      body: JSON.stringify({ name: "a", nested: { count: 1.5 }, extra: true }),
    });
    expect(res.status).toBe(400);
    const body = await res.json();
    expectRestError(body, "VALIDATION", "val-1");
    // Unknown keys are refused with the other problems, each by its own path.
    expect(body.errors.map((e: { field: string }) => e.field).sort()).toEqual(["extra", "name", "nested.count"]);
  });

  it("tRPC validation errors carry the same code, fields and request id in data", async () => {
    const res = await app.request("/trpc/probe.echo", {
      method: "POST",
      headers: { "content-type": "application/json", "x-request-id": "val-2" },
      body: JSON.stringify({ name: "a", nested: { count: "x" } }),
    });
    expect(res.status).toBe(400);
    const { error } = await res.json();
    expect(error.data).toMatchObject({ code: "VALIDATION", requestId: "val-2", httpStatus: 400 });
    expect(error.data.errors.map((e: { field: string }) => e.field).sort()).toEqual(["name", "nested.count"]);
  });

  it("a service's AppError keeps its status and code through both doors", async () => {
    const rest = await app.request("/api/v1/probe/missing?id=42");
    expect(rest.status).toBe(404);
    const body = await rest.json();
    expectRestError(body, "NOT_FOUND", rest.headers.get("x-request-id"));
    expect(body.errors[0]).toEqual({ code: "NOT_FOUND", message: "No thing 42", field: "id" });
    const trpc = await app.request(`/trpc/probe.missing?input=${encodeURIComponent(JSON.stringify({ id: "42" }))}`);
    expect(trpc.status).toBe(404);
    expect((await trpc.json()).error.data.code).toBe("NOT_FOUND");
  });

  it('never coerces body values: the string "false" is not a boolean on either door', async () => {
    const post = (url: string, body: unknown) =>
      app.request(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
    const rest = await post("/api/v1/probe/flags", { admin: "false" });
    expect(rest.status).toBe(400);
    expect((await rest.json()).errors[0]).toMatchObject({ code: "VALIDATION", field: "admin" });
    // After a REST call, the tRPC door must not have picked up any coercion either.
    const trpc = await post("/trpc/probe.flags", { admin: "false", count: "7" });
    expect(trpc.status).toBe(400);
    const ok = await post("/api/v1/probe/flags", { admin: false, count: 7 });
    expect(await ok.json()).toEqual({ admin: false, count: 7 });
  });

  it("types REST query parameters from the schema, strictly", async () => {
    const res = await app.request("/api/v1/probe/listing?page=3&active=false&ids=a&ids=b");
    expect(await res.json()).toEqual({ page: 3, active: false, ids: ["a", "b"] });
    const bad = await app.request("/api/v1/probe/listing?page=3x&active=yes");
    expect(bad.status).toBe(400);
    const fields = (await bad.json()).errors.map((e: { field: string }) => e.field).sort();
    expect(fields).toEqual(["active", "page"]);
  });

  it("an unexpected failure answers 500 without its message or a stack trace", async () => {
    for (const path of ["/api/v1/probe/crash", "/trpc/probe.crash"]) {
      const res = await app.request(path);
      expect(res.status).toBe(500);
      const text = await res.text();
      expect(text).toContain("Internal server error");
      expect(text).not.toContain("hunter2");
      expect(text).not.toMatch(/\n\s+at |node_modules|stack/);
    }
  });

  it("refuses bodies over the limit with 413 PAYLOAD_TOO_LARGE", async () => {
    const body = JSON.stringify({ name: "x".repeat(4096), nested: { count: 1 } });
    const res = await app.request("/api/v1/probe/echo", {
      method: "POST",
      headers: { "content-type": "application/json", "content-length": String(body.length) },
      body,
    });
    expect(res.status).toBe(413);
    expectRestError(await res.json(), "PAYLOAD_TOO_LARGE", res.headers.get("x-request-id"));
  });

  it("refuses a body that is not JSON, or not declared as JSON", async () => {
    const malformed = await app.request("/api/v1/probe/echo", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{nope",
    });
    expect(malformed.status).toBe(400);
    expectRestError(await malformed.json(), "BAD_REQUEST", malformed.headers.get("x-request-id"));
    const wrongType = await app.request("/api/v1/probe/echo", {
      method: "POST",
      headers: { "content-type": "text/plain" },
      body: "name=x",
    });
    expect(wrongType.status).toBe(415);
    expectRestError(await wrongType.json(), "UNSUPPORTED_MEDIA_TYPE", wrongType.headers.get("x-request-id"));
  });

  it("answers unknown routes with 404 in the REST error shape", async () => {
    // Other GETs outside the server's own paths belong to the web app (http/web-app.test.ts).
    const res = await app.request("/api/nowhere", { headers: { "x-request-id": "nf-1" } });
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({
      success: false,
      errors: [{ code: "NOT_FOUND", message: "No route for GET /api/nowhere", field: null }],
      requestId: "nf-1",
    });
  });

  it("answers 503 on the API while start-up migrations are pending, but stays live", async () => {
    h.deps.readiness.migrated = false;
    try {
      const api = await app.request("/api/v1/system/info");
      expect(api.status).toBe(503);
      expectRestError(await api.json(), "SERVICE_UNAVAILABLE", api.headers.get("x-request-id"));
      expect((await app.request("/trpc/system.info")).status).toBe(503);
      expect((await app.request("/health")).status).toBe(200);
      expect((await app.request("/health/ready")).status).toBe(503);
    } finally {
      h.deps.readiness.migrated = true;
    }
  });

  it("opens mail links in the web app when it is built, in the server's pages otherwise; their POST stays the server's", async () => {
    const dist = mkdtempSync(join(tmpdir(), "assay-web-"));
    try {
      writeFileSync(join(dist, "index.html"), "<!doctype html><title>Assay</title><div id=root></div>");
      const built = createApp(h.deps, appRouter, { webDistDir: dist });
      const token = "x".repeat(43);
      const form = { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" } };
      for (const path of ["/reset-password", "/invitations/accept"]) {
        const app = await built.request(`${path}?token=${token}`);
        expect(app.status, path).toBe(200);
        expect(await app.text()).toContain("<div id=root>");
        expect(app.headers.get("content-security-policy")).toContain("script-src 'self'");
        const page = await h.app.request(`${path}?token=${token}`);
        expect(await page.text()).toMatch(/<main><h1>.+<\/h1>/);
        expect(page.headers.get("content-security-policy")).not.toContain("script-src");
        // A form post without the page's CSRF pair: the server page's own refusal, built or not.
        const post = await built.request(path, { ...form, body: `token=${token}&csrf=forged` });
        expect(post.status, path).toBe(403);
        expect(post.headers.get("content-type")).toContain("text/html");
      }
    } finally {
      rmSync(dist, { recursive: true, force: true });
    }
  });

  it("lists every procedure with its JSON Schemas in the panel catalogue", async () => {
    const res = await app.request("/panel/procedures.json");
    const { procedures } = await res.json();
    const echo = procedures.find((p: { path: string }) => p.path === "probe.echo");
    expect(echo).toMatchObject({ type: "mutation", rest: { method: "POST", path: "/api/v1/probe/echo" } });
    expect(echo.inputSchema.properties.nested.properties.count.type).toBe("integer");
    expect(echo.outputSchema.properties.greeting.type).toBe("string");
    expect(procedures.map((p: { path: string }) => p.path)).toContain("system.info");
  });
});

describe("HTTP host in production", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness({ NODE_ENV: "production" });
  });
  afterAll(() => h.close());

  it("sends HSTS and keeps the developer panel off", async () => {
    const res = await h.app.request("/health");
    expect(res.headers.get("strict-transport-security")).toContain("max-age=");
    expect((await h.app.request("/panel")).status).toBe(404);
    expect((await h.app.request("/docs")).status).toBe(200);
  });
});

describe("client address", () => {
  it("is the socket peer unless proxies are trusted, then the entry the nearest trusted proxy added", () => {
    expect(pickClientIp("6.6.6.6", "10.0.0.9", 0)).toBe("10.0.0.9");
    expect(pickClientIp("6.6.6.6, 203.0.113.7", "10.0.0.9", 1)).toBe("203.0.113.7");
    expect(pickClientIp("6.6.6.6, 203.0.113.7, 10.0.0.8", "10.0.0.9", 2)).toBe("203.0.113.7");
    // More hops than entries: the left-most address, never undefined.
    expect(pickClientIp(undefined, "10.0.0.9", 3)).toBe("10.0.0.9");
  });
});
