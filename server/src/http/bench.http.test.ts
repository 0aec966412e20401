/**
 * The bench-only "limit" routes: absent unless BENCH_ROUTES=true, refused in production, and
 * answering the same page as activities.list (same statement) and writing what create writes.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../config.js";
import { createOrg } from "../test-support/assessment-fixtures.js";
import { createHarness, type Harness } from "../test-support/harness.js";

describe("bench routes", () => {
  let h: Harness;
  let off: Harness;
  beforeAll(async () => {
    [h, off] = await Promise.all([createHarness({ BENCH_ROUTES: "true" }, { attack: true }), createHarness()]);
  });
  afterAll(async () => {
    await Promise.all([h?.close(), off?.close()]);
  });

  it("are off by default and refused in production", async () => {
    expect(loadConfig({}).benchRoutes).toBe(false);
    const production = { NODE_ENV: "production", ENCRYPTION_KEY: Buffer.alloc(32, 1).toString("base64") };
    expect(() => loadConfig({ ...production, BENCH_ROUTES: "true" })).toThrow(/BENCH_ROUTES: refused in production/);
    const res = await off.app.request("/bench/bare/activities?assessmentId=00000000-0000-4000-8000-000000000000");
    expect(res.status).toBe(404);
  });

  it("list the same page as activities.list and insert what activities.create writes", async () => {
    const org = await createOrg(h);
    const api = org.owner.api;
    const assessment = await api.assessments.create({ name: "bench" });
    const tag = await api.tags.create({ name: "bench", color: "#112233" });
    for (let i = 0; i < 3; i++) {
      await api.activities.create({ assessmentId: assessment.id, title: `via api ${i}`, techniques: ["T1003"] });
    }
    const created = await h.app.request("/bench/bare/activities", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ assessmentId: assessment.id, title: "bare", techniques: ["T1059"], tagIds: [tag.id] }),
    });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };
    const history = await api.activities.history({ id });
    expect(history.data.map((e) => e.field)).toEqual(["created"]);

    const viaApi = await api.activities.list({ assessmentId: assessment.id, page: 1, pageSize: 2 });
    const bare = await h.app.request(`/bench/bare/activities?assessmentId=${assessment.id}&page=1&pageSize=2`);
    expect(bare.status).toBe(200);
    expect(await bare.json()).toEqual(viaApi);
    const last = await api.activities.list({ assessmentId: assessment.id, page: 2, pageSize: 2 });
    expect(last.data.map((a) => [a.title, a.techniques, a.tags.map((t) => t.name)])).toEqual([
      ["via api 2", ["T1003"], []],
      ["bare", ["T1059"], ["bench"]],
    ]);

    const malformed = await h.app.request("/bench/bare/activities?assessmentId=nope");
    expect(malformed.status).toBe(400);
  });

  it("collect garbage on request and report the memory the server retains", async () => {
    const res = await h.app.request("/bench/gc", { method: "POST" });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { collected: boolean; rss: number; heapUsed: number };
    expect(body.rss).toBeGreaterThan(body.heapUsed);
    expect(body.heapUsed).toBeGreaterThan(1024 * 1024);
  });
});
