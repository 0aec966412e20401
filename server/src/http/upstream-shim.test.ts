/**
 * Pins what upstream-shim.ts relies on in tRPC, trpc-to-openapi and Zod internals. When an
 * upgrade changes any of it, a test here fails and names the assumption, instead of REST
 * input, the input gate or the coercion lock silently breaking.
 */
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { AppError } from "../lib/app-error.js";
import { createCallerFactory, middleware, router } from "../trpc/init.js";
import { publicProcedure } from "../trpc/procedures.js";
import {
  gateRawInputs,
  lockInputCoercion,
  openApiNodeHandler,
  proceduresOf,
  restRequest,
  restRoutesOf,
  unwrapSchema,
  viewOf,
} from "./upstream-shim.js";

/** Runs trpc-to-openapi's handler on a request and collects what it answers. */
async function callRest(
  handler: ReturnType<typeof openApiNodeHandler>,
  request: Request,
): Promise<{ status: number; body: unknown }> {
  let status = 200;
  let payload = "";
  const res = {
    setHeader: () => undefined,
    get statusCode() {
      return status;
    },
    set statusCode(code: number) {
      status = code;
    },
    end: (text?: string) => {
      payload = text ?? "";
    },
  };
  await handler(request, res);
  return { status, body: payload ? JSON.parse(payload) : undefined };
}

const fakeContext = () => ({
  config: { http: { exposeErrorDetails: false } },
  responseHeaders: new Map(),
  req: { requestId: "pin" },
  log: { error: () => undefined },
});

describe("Zod 4 schema definitions", () => {
  it("tells objects by how they treat unknown keys", () => {
    expect(viewOf(z.object({ a: z.string() }))).toMatchObject({ kind: "object", extra: "strip" });
    expect(viewOf(z.strictObject({ a: z.string() }))).toMatchObject({ kind: "object", extra: "strict" });
    expect(viewOf(z.looseObject({ a: z.string() }))).toMatchObject({ kind: "object", extra: "other" });
    expect(viewOf(z.object({}).catchall(z.number()))).toMatchObject({ kind: "object", extra: "other" });
    expect(viewOf(z.strictObject({ a: z.string() }).extend({ b: z.number() }))).toMatchObject({ extra: "strict" });
    const view = viewOf(z.object({ a: z.string(), b: z.number() }));
    expect(view.kind === "object" && Object.keys(view.shape)).toEqual(["a", "b"]);
  });

  it("sees through wrappers to the schema inside", () => {
    const inner = z.object({ a: z.string() });
    for (const wrapped of [
      inner.optional(),
      inner.nullable(),
      inner.default({ a: "x" }),
      inner.prefault({ a: "x" }),
      inner.readonly(),
      inner.catch({ a: "x" }),
      inner.transform((v) => v),
      z.lazy(() => inner),
    ]) {
      expect(unwrapSchema(wrapped)).toBe(inner);
    }
    // A preprocess step can reshape anything: nothing past it is walked.
    expect(viewOf(z.preprocess((v) => v, inner)).kind).toBe("opaque");
  });

  it("describes collections, unions, scalars and the absence of input", () => {
    const element = z.string();
    expect(viewOf(z.array(element))).toEqual({ kind: "array", element });
    expect(viewOf(z.tuple([element], z.number()))).toMatchObject({ kind: "tuple", items: [element] });
    expect(viewOf(z.record(z.string(), element))).toEqual({ kind: "record", value: element });
    expect(viewOf(z.union([element, z.number()]))).toMatchObject({ kind: "union" });
    expect(viewOf(z.discriminatedUnion("k", [z.object({ k: z.literal("a") })])).kind).toBe("union");
    expect(viewOf(z.object({}).and(z.object({}))).kind).toBe("intersection");
    for (const scalar of [
      z.string(),
      z.number(),
      z.int(),
      z.boolean(),
      z.enum(["a"]),
      z.literal(1),
      z.iso.datetime(),
    ]) {
      expect(viewOf(scalar).kind).toBe("scalar");
    }
    expect(viewOf(z.number())).toEqual({ kind: "scalar", type: "number" });
    for (const none of [z.void(), z.undefined(), z.never()]) expect(viewOf(none).kind).toBe("void");
    expect(viewOf(z.unknown()).kind).toBe("opaque");
  });
});

