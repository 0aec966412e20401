/** The mitre procedures over the bundled ATT&CK dataset and the committed Atomic Red Team tests. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHarness, type Harness } from "../../test-support/harness.js";
import { ATOMICS_DIR } from "../../test-support/reference-data.js";
import { parseAtomicFolder } from "../atomics/atomic-yaml.js";
import { importAtomics } from "../atomics/atomics-import.service.js";
import { ensureAttackLoaded } from "./attack-import.service.js";

describe("mitre procedures", () => {
  let h: Harness;
  let token: string;
  const api = () => h.as(token).mitre;

  beforeAll(async () => {
    h = await createHarness();
    const viewer = await h.createUser({ role: "viewer" });
    token = (await h.login(viewer)).accessToken;
  });
  afterAll(() => h.close());

  it("ensureAttackLoaded loads the bundled dataset into an empty database, once", async () => {
    const report = await ensureAttackLoaded(h.deps);
    expect(report).toMatchObject({ source: "bundled", attackVersion: "18.1", updated: 0, unchanged: 0, failed: [] });
    expect(report?.byKind.techniques.added).toBe(835);
    expect(await ensureAttackLoaded(h.deps)).toBeNull();
    await importAtomics(h.deps.db, await parseAtomicFolder(ATOMICS_DIR));
  });

  it("refuses anonymous callers", async () => {
    await expect(h.caller().mitre.tactics()).rejects.toMatchObject({ cause: { code: "AUTH_REQUIRED" } });
    await expect(h.caller().mitre.search({ q: "lsass" })).rejects.toMatchObject({ cause: { code: "AUTH_REQUIRED" } });
  });

  it("lists the 14 tactics in matrix order", async () => {
    const tactics = await api().tactics();
    expect(tactics).toHaveLength(14);
    expect(tactics.map((t) => t.matrixOrder)).toEqual([...Array(14).keys()]);
    expect(tactics[0]).toMatchObject({ attackId: "TA0043", shortname: "reconnaissance" });
    expect(tactics.at(-1)).toMatchObject({ attackId: "TA0040", shortname: "impact" });
    expect(await api().tactics({ includeRetired: true })).toHaveLength(await h.deps.db.prisma.attackTactic.count());
  });

  it("lists active top-level techniques by default, paged", async () => {
    const page = await api().techniques();
    expect(page.pagination).toEqual({
      total: 216,
      page: 1,
      pageSize: 20,
      totalPages: 11,
      hasNext: true,
      hasPrev: false,
    });
    expect(page.data).toHaveLength(20);
    expect(page.data.every((t) => !t.isSubtechnique && !t.revoked && !t.deprecated)).toBe(true);
    const ids = page.data.map((t) => t.attackId);
    expect(ids).toEqual([...ids].sort());
    const last = await api().techniques({ page: 11 });
    expect(last.data).toHaveLength(16);
    expect(last.pagination).toMatchObject({ hasNext: false, hasPrev: true });
    expect((await api().techniques({ page: 12 })).data).toEqual([]);
  });

  it("adds sub-techniques and retired techniques on request", async () => {
    const { prisma } = h.deps.db;
    expect((await api().techniques({ includeSubtechniques: true })).pagination.total).toBe(216 + 475);
    expect((await api().techniques({ includeRetired: true })).pagination.total).toBe(
      await prisma.attackTechnique.count({ where: { isSubtechnique: false } }),
    );
    const everything = await api().techniques({ includeRetired: true, includeSubtechniques: true, pageSize: 100 });
    expect(everything.pagination.total).toBe(835);
    expect(everything.data.some((t) => t.revoked || t.deprecated)).toBe(true);
  });

  it("filters by tactic shortname or TA id, platform and text", async () => {
    const byName = await api().techniques({ tactic: "credential-access", includeSubtechniques: true, pageSize: 100 });
    const byId = await api().techniques({ tactic: "TA0006", includeSubtechniques: true, pageSize: 100 });
    expect(byName.pagination.total).toBeGreaterThan(0);
    expect(byId).toEqual(byName);
    expect(byName.data.every((t) => t.tactics.includes("credential-access"))).toBe(true);
    expect(byName.data.map((t) => t.attackId)).toContain("T1003.001");
    expect((await api().techniques({ tactic: "no-such-tactic" })).pagination.total).toBe(0);

    const windows = await api().techniques({ platform: "windows", pageSize: 100 });
    expect(windows.pagination.total).toBeGreaterThan(0);
    expect(windows.pagination.total).toBeLessThan(216);
    expect(windows.data.every((t) => t.platforms.includes("Windows"))).toBe(true);

    const t1003 = await api().techniques({ q: "t1003" });
    expect(t1003.data.map((t) => t.attackId)).toEqual(["T1003"]);
    const withSubs = await api().techniques({ q: "T1003", includeSubtechniques: true });
    expect(withSubs.data.map((t) => t.attackId)).toEqual(expect.arrayContaining(["T1003", "T1003.001", "T1003.008"]));
    const lsass = await api().techniques({ q: "LSASS", includeSubtechniques: true });
    expect(lsass.data.map((t) => t.attackId)).toContain("T1003.001");
    expect(lsass.data.every((t) => /lsass/i.test(`${t.attackId} ${t.name}`))).toBe(true);
    // LIKE wildcards in q are literal text.
    expect((await api().techniques({ q: "%" })).pagination.total).toBe(0);
  });

  it("returns a technique's detail: parent, tactics, mitigations, linked atomic tests", async () => {
    const lsass = await api().technique({ id: "T1003.001" });
    expect(lsass).toMatchObject({
      attackId: "T1003.001",
      name: "LSASS Memory",
      isSubtechnique: true,
      parentAttackId: "T1003",
      tactics: ["credential-access"],
      tacticDetails: [{ attackId: "TA0006", shortname: "credential-access", name: "Credential Access" }],
      platforms: ["Windows"],
      attackVersion: "18.1",
      knowledgeBaseArticles: [],
    });
    expect(lsass.description.length).toBeGreaterThan(200);
    expect(lsass.mitigations.length).toBeGreaterThan(0);
    expect(lsass.mitigations[0]).toEqual({
      attackId: expect.stringMatching(/^M\d{4}$/),
      name: expect.any(String),
      description: expect.any(String),
    });
    expect(lsass.activityTemplates).toContainEqual(
      expect.objectContaining({ name: "Dump LSASS.exe Memory using ProcDump", source: "atomic-red-team" }),
    );
    const parent = await api().technique({ id: "t1003" });
    expect(parent.subTechniques).toContainEqual({ attackId: "T1003.001", name: "LSASS Memory" });
    expect(parent.parentAttackId).toBeNull();
  });

  it("shows only global templates, not an organization's own", async () => {
    const { prisma } = h.deps.db;
    const org = await prisma.organization.create({ data: { name: "Acme", slug: `acme-${Date.now()}` } });
    await prisma.activityTemplate.create({
      data: { organizationId: org.id, name: "Acme private LSASS test", techniques: ["T1003.001"], platforms: [] },
    });
    const lsass = await api().technique({ id: "T1003.001" });
    expect(lsass.activityTemplates.map((t) => t.name)).not.toContain("Acme private LSASS test");
  });

  it("answers NOT_FOUND for an unknown technique", async () => {
    await expect(api().technique({ id: "T9999" })).rejects.toMatchObject({ cause: { code: "NOT_FOUND" } });
  });

  it("searches: an exact id first, words by relevance", async () => {
    const byId = await api().search({ q: "T1003.001" });
    expect(byId[0]).toMatchObject({ attackId: "T1003.001", name: "LSASS Memory", parentAttackId: "T1003" });
    const parent = await api().search({ q: "T1003" });
    expect(parent[0]?.attackId).toBe("T1003");
    expect(parent.slice(1, 9).every((r) => r.parentAttackId === "T1003")).toBe(true);

    const words = await api().search({ q: "lsass memory" });
    expect(words[0]?.attackId).toBe("T1003.001");
    expect(words.map((r) => r.attackId)).toContain("T1547.008"); // LSASS Driver
    expect(words.length).toBeGreaterThan(1);
    expect(words.length).toBeLessThanOrEqual(25);
    const ranks = words.map((r) => r.rank);
    expect(ranks).toEqual([...ranks].sort((a, b) => b - a));
    expect((await api().search({ q: "credential" })).length).toBe(25);
  });

  it("ranks name matches above description-only matches", async () => {
    const results = await api().search({ q: "lsass" });
    const named = results.map((r) => /lsass/i.test(r.name));
    expect(named[0]).toBe(true);
    // Once a result's name lacks the word, no later one has it.
    expect(named.slice(named.indexOf(false))).not.toContain(true);
    expect(named).toContain(false);
  });

  it("searches from indexed vectors: a median search takes milliseconds, not a scan computing them", async () => {
    const queries = ["T1003.001", "lsass memory", "credential", "powershell", "scheduled task", "T1059"];
    const times: number[] = [];
    for (let round = 0; round < 5; round++) {
      for (const q of queries) {
        const started = performance.now();
        await api().search({ q });
        times.push(performance.now() - started);
      }
    }
    times.sort((a, b) => a - b);
    // Computing to_tsvector over every technique per call took 170-250 ms here; indexed, ~5 ms.
    // The bound leaves room for a busy shared machine.
    expect(times[Math.floor(times.length / 2)]).toBeLessThan(60);
  });

  it("treats search input as data", async () => {
    const injection = await api().search({ q: "T1003'); DROP TABLE attack_techniques; --" });
    expect(injection.length).toBeLessThanOrEqual(25);
    expect(await api().search({ q: "the" })).toEqual([]);
    expect(await h.deps.db.prisma.attackTechnique.count()).toBe(835);
  });

  it("serves techniques over REST with query parameters", async () => {
    const res = await h.app.request(
      "/api/v1/mitre/techniques?tactic=TA0006&includeSubtechniques=true&pageSize=5&page=2",
      {
        headers: { authorization: `Bearer ${token}` },
      },
    );
    expect(res.status).toBe(200);
    const body = await res.json();
    const viaTrpc = await api().techniques({ tactic: "TA0006", includeSubtechniques: true, pageSize: 5, page: 2 });
    expect(body).toEqual(viaTrpc);
    const detail = await h.app.request("/api/v1/mitre/techniques/T1003.001", {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(await detail.json()).toMatchObject({ attackId: "T1003.001", parentAttackId: "T1003" });
    const anonymous = await h.app.request("/api/v1/mitre/search?q=lsass");
    expect(anonymous.status).toBe(401);
  });
});
