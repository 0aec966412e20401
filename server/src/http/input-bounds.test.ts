/**
 * Bounds on what one request may ask for, through the API: at most TRPC_MAX_BATCH_SIZE calls
 * per tRPC batch, refused before any of them runs (200 searches in one GET stalled the
 * server), and JSON or YAML input nested past MAX_INPUT_DEPTH refused as VALIDATION on every
 * door (400,000 nested arrays answered 500 "Maximum call stack size exceeded").
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { createApp } from "../app.js";
import { appRouter } from "../app-router.js";
import { loadConfig } from "../config.js";
import { createTeam, type Member, rest } from "../test-support/assessment-fixtures.js";
import { createHarness, type Harness } from "../test-support/harness.js";
import { mergeRouters, router } from "../trpc/init.js";
import { publicProcedure } from "../trpc/procedures.js";

let calls = 0;
const countingRouter = router({
  probe: router({
    count: publicProcedure
      .input(z.object({ n: z.number() }).optional())
      .output(z.number())
      .query(() => ++calls),
  }),
});

const nested = (levels: number) => `${"[".repeat(levels)}${"]".repeat(levels)}`;
const STACK_TEXT = /call stack|RangeError|\bat \S+:\d+/i;

interface TrpcError {
  error: {
    message: string;
    data: { code: string; httpStatus: number; errors: { code: string; field: string | null }[] };
  };
}

describe("request bounds", () => {
  let h: Harness;
  let app: ReturnType<typeof createApp>;
  let lead: Member;

  beforeAll(async () => {
    h = await createHarness({ TRPC_MAX_BATCH_SIZE: "5", MAX_INPUT_DEPTH: "32" });
    app = createApp(h.deps, mergeRouters(appRouter, countingRouter));
    lead = (await createTeam(h)).lead;
  });
  afterAll(() => h.close());

  describe("tRPC batches", () => {
    const batch = (size: number, method: "GET" | "POST") => {
      const paths = Array(size).fill("probe.count").join(",");
      const inputs = JSON.stringify(Object.fromEntries(Array.from({ length: size }, (_, i) => [i, { n: i }])));
      return method === "GET"
        ? app.request(`/trpc/${paths}?batch=1&input=${encodeURIComponent(inputs)}`)
        : app.request(`/trpc/${paths}?batch=1`, {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: inputs,
          });
    };

    it("answers a batch within TRPC_MAX_BATCH_SIZE", async () => {
      calls = 0;
      const res = await batch(5, "GET");
      expect(res.status).toBe(200);
      expect(await res.json()).toHaveLength(5);
      expect(calls).toBe(5);
    });

    it("refuses a larger one with 400 BAD_REQUEST before any call runs", async () => {
      calls = 0;
      for (const method of ["GET", "POST"] as const) {
        const res = await batch(200, method);
        expect(res.status).toBe(400);
        const body = (await res.json()) as TrpcError;
        expect(body.error.data).toMatchObject({ code: "BAD_REQUEST", httpStatus: 400 });
        expect(body.error.message).toBe("At most 5 calls per batch (this one has 200); split it into smaller batches");
      }
      expect(calls).toBe(0);
    });

    it("defaults to 20 calls, 64 levels, 30 s per request, 15 s for headers and 128 connections per address", () => {
      const config = loadConfig({});
      expect(config.http).toMatchObject({
        maxBatchSize: 20,
        maxInputDepth: 64,
        requestTimeoutMs: 30_000,
        headersTimeoutMs: 15_000,
        maxConnectionsPerIp: 128,
        exposeErrorDetails: false,
      });
      expect(() => loadConfig({ HEADERS_TIMEOUT_MS: "40000" })).toThrow(/HEADERS_TIMEOUT_MS: must not exceed/);
    });
  });

  describe("nesting depth", () => {
    const expectDepthRefusal = (items: { code: string }[], text: string) => {
      expect(items[0]?.code).toBe("VALIDATION");
      expect(text).toContain("more than 32 levels deep");
      expect(text).not.toMatch(STACK_TEXT);
    };

    it("refuses a deeply nested REST body with 400 VALIDATION, not a stack overflow", async () => {
      const res = await app.request("/api/v1/assessments/import", {
        method: "POST",
        headers: { ...lead.headers, "content-type": "application/json" },
        body: `{"document":${nested(400_000)}}`,
      });
      expect(res.status).toBe(400);
      const text = await res.text();
      expectDepthRefusal(JSON.parse(text).errors, text);
    });

    it("refuses it on tRPC: POST body, GET input and inside a batch", async () => {
      const deep = `{"document":${nested(400_000)}}`;
      const post = await app.request("/trpc/imports.assessmentJson", {
        method: "POST",
        headers: { ...lead.headers, "content-type": "application/json" },
        body: deep,
      });
      const get = await app.request(`/trpc/probe.count?input=${encodeURIComponent(`{"n":${nested(5000)}}`)}`);
      const inBatch = await app.request("/trpc/probe.count,imports.assessmentJson?batch=1", {
        method: "POST",
        headers: { ...lead.headers, "content-type": "application/json" },
        body: `{"0":{"n":1},"1":${deep}}`,
      });
      for (const res of [post, get, inBatch]) {
        expect(res.status).toBe(400);
        const text = await res.text();
        expectDepthRefusal((JSON.parse(text) as TrpcError).error.data.errors, text);
      }
    });

    it("accepts nesting up to the bound", async () => {
      // 31 arrays inside the input object: 32 levels.
      const res = await app.request(`/trpc/probe.count?input=${encodeURIComponent(`{"n":${nested(31)}}`)}`);
      // Past the bound check, the schema has its say: an array is not a number.
      expect(res.status).toBe(400);
      expect(((await res.json()) as TrpcError).error.data.errors[0]).toMatchObject({ code: "VALIDATION", field: "n" });
    });

    it("refuses a deeply nested YAML templates document with a VALIDATION item on yaml", async () => {
      for (const yaml of [
        `format: assay.templates\nversion: 1\nactivityTemplates: ${nested(100_000)}\n`,
        `format: assay.templates\nversion: 1\n${Array.from({ length: 200 }, (_, i) => `${" ".repeat(i)}k${i}:`).join("\n")}\n`,
      ]) {
        const res = await rest(h, lead, "POST", "/templates/import", { yaml, scope: "org" });
        expect(res.status).toBe(400);
        expect(res.body.errors).toEqual([
          { code: "VALIDATION", message: "The document nests lists and maps more than 32 levels deep", field: "yaml" },
        ]);
      }
    });
  });
});
