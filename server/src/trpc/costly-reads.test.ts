/**
 * RATE_LIMIT_COSTLY_READS_PER_ACCOUNT: mitre.search, statistics.* and exports.* share one
 * per-account budget; past it both doors answer RATE_LIMITED (429) with Retry-After, and
 * other accounts and cheap reads are unaffected.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addMember, createOrg, expectCode, type Member, rest } from "../test-support/assessment-fixtures.js";
import { createHarness, type Harness } from "../test-support/harness.js";

describe("costly reads per account", () => {
  let h: Harness;
  let assessmentId: string;
  let owner: Member;

  beforeAll(async () => {
    h = await createHarness({ RATE_LIMIT_COSTLY_READS_PER_ACCOUNT: "4/1m" });
    const org = await createOrg(h);
    owner = org.owner;
    assessmentId = (await owner.api.assessments.create({ name: "Budget" })).id;
  });
  afterAll(() => h.close());

  it("counts search, statistics and exports against one budget; then 429 with Retry-After on REST", async () => {
    await owner.api.mitre.search({ q: "lsass" });
    await owner.api.statistics.assessment({ assessmentId });
    await owner.api.exports.activitiesCsv({ assessmentId });
    expect((await rest(h, owner, "GET", "/mitre/search?q=powershell")).status).toBe(200);

    const refused = await rest(h, owner, "GET", `/assessments/${assessmentId}/statistics`);
    expect(refused.status).toBe(429);
    expect(refused.body.errors[0]).toMatchObject({ code: "RATE_LIMITED" });
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    await expectCode(owner.api.exports.navigatorLayer({ assessmentId }), "RATE_LIMITED");
    // Cheap reads still answer.
    expect((await owner.api.assessments.get({ id: assessmentId })).id).toBe(assessmentId);
  });

  it("refuses the excess of a tRPC batch with 429 and Retry-After", async () => {
    const other = await createOrg(h);
    const calls = 6;
    const paths = Array(calls).fill("mitre.search").join(",");
    const input = encodeURIComponent(
      JSON.stringify(Object.fromEntries([...Array(calls).keys()].map((i) => [i, { q: "credential" }]))),
    );
    const res = await h.app.request(`/trpc/${paths}?batch=1&input=${input}`, { headers: other.owner.headers });
    const body = (await res.json()) as { error?: { data: { code: string } } }[];
    expect(body.filter((r) => r.error?.data.code === "RATE_LIMITED")).toHaveLength(2);
    expect(res.headers.get("retry-after")).toMatch(/^\d+$/);
  });

  it("keeps accounts apart: another member of the same organization has a budget of their own", async () => {
    const org = await createOrg(h);
    for (let i = 0; i < 4; i++) await org.owner.api.mitre.search({ q: "dump" });
    await expectCode(org.owner.api.mitre.search({ q: "dump" }), "RATE_LIMITED");
    const colleague = await addMember(h, org.id);
    expect(await colleague.api.mitre.search({ q: "dump" })).toEqual([]);
  });
});
