/**
 * Proves GET /api/v1/openapi.json serves a valid OpenAPI 3.1 document that describes the
 * REST door as it behaves: /system/info is there, and every error points at ErrorResponse.
 */
import { validate } from "@readme/openapi-parser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startReadyServer, type TestServer } from "./support/server.js";

type Json = Record<string, unknown>;
interface Operation {
  responses?: Record<string, { content?: Record<string, { schema?: { $ref?: string } }> }>;
}
interface OpenApiDocument {
  openapi: string;
  info: { title: string; version: string };
  servers?: { url: string }[];
  paths: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, Json> };
}

const METHODS = new Set(["get", "put", "post", "delete", "options", "head", "patch", "trace"]);

describe("OpenAPI document", () => {
  let server: TestServer;
  let raw: string;
  let doc: OpenApiDocument;

  beforeAll(async () => {
    server = await startReadyServer();
    const res = await fetch(`${server.url}/api/v1/openapi.json`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    raw = await res.text();
    doc = JSON.parse(raw) as OpenApiDocument;
  });
  afterAll(async () => {
    await server?.stop();
  });

  it("is a valid OpenAPI 3.1 document", async () => {
    expect(doc.openapi).toMatch(/^3\.1\.\d+$/);
    // validate() dereferences in place: hand it a copy.
    const result = await validate(JSON.parse(raw) as OpenApiDocument as never);
    const problems = result.valid ? [] : result.errors.map((e) => e.message);
    expect(problems).toEqual([]);
    expect(result.valid).toBe(true);
    expect(result.specification).toBe("OpenAPI");
  });

  it("names the API, its version and where it is served", async () => {
    expect(doc.info.title).toBe("Assay API");
    const info = (await (await fetch(`${server.url}/api/v1/system/info`)).json()) as { version: string };
    expect(doc.info.version).toBe(info.version);
    expect(doc.servers?.[0]?.url).toBe(`${server.url}/api/v1`);
  });

  it("documents GET /system/info with the fields the endpoint really returns", async () => {
    const get = doc.paths["/system/info"]?.get;
    expect(get).toBeDefined();
    const ref = get?.responses?.["200"]?.content?.["application/json"]?.schema?.$ref ?? "";
    expect(ref).toMatch(/^#\/components\/schemas\//);
    const schema = doc.components?.schemas?.[ref.split("/").pop() ?? ""] as { required?: string[] } | undefined;
    const body = (await (await fetch(`${server.url}/api/v1/system/info`)).json()) as Json;
    expect(schema?.required?.sort()).toEqual(Object.keys(body).sort());
    expect(schema?.required).toContain("installedAt");
  });

  it("describes routes that name a file by the media type they answer", () => {
    const ok = (path: string) => doc.paths[path]?.get?.responses?.["200"]?.content ?? {};
    expect(Object.keys(ok("/assessments/{assessmentId}/export.csv"))).toEqual(["text/csv"]);
    expect(Object.keys(ok("/assessments/{assessmentId}/navigator-layer.json"))).toEqual(["application/json"]);
  });

  it("points every error response at the ErrorResponse schema", () => {
    let errorResponses = 0;
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const [method, operation] of Object.entries(item)) {
        if (!METHODS.has(method)) continue;
        for (const [status, response] of Object.entries(operation.responses ?? {})) {
          if (status !== "default" && Number(status) < 400) continue;
          errorResponses++;
          const ref = response.content?.["application/json"]?.schema?.$ref;
          expect(ref, `${method.toUpperCase()} ${path} ${status}`).toBe("#/components/schemas/ErrorResponse");
        }
      }
    }
    expect(errorResponses).toBeGreaterThan(0);
  });

  it("defines ErrorResponse as the body the server really sends", async () => {
    const schema = doc.components?.schemas?.ErrorResponse as
      | { required?: string[]; properties?: Record<string, Json> }
      | undefined;
    expect(schema?.required?.sort()).toEqual(["errors", "requestId", "success"]);
    const res = await fetch(`${server.url}/api/v1/no/such/route`);
    const body = (await res.json()) as Json;
    expect(Object.keys(body).sort()).toEqual(Object.keys(schema?.properties ?? {}).sort());
    const item = (schema?.properties?.errors as { items?: { required?: string[] } } | undefined)?.items;
    expect(Object.keys((body.errors as Json[])[0] ?? {}).sort()).toEqual(item?.required?.sort());
  });
});
