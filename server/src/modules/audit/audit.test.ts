import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mapError } from "../../lib/error-mapping.js";
import { type Caller, createHarness, type Harness, type TestAccount } from "../../test-support/harness.js";
import { recordAudit, recordAudits } from "./audit.js";

/** The Assay error code a call failed with. */
async function codeOf(call: Promise<unknown>): Promise<string> {
  try {
    await call;
  } catch (error) {
    return mapError(error).code;
  }
  throw new Error("expected the call to fail");
}

const origin = { ip: "192.0.2.7", userAgent: "audit-test", requestId: "req-audit" };

describe("audit.list", () => {
  let h: Harness;
  let adminAccount: TestAccount;
  let admin: Caller;
  const actorId = randomUUID();

  beforeAll(async () => {
    h = await createHarness();
    adminAccount = await h.createUser({ role: "admin" });
    admin = h.as((await h.login(adminAccount)).accessToken);
    // A known trail at fixed instants, apart from whatever signing in wrote.
    const at = (iso: string, type: string, targetId: string) =>
      h.deps.db.prisma.auditEvent.create({
        data: { type, actorId, targetType: "probe", targetId, createdAt: new Date(iso), metadata: { n: targetId } },
      });
    await at("2030-01-01T00:00:00.000Z", "probe.alpha", "p1");
    await at("2030-01-02T00:00:00.000Z", "probe.beta", "p2");
    await at("2030-01-03T00:00:00.000Z", "probe.alpha", "p3");
    await at("2030-01-04T00:00:00.000Z", "probeX.gamma", "p4");
    await at("2030-01-05T00:00:00.000Z", "probe_alpha", "p5");
  });
  afterAll(() => h.close());

  describe("security", () => {
    it("refuses analysts and viewers, and asks anonymous callers to sign in", async () => {
      for (const role of ["analyst", "viewer"] as const) {
        const pair = await h.login(await h.createUser({ role }));
        expect(await codeOf(h.as(pair.accessToken).audit.list()), role).toBe("FORBIDDEN");
        const rest = await h.app.request("/api/v1/audit", { headers: { authorization: `Bearer ${pair.accessToken}` } });
        expect(rest.status).toBe(403);
      }
      expect(await codeOf(h.caller().audit.list())).toBe("AUTH_REQUIRED");
      expect((await h.app.request("/api/v1/audit")).status).toBe(401);
    });
  });

  it("lists events newest first with every field", async () => {
    const { data } = await admin.audit.list({ actorId });
    expect(data.map((e) => e.targetId)).toEqual(["p5", "p4", "p3", "p2", "p1"]);
    expect(data[0]).toEqual({
      id: expect.any(String),
      createdAt: "2030-01-05T00:00:00.000Z",
      type: "probe_alpha",
      actorId,
      targetType: "probe",
      targetId: "p5",
      ip: null,
      userAgent: null,
      requestId: null,
      metadata: { n: "p5" },
    });
  });

  it("filters by exact type, or by prefix when the type ends in *", async () => {
    const targets = async (type: string) => (await admin.audit.list({ actorId, type })).data.map((e) => e.targetId);
    expect(await targets("probe.alpha")).toEqual(["p3", "p1"]);
    expect(await targets("probe.*")).toEqual(["p3", "p2", "p1"]);
    expect(await targets("probe*")).toEqual(["p5", "p4", "p3", "p2", "p1"]);
    // "_" is a literal, not LIKE's any-character.
    expect(await targets("probe_*")).toEqual(["p5"]);
    expect(await targets("probe")).toEqual([]);
    const signIns = await admin.audit.list({ type: "auth.*" });
    expect(signIns.data.map((e) => e.type)).toContain("auth.login.succeeded");
    expect(signIns.data.every((e) => e.type.startsWith("auth."))).toBe(true);
    expect(await codeOf(admin.audit.list({ type: "a*b" }))).toBe("VALIDATION");
  });

  it("filters by actor and by an inclusive time range", async () => {
    const between = await admin.audit.list({
      actorId,
      from: "2030-01-02T00:00:00.000Z",
      to: "2030-01-04T02:00:00+02:00",
    });
    expect(between.data.map((e) => e.targetId)).toEqual(["p4", "p3", "p2"]);
    const mine = await admin.audit.list({ actorId: adminAccount.id });
    expect(mine.data.map((e) => e.type)).toEqual(["auth.login.succeeded"]);
    expect((await admin.audit.list({ actorId: randomUUID() })).pagination.total).toBe(0);
    expect(await codeOf(admin.audit.list({ from: "yesterday" }))).toBe("VALIDATION");
    expect(await codeOf(admin.audit.list({ from: "2030-01-02T00:00:00.000Z", to: "2030-01-01T00:00:00.000Z" }))).toBe(
      "VALIDATION",
    );
  });

  it("pages with correct totals", async () => {
    const second = await admin.audit.list({ actorId, page: 2, pageSize: 2 });
    expect(second.pagination).toEqual({ total: 5, page: 2, pageSize: 2, totalPages: 3, hasNext: true, hasPrev: true });
    expect(second.data.map((e) => e.targetId)).toEqual(["p3", "p2"]);
    const beyond = await admin.audit.list({ actorId, page: 4, pageSize: 2 });
    expect(beyond.data).toEqual([]);
    expect(beyond.pagination).toMatchObject({ hasNext: false, hasPrev: true });
  });

  it("is served at GET /audit with query parameters coerced", async () => {
    const query = new URLSearchParams({ actorId, type: "probe.*", page: "1", pageSize: "2" });
    const res = await h.app.request(`/api/v1/audit?${query}`, {
      headers: { authorization: `Bearer ${(await h.login(adminAccount)).accessToken}` },
    });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.pagination).toEqual({ total: 3, page: 1, pageSize: 2, totalPages: 2, hasNext: true, hasPrev: false });
    expect(body.data.map((e: { targetId: string }) => e.targetId)).toEqual(["p3", "p2"]);
  });

  it("records events with the request's origin, one at a time or in a batch", async () => {
    const prisma = h.deps.db.prisma;
    const batchActor = randomUUID();
    await recordAudit(prisma, origin, { type: "probe.single", actorId: batchActor, metadata: { a: 1 } });
    await recordAudits(prisma, origin, [
      { type: "probe.batch", actorId: batchActor, targetType: "x", targetId: "1" },
      { type: "probe.batch", actorId: batchActor, targetType: "x", targetId: "2" },
    ]);
    await recordAudits(prisma, origin, []);
    const { data } = await admin.audit.list({ actorId: batchActor });
    expect(data).toHaveLength(3);
    for (const event of data)
      expect(event).toMatchObject({ ip: "192.0.2.7", userAgent: "audit-test", requestId: "req-audit" });
    expect(data.find((e) => e.type === "probe.single")?.metadata).toEqual({ a: 1 });
  });
});
