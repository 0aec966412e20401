/**
 * Proves the REST door over plain HTTP: /api/v1/system/info mirrors the tRPC output, every
 * response carries the API/security/request-id headers, and errors (404, 413, 400) come in
 * Assay's one error shape with no stack traces.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startReadyServer, type TestServer } from "./support/server.js";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const BODY_LIMIT = 1024;

interface ErrorBody {
  success: false;
  errors: { code: string; message: string; field: string | null }[];
  requestId: string;
}

describe("REST API over HTTP", () => {
  let server: TestServer;

  async function call(label: string, path: string, init?: RequestInit) {
    const res = await fetch(`${server.url}${path}`, init);
    return { label, res, text: await res.text() };
  }

  /** One response of every kind: successes, each error path, tRPC, health, the document. */
  function everyKindOfResponse() {
    const json = { "content-type": "application/json" };
    const big = JSON.stringify({ padding: "x".repeat(4096) });
    return Promise.all([
      call("rest info", "/api/v1/system/info"),
      call("trpc info", "/trpc/system.info"),
      call("trpc missing", "/trpc/system.missing"),
      call("health", "/health"),
      call("ready", "/health/ready"),
      call("openapi", "/api/v1/openapi.json"),
      call("unknown route", "/api/v1/no/such/route"),
      call("unknown route outside v1", "/api/nowhere"),
      call("too large", "/api/v1/system/info", { method: "POST", headers: json, body: big }),
      call("malformed", "/api/v1/auth/login", { method: "POST", headers: json, body: "{" }),
      call("wrong method", "/api/v1/system/info", { method: "DELETE" }),
    ]);
  }

  function expectErrorBody(res: Response, text: string, code: string): ErrorBody {
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    const body = JSON.parse(text) as ErrorBody;
    expect(Object.keys(body).sort()).toEqual(["errors", "requestId", "success"]);
    expect(body.success).toBe(false);
    expect(body.errors).toHaveLength(1);
    expect(Object.keys(body.errors[0] ?? {}).sort()).toEqual(["code", "field", "message"]);
    expect(body.errors[0]?.code).toBe(code);
    expect(typeof body.errors[0]?.message).toBe("string");
    expect(body.errors[0]?.message).not.toBe("");
    expect(body.errors[0]?.field).toBeNull();
    expect(body.requestId).toBe(res.headers.get("x-request-id"));
    return body;
  }

  beforeAll(async () => {
    server = await startReadyServer({ env: { BODY_LIMIT_BYTES: String(BODY_LIMIT) } });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it("GET /api/v1/system/info answers 200 with the same JSON as the tRPC procedure", async () => {
    const { res, text } = await call("rest info", "/api/v1/system/info");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    const rest = JSON.parse(text) as Record<string, unknown>;
    const trpc = await call("trpc info", "/trpc/system.info");
    expect(trpc.res.status).toBe(200);
    const viaTrpc = (JSON.parse(trpc.text) as { result: { data: Record<string, unknown> } }).result.data;
    expect(Object.keys(rest).sort()).toEqual(Object.keys(viaTrpc).sort());
    const { uptimeSeconds: a, ...restStable } = rest;
    const { uptimeSeconds: b, ...trpcStable } = viaTrpc;
    expect(restStable).toEqual(trpcStable);
    expect(typeof a).toBe("number");
    expect(typeof b).toBe("number");
    expect(rest).toMatchObject({
      name: "Assay",
      database: process.env.TEST_DATABASE_URL ? "postgresql" : "embedded",
      environment: "test",
    });
  });

  it("echoes a valid caller X-Request-ID", async () => {
    const { res, text } = await call("echo id", "/api/v1/system/info", { headers: { "X-Request-ID": "abc-123" } });
    expect(res.status).toBe(200);
    expect(res.headers.get("x-request-id")).toBe("abc-123");
    expect(text).toContain('"Assay"');
  });

  it("replaces an unacceptable X-Request-ID (300 characters) with a generated one", async () => {
    const long = "a".repeat(300);
    const { res } = await call("long id", "/api/v1/system/info", { headers: { "X-Request-ID": long } });
    expect(res.status).toBe(200);
    const id = res.headers.get("x-request-id");
    expect(id).not.toBe(long);
    expect(id).toMatch(UUID);
  });

  it("generates a different request id per request when none is given", async () => {
    const one = await call("gen 1", "/health");
    const two = await call("gen 2", "/health");
    expect(one.res.headers.get("x-request-id")).toMatch(UUID);
    expect(two.res.headers.get("x-request-id")).toMatch(UUID);
    expect(one.res.headers.get("x-request-id")).not.toBe(two.res.headers.get("x-request-id"));
  });

  it("answers an unknown route with 404 in the error shape", async () => {
    const { res, text } = await call("unknown route", "/api/v1/no/such/route");
    expect(res.status).toBe(404);
    expectErrorBody(res, text, "NOT_FOUND");
    // Outside /api other GETs belong to the web app (its index answers client-side routes).
    const outside = await call("unknown route under /api", "/api/nowhere");
    expect(outside.res.status).toBe(404);
    expectErrorBody(outside.res, outside.text, "NOT_FOUND");
  });

  it("rejects a body over BODY_LIMIT_BYTES with 413 PAYLOAD_TOO_LARGE", async () => {
    const body = JSON.stringify({ padding: "x".repeat(4096) });
    const { res, text } = await call("too large", "/api/v1/system/info", {
      method: "POST",
      headers: { "content-type": "application/json", "content-length": String(Buffer.byteLength(body)) },
      body,
    });
    expect(res.status).toBe(413);
    expectErrorBody(res, text, "PAYLOAD_TOO_LARGE");
  });

  it("does not reject a body under the limit as too large", async () => {
    const body = JSON.stringify({ padding: "x".repeat(BODY_LIMIT / 2) });
    const { res } = await call("under limit", "/api/v1/system/info", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body,
    });
    expect(res.status).not.toBe(413);
    expect(res.status).toBeLessThan(500);
  });

  it("answers malformed JSON with 400 BAD_REQUEST", async () => {
    const { res, text } = await call("malformed json", "/api/v1/auth/login", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: '{"name": "Assay",',
    });
    expect(res.status).toBe(400);
    expectErrorBody(res, text, "BAD_REQUEST");
  });

  it("answers a known path asked with another method with 405 and Allow", async () => {
    const { res, text } = await call("wrong method", "/api/v1/system/info", { method: "DELETE" });
    expect(res.status).toBe(405);
    expect(res.headers.get("allow")).toBe("GET");
    expectErrorBody(res, text, "METHOD_NOT_ALLOWED");
  });

  it("sends the API version, request id and security headers on every response", async () => {
    const responses = await everyKindOfResponse();
    expect(new Set(responses.map(({ res }) => res.status))).toEqual(new Set([200, 400, 404, 405, 413]));
    for (const { label, res } of responses) {
      const h = res.headers;
      expect(h.get("x-api-version"), label).toBe("1");
      expect(h.get("x-request-id"), label).toMatch(/^[A-Za-z0-9._:-]{1,128}$/);
      expect(h.get("content-security-policy"), label).toContain("default-src 'none'");
      expect(h.get("x-content-type-options"), label).toBe("nosniff");
      expect(h.get("x-frame-options"), label).toBe("DENY");
    }
  });

  it("never leaks a stack trace or file paths in a response body", async () => {
    const responses = await everyKindOfResponse();
    expect(responses.filter(({ res }) => res.status >= 400)).toHaveLength(6);
    for (const { label, text } of responses) {
      expect(text, label).not.toContain("    at ");
      expect(text, label).not.toContain("node_modules");
      expect(text, label).not.toContain(server.dataDir);
    }
  });
});
