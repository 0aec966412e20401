/**
 * Unknown input keys are refused on both doors, each named by its dotted path (a typo such
 * as `colr` used to answer 200 with the default colour), while the organizationId field,
 * REST query strings and path parameters keep working; `{}` and no body at all are accepted
 * by procedures that take no input. The gate covers every procedure, present and future.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { createApp } from "../app.js";
import { appRouter } from "../app-router.js";
import { createOrg, type Member, rest } from "../test-support/assessment-fixtures.js";
import { createHarness, type Harness } from "../test-support/harness.js";
import { mergeRouters, router } from "../trpc/init.js";
import { publicProcedure } from "../trpc/procedures.js";
import { unknownKeysOf } from "./input-gate.js";
import { proceduresOf, unwrapSchema, viewOf } from "./upstream-shim.js";

// A procedure added after the gate was written: it is covered all the same.
const laterRouter = router({
  later: router({
    nested: publicProcedure
      .meta({ openapi: { method: "POST", path: "/later/nested", protect: false } })
      .input(z.object({ outer: z.object({ inner: z.string() }), list: z.array(z.object({ n: z.number() })) }))
      .output(z.object({ ok: z.boolean() }))
      .mutation(() => ({ ok: true })),
  }),
});

type Json = Record<string, unknown>;

async function trpcPost(h: Harness, who: Pick<Member, "headers">, path: string, input: unknown) {
  const res = await h.app.request(`/trpc/${path}`, {
    method: "POST",
    headers: { ...who.headers, "content-type": "application/json" },
    body: JSON.stringify(input),
  });
  return { status: res.status, body: (await res.json()) as Json };
}

function trpcItems(body: Json): { code: string; field: string | null; message: string }[] {
  return ((body.error as Json).data as { errors: { code: string; field: string | null; message: string }[] }).errors;
}

describe("input gate", () => {
  let h: Harness;
  let owner: Member;
  let orgId: string;

  beforeAll(async () => {
    h = await createHarness();
    const org = await createOrg(h);
    owner = org.owner;
    orgId = org.id;
  });
  afterAll(() => h.close());

  it("refuses a mistyped key on REST, naming it and the key it resembles, and creates nothing", async () => {
    const res = await rest(h, owner, "POST", "/tags", { name: "typo", colr: "#ff0000" });
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([
      { code: "VALIDATION", message: 'Unknown field "colr" (did you mean "color"?)', field: "colr" },
    ]);
    const list = await rest(h, owner, "GET", "/tags?q=typo");
    expect(list.body.data).toEqual([]);
  });

  it("refuses it on tRPC too, with every other problem in the same answer", async () => {
    const res = await trpcPost(h, owner, "tags.create", { name: "", colr: "#ff0000", extra: 1 });
    expect(res.status).toBe(400);
    expect((res.body.error as Json).data).toMatchObject({ code: "VALIDATION" });
    const fields = trpcItems(res.body).map((e) => e.field);
    expect(fields.sort()).toEqual(["colr", "extra", "name"]);
  });

  it("names nested unknown keys by their dotted path", async () => {
    const app = createApp(h.deps, mergeRouters(appRouter, laterRouter));
    const res = await app.request("/api/v1/later/nested", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ outer: { inner: "x", innr: "y" }, list: [{ n: 1 }, { n: 2, m: 3 }] }),
    });
    expect(res.status).toBe(400);
    const fields = ((await res.json()) as { errors: { field: string }[] }).errors.map((e) => e.field);
    expect(fields.sort()).toEqual(["list.1.m", "outer.innr"]);
    const trpc = await app.request("/trpc/later.nested", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ outer: { inner: "x" }, list: [], surplus: true }),
    });
    expect(trpc.status).toBe(400);
    const ok = await app.request("/trpc/later.nested", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ outer: { inner: "x" }, list: [{ n: 1 }] }),
    });
    expect(ok.status).toBe(200);
  });

  it("keeps organizationId, query strings and path parameters working", async () => {
    // organizationId in the body instead of the header.
    const { "x-organization-id": _header, ...bearerOnly } = owner.headers;
    const created = await rest(h, { headers: bearerOnly }, "POST", "/tags", {
      name: "kept",
      color: "#00aa00",
      organizationId: orgId,
    });
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({ name: "kept", color: "#00aa00", organizationId: orgId });
    const viaTrpc = await trpcPost(h, { headers: bearerOnly }, "tags.create", { name: "kept2", organizationId: orgId });
    expect(viaTrpc.status).toBe(200);
    // Query string (page, pageSize, q) and organizationId in the query.
    const listed = await rest(
      h,
      { headers: bearerOnly },
      "GET",
      `/tags?q=kept&page=1&pageSize=10&organizationId=${orgId}`,
    );
    expect(listed.status).toBe(200);
    expect(listed.body.data.map((t: { name: string }) => t.name).sort()).toEqual(["kept", "kept2"]);
    // A path parameter merged into the input.
    const one = await rest(h, owner, "GET", `/tags/${created.body.id}`);
    expect(one.body.name).toBe("kept");
    // An unknown query parameter is as unknown as a body key.
    const typo = await rest(h, owner, "GET", "/tags?pge=2");
    expect(typo.status).toBe(400);
    expect(typo.body.errors[0]).toMatchObject({ code: "VALIDATION", field: "pge" });
  });

  it("accepts {} and no body at all for an action without input, and refuses keys it does not take", async () => {
    const signedIn = async () => {
      const account = await h.createUser();
      const { accessToken } = await h.login(account);
      return { headers: { authorization: `Bearer ${accessToken}` } };
    };
    // curl -X POST -H "Authorization: …" /api/v1/auth/logout
    const bare = await signedIn();
    const bodiless = await h.app.request("/api/v1/auth/logout", { method: "POST", headers: bare.headers });
    expect(bodiless.status).toBe(200);
    expect(await bodiless.json()).toEqual({ ok: true });
    expect((await rest(h, await signedIn(), "POST", "/auth/logout", {})).status).toBe(200);
    const trpc = await trpcPost(h, await signedIn(), "auth.logoutAll", {});
    expect(trpc.status).toBe(200);
    expect(trpc.body).toEqual({ result: { data: { revokedSessions: 1 } } });
    const me = await signedIn();
    const query = await h.app.request(`/trpc/auth.me?input=${encodeURIComponent("{}")}`, { headers: me.headers });
    expect(query.status).toBe(200);
    const surplus = await trpcPost(h, me, "auth.logoutAll", { everywhere: true });
    expect(surplus.status).toBe(400);
    expect(trpcItems(surplus.body)).toEqual([
      { code: "VALIDATION", message: 'Unknown field "everywhere"', field: "everywhere" },
    ]);
  });

  it("sees every key of every procedure's input: no input schema lets unknown keys through unseen", () => {
    const unchecked: string[] = [];
    for (const procedure of proceduresOf(appRouter)) {
      const input = procedure.inputs.at(-1);
      if (viewOf(unwrapSchema(input)).kind !== "object") continue;
      const found = unknownKeysOf(input, { zzUnknown: 1 }).map((u) => u.key);
      if (!found.includes("zzUnknown")) unchecked.push(procedure.path);
    }
    expect(unchecked).toEqual([]);
  });
});
