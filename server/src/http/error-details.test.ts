/**
 * Error answers carry no stack trace and no internal message unless the operator opts in
 * (EXPOSE_ERROR_DETAILS=true, which `pnpm dev` sets). The documented start command runs with
 * no NODE_ENV, which means development: that alone used to put stacks and file paths in
 * every tRPC error body.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { createApp } from "../app.js";
import { appRouter } from "../app-router.js";
import { loadConfig } from "../config.js";
import { createHarness, type Harness } from "../test-support/harness.js";
import { mergeRouters, router } from "../trpc/init.js";
import { publicProcedure } from "../trpc/procedures.js";

const crashRouter = router({
  probe: router({
    crash: publicProcedure
      .meta({ openapi: { method: "GET", path: "/probe/crash", protect: false } })
      .input(z.void())
      .output(z.object({}))
      .query(() => {
        throw new Error("password=hunter2 at db.internal:5432");
      }),
  }),
});

const LEAKS = /hunter2|db\.internal|\n\s+at |\.ts:\d+|node_modules|"stack"/;

async function bodiesOf(app: ReturnType<typeof createApp>): Promise<{ status: number; text: string }[]> {
  const answers = [];
  for (const path of ["/api/v1/probe/crash", "/trpc/probe.crash", "/trpc/no.such.procedure"]) {
    const res = await app.request(path);
    answers.push({ status: res.status, text: await res.text() });
  }
  return answers;
}

describe("error details with the default configuration (no NODE_ENV, as `pnpm start` runs)", () => {
  let h: Harness;
  beforeAll(async () => {
    // An empty value is "not set": the harness's NODE_ENV=test is taken away.
    h = await createHarness({ NODE_ENV: "" });
  });
  afterAll(() => h.close());

  it("runs as development, yet keeps details to itself", () => {
    expect(h.deps.config.nodeEnv).toBe("development");
    expect(h.deps.config.http.exposeErrorDetails).toBe(false);
  });

  it("answers an internal error on both doors without its message, a stack or a file path", async () => {
    const [restCrash, trpcCrash, trpcMissing] = await bodiesOf(createApp(h.deps, mergeRouters(appRouter, crashRouter)));
    expect([restCrash?.status, trpcCrash?.status, trpcMissing?.status]).toEqual([500, 500, 404]);
    for (const answer of [restCrash, trpcCrash, trpcMissing]) expect(answer?.text).not.toMatch(LEAKS);
    expect(restCrash?.text).toContain("Internal server error");
    expect(JSON.parse(trpcCrash?.text ?? "{}").error.message).toBe("Internal server error");
  });
});

describe("error details when the operator opts in", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness({ NODE_ENV: "", EXPOSE_ERROR_DETAILS: "true" });
  });
  afterAll(() => h.close());

  it("shows the internal message and the stack, for debugging", async () => {
    const [, trpcCrash] = await bodiesOf(createApp(h.deps, mergeRouters(appRouter, crashRouter)));
    const { error } = JSON.parse(trpcCrash?.text ?? "{}");
    expect(error.message).toContain("hunter2");
    expect(error.data.stack).toMatch(/\n\s+at /);
  });

  it("is refused in production", () => {
    const production = { NODE_ENV: "production", ENCRYPTION_KEY: Buffer.alloc(32, 1).toString("base64") };
    expect(() => loadConfig({ ...production, EXPOSE_ERROR_DETAILS: "true" })).toThrow(
      /EXPOSE_ERROR_DETAILS: refused in production/,
    );
  });
});