describe("tRPC procedure definitions", () => {
  const seen: { stage: string; raw: unknown }[] = [];
  const guard = middleware(async ({ next, getRawInput }) => {
    seen.push({ stage: "guard", raw: await getRawInput() });
    return next();
  });
  const probes = router({
    nested: router({
      withInput: publicProcedure
        .use(guard)
        .meta({ openapi: { method: "POST", path: "/things/{id}" } })
        .input(z.object({ id: z.string(), name: z.string() }))
        .output(z.object({ id: z.string(), name: z.string() }))
        .mutation(({ input }) => input),
    }),
    noInput: publicProcedure.query(() => "ran"),
  });
  let gateCalls = 0;
  gateRawInputs(probes, (procedure, raw) => {
    gateCalls++;
    seen.push({ stage: `gate:${procedure.path}`, raw });
    if ((raw as { name?: string } | undefined)?.name === "refuse") throw new AppError("VALIDATION", "refused", "name");
    return raw === undefined ? undefined : { ...(raw as object), name: "from the gate" };
  });
  gateRawInputs(probes, () => {
    throw new Error("a procedure is gated once, whoever asks again");
  });
  const caller = createCallerFactory(probes)(fakeContext() as never);

  it("lists procedures with their path, type, metadata and input schemas", () => {
    const listed = proceduresOf(probes);
    expect(listed.map((p) => [p.path, p.type, p.inputs.length])).toEqual([
      ["nested.withInput", "mutation", 1],
      ["noInput", "query", 0],
    ]);
    expect(listed[0]?.meta?.openapi?.path).toBe("/things/{id}");
    expect(restRoutesOf(probes).map((r) => `${r.method} ${r.path} ${r.procedure.path}`)).toEqual([
      "POST /things/{id} nested.withInput",
    ]);
  });

  it("runs the gate after the guards and before the input schema, which parses what the gate returns", async () => {
    seen.length = 0;
    gateCalls = 0;
    expect(await caller.nested.withInput({ id: "1", name: "given" })).toEqual({ id: "1", name: "from the gate" });
    expect(seen.map((s) => s.stage)).toEqual(["guard", "gate:nested.withInput"]);
    expect(gateCalls).toBe(1);
    await expect(caller.nested.withInput({ id: "1", name: "refuse" })).rejects.toMatchObject({
      cause: expect.any(AppError),
    });
  });

  it("gates a procedure without input too", async () => {
    gateCalls = 0;
    expect(await caller.noInput()).toBe("ran");
    expect(gateCalls).toBe(1);
  });
});

describe("trpc-to-openapi's node handler", () => {
  const echo = router({
    things: router({
      update: publicProcedure
        .meta({ openapi: { method: "POST", path: "/things/{id}" } })
        .input(z.object({ id: z.string(), name: z.string() }))
        .output(z.object({ id: z.string(), name: z.string() }))
        .mutation(({ input }) => input),
      list: publicProcedure
        .meta({ openapi: { method: "GET", path: "/things" } })
        .input(z.object({ count: z.number().optional(), flag: z.boolean().optional(), tag: z.string().optional() }))
        .output(z.record(z.string(), z.unknown()))
        .query(({ input }) => input),
      fail: publicProcedure
        .meta({ openapi: { method: "GET", path: "/fail" } })
        .input(z.void())
        .output(z.object({}))
        .query(() => {
          throw new AppError("NOT_FOUND", "gone", "id");
        }),
    }),
  });
  const handler = openApiNodeHandler(echo, () => fakeContext());

  it("takes the body, query and content type it is handed, and merges path parameters into the input", async () => {
    // The raw request has no content type and another body: what restRequest presents wins.
    const raw = new Request("http://x/things/42", { method: "POST", body: "ignored" });
    const request = restRequest(raw, {
      url: "http://x/things/42",
      body: { name: "presented" },
      query: {},
      contentType: "application/json",
    });
    expect(await callRest(handler, request)).toEqual({ status: 200, body: { id: "42", name: "presented" } });
  });

  it("unwraps one-element query arrays, and drops falsy scalars (so values travel in arrays)", async () => {
    const url = "http://x/things";
    const inArrays = restRequest(new Request(url), {
      url,
      body: undefined,
      query: { count: [0], flag: [false], tag: ["a"] },
      contentType: undefined,
    });
    expect((await callRest(handler, inArrays)).body).toEqual({ count: 0, flag: false, tag: "a" });
    const bare = restRequest(new Request(url), { url, body: undefined, query: { count: 0 }, contentType: undefined });
    expect((await callRest(handler, bare)).body).toEqual({});
  });

  it("writes the error formatter's shape, so the REST door finds Assay's items in data.errors", async () => {
    const url = "http://x/fail";
    const request = restRequest(new Request(url), { url, body: undefined, query: {}, contentType: undefined });
    const { status, body } = await callRest(handler, request);
    expect(status).toBe(404);
    expect((body as { data: { errors: unknown } }).data.errors).toEqual([
      { code: "NOT_FOUND", message: "gone", field: "id" },
    ]);
  });

  it("still switches coercion on for good on a REST call, which lockInputCoercion keeps off", async () => {
    const schemaOf = (r: ReturnType<typeof router>) => {
      const input = proceduresOf(r)[0]?.inputs[0] as z.ZodObject<{ n: z.ZodNumber }>;
      return input.shape.n;
    };
    const build = () =>
      router({
        n: publicProcedure
          .meta({ openapi: { method: "GET", path: "/n" } })
          .input(z.object({ n: z.number() }))
          .output(z.number())
          .query(({ input }) => input.n),
      });
    const call = (r: ReturnType<typeof build>) => {
      const url = "http://x/n";
      const query = { n: [1] };
      return callRest(
        openApiNodeHandler(r, fakeContext),
        restRequest(new Request(url), { url, body: undefined, query, contentType: undefined }),
      );
    };
    const unlocked = build();
    await call(unlocked);
    expect(schemaOf(unlocked).safeParse("7").success).toBe(true);
    const locked = build();
    lockInputCoercion(locked);
    await call(locked);
    expect(schemaOf(locked).safeParse("7").success).toBe(false);
  });
});
