/**
 * An API key at every door (/trpc, /api/v1, guarded Hono routes): its scopes are enforced,
 * it never does more than its owner may at the moment of the call, it stays in its
 * organization, it is refused on the very next request once revoked, expired or its owner
 * deactivated, and each key has its own rate limit.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SCOPES, type Scope } from "../../identity/scopes.js";
import { issueKey, keyCaller, keyHeaders } from "../../test-support/api-key-kit.js";
import { createTeam, expectCode, grant } from "../../test-support/assessment-fixtures.js";
import { createHarness, type Harness } from "../../test-support/harness.js";
import { enrol } from "../../test-support/mfa-kit.js";

const EVERY_SCOPE_BUT_ADMIN = SCOPES.filter((s): s is Exclude<Scope, "admin"> => s !== "admin");
const LIMIT = 6;

type Team = Awaited<ReturnType<typeof createTeam>>;

async function body(res: Response): Promise<{ code: string; message: string }> {
  const parsed = (await res.json()) as {
    errors?: { code: string; message: string }[];
    error?: { message: string; data: { code: string } };
  };
  if (parsed.errors?.[0]) return parsed.errors[0];
  return { code: parsed.error?.data.code ?? "", message: parsed.error?.message ?? "" };
}

describe("API keys at the doors", () => {
  let h: Harness;
  let team: Team;

  const get = (path: string, headers: Record<string, string>) => h.app.request(path, { headers });
  const post = (path: string, headers: Record<string, string>, payload: unknown) =>
    h.app.request(path, {
      method: "POST",
      headers: { ...headers, "content-type": "application/json" },
      body: JSON.stringify(payload),
    });

  beforeAll(async () => {
    h = await createHarness({ RATE_LIMIT_API_KEY: `${LIMIT}/1m` });
    team = await createTeam(h);
  });
  afterAll(() => h.close());

  it("works within its scopes on /trpc and /api/v1, and is refused a scope it lacks, naming it", async () => {
    const { key } = await issueKey(h, team.lead.token, ["assessments:read"], { organizationId: team.orgId });
    const headers = keyHeaders(key);
    expect((await get("/api/v1/assessments", headers)).status).toBe(200);
    expect((await get("/trpc/assessments.list", headers)).status).toBe(200);

    const rest = await post("/api/v1/assessments", headers, { name: "by a key" });
    expect(rest.status).toBe(403);
    expect(rest.headers.get("www-authenticate")).toBe('Bearer error="insufficient_scope", scope="assessments:write"');
    expect(await body(rest)).toMatchObject({
      code: "FORBIDDEN",
      message: expect.stringContaining("assessments:write"),
    });
    const trpc = await post("/trpc/assessments.create", headers, { name: "by a key" });
    expect(trpc.status).toBe(403);
    expect(await body(trpc)).toMatchObject({
      code: "FORBIDDEN",
      message: expect.stringContaining("assessments:write"),
    });
    // The guarded Hono routes too (evidence upload needs activities:write).
    const upload = await h.app.request(`/api/v1/activities/${crypto.randomUUID()}/evidence`, {
      method: "POST",
      headers,
    });
    expect(upload.status).toBe(403);
    expect(upload.headers.get("www-authenticate")).toContain('scope="activities:write"');
    expect(await h.deps.db.prisma.assessment.count({ where: { name: "by a key" } })).toBe(0);
  });

  it("is refused every door that takes a person's own session", async () => {
    const { key } = await issueKey(h, team.lead.token, EVERY_SCOPE_BUT_ADMIN);
    const headers = keyHeaders(key);
    const refusals = [
      await post("/api/v1/auth/change-password", headers, { currentPassword: "x", newPassword: "y".repeat(16) }),
      await post("/trpc/auth.changePassword", headers, { currentPassword: "x", newPassword: "y".repeat(16) }),
      await post("/trpc/apiKeys.create", headers, { name: "child", scopes: ["attack:read"] }),
      await get("/api/v1/sessions", headers),
      await post("/api/v1/mfa/setup", headers, {}),
    ];
    for (const res of refusals) {
      expect(res.status).toBe(403);
      expect((await body(res)).message).toMatch(/person's own signed-in session/);
    }
    // Who am I still answers (signed-in).
    expect((await get("/api/v1/auth/me", headers)).status).toBe(200);
  });

  it("acts only in the organization it is bound to, whatever the request names", async () => {
    const other = await createTeam(h);
    // The lead belongs to both organizations; the key is bound to the first.
    await h.deps.db.prisma.membership.create({
      data: { organizationId: other.orgId, userId: team.lead.id, role: "member" },
    });
    const { key } = await issueKey(h, team.lead.token, ["assessments:read"], { organizationId: team.orgId });
    const elsewhere = await get("/api/v1/assessments", keyHeaders(key, other.orgId));
    expect(elsewhere.status).toBe(404);
    expect((await get(`/api/v1/assessments?organizationId=${other.orgId}`, keyHeaders(key))).status).toBe(404);
    const trpc = await get(
      `/trpc/assessments.get?input=${encodeURIComponent(JSON.stringify({ id: other.assessmentId }))}`,
      keyHeaders(key, other.orgId),
    );
    expect(trpc.status).toBe(404);
    // Without naming one, it acts in its own; and it lists no other.
    const own = (await (await get("/api/v1/assessments", keyHeaders(key))).json()) as { data: { id: string }[] };
    expect(own.data.map((a) => a.id)).toEqual([team.assessmentId]);
    const orgs = await keyCaller(h, key).orgs.list();
    expect(orgs.data.map((o) => o.id)).toEqual([team.orgId]);
  });

  it("cannot change global templates when bound to one organization, even a superuser's", async () => {
    const superuser = await h.createUser({ role: "admin", isSuperuser: true });
    const token = (await h.login(superuser)).accessToken;
    const bound = await issueKey(h, token, ["assessments:write"], { organizationId: team.orgId });
    const unbound = await issueKey(h, token, ["assessments:write"]);
    const create = (key: string) => keyCaller(h, key).templates.activity.create({ name: "By key", scope: "global" });
    await expectCode(create(bound.key), "FORBIDDEN");
    expect(await create(unbound.key)).toMatchObject({ scope: "global", organizationId: null });
  });

  it("is refused (401) on the next request once revoked", async () => {
    const issued = await issueKey(h, team.lead.token, ["assessments:read"], { organizationId: team.orgId });
    const headers = keyHeaders(issued.key);
    expect((await get("/api/v1/assessments", headers)).status).toBe(200);
    const revoke = await h.app.request(`/api/v1/api-keys/${issued.id}`, {
      method: "DELETE",
      headers: { authorization: `Bearer ${team.lead.token}` },
    });
    expect(revoke.status).toBe(200);
    for (const res of [await get("/api/v1/assessments", headers), await get("/trpc/assessments.list", headers)]) {
      expect(res.status).toBe(401);
      expect((await body(res)).code).toBe("AUTH_TOKEN_INVALID");
    }
  });

  it("is refused (401) once expired", async () => {
    const expiresAt = new Date(h.clock.now().getTime() + 60_000).toISOString();
    const { key } = await issueKey(h, team.lead.token, ["assessments:read"], { organizationId: team.orgId, expiresAt });
    expect((await get("/api/v1/assessments", keyHeaders(key))).status).toBe(200);
    h.clock.advance(61);
    const res = await get("/api/v1/assessments", keyHeaders(key));
    expect(res.status).toBe(401);
    expect((await body(res)).code).toBe("AUTH_TOKEN_INVALID");
  });

  it("is refused (401) while its owner is deactivated, and once deleted", async () => {
    const admin = await h.createUser({ role: "admin" });
    const adminToken = (await h.login(admin)).accessToken;
    const { key } = await issueKey(h, team.red.token, ["assessments:read"], { organizationId: team.orgId });
    expect((await get("/api/v1/assessments", keyHeaders(key))).status).toBe(200);
    await h.as(adminToken).admin.users.deactivate({ id: team.red.id });
    expect((await get("/api/v1/assessments", keyHeaders(key))).status).toBe(401);
    // Reactivation restores the account and its keys (its sessions stay revoked).
    await h.as(adminToken).admin.users.activate({ id: team.red.id });
    expect((await get("/api/v1/assessments", keyHeaders(key))).status).toBe(200);
    // Deleted for good: refused.
    await h.as(adminToken).admin.users.delete({ id: team.red.id });
    expect((await get("/api/v1/assessments", keyHeaders(key))).status).toBe(401);
  });

  it("never does more than its owner may at the moment of the call", async () => {
    const fresh = await createTeam(h);
    const activity = await fresh.lead.api.activities.create({ assessmentId: fresh.assessmentId, title: "T1059" });
    await fresh.lead.api.activities.transition({ id: activity.id, to: "waiting_red" });
    await fresh.red.api.activities.transition({ id: activity.id, to: "waiting_blue" });
    const { key } = await issueKey(h, fresh.blue.token, ["activities:read", "activities:write"], {
      organizationId: fresh.orgId,
    });
    const blue = () => keyCaller(h, key).activities.updateBlue({ id: activity.id, outcome: "alerted" });
    await blue();
    // The owner's ACL role drops to spectator: the key follows.
    await grant(h, fresh.assessmentId, fresh.blue, "spectator");
    await expectCode(blue(), "FORBIDDEN");
    // The owner leaves the organization: the key sees it no more.
    await fresh.lead.api.orgs.members.remove({ userId: fresh.blue.id });
    await expectCode(keyCaller(h, key).activities.get({ id: activity.id }), "NOT_FOUND");

    // A global administrator's admin key stops working once the owner is demoted.
    const admin = await h.createUser({ role: "admin" });
    const { key: adminKey } = await issueKey(h, (await h.login(admin)).accessToken, ["admin"]);
    expect((await get("/api/v1/admin/users", keyHeaders(adminKey))).status).toBe(200);
    const superuser = await h.createUser({ role: "admin", isSuperuser: true });
    await h.as((await h.login(superuser)).accessToken).admin.users.setRole({ id: admin.id, role: "analyst" });
    expect((await get("/api/v1/admin/users", keyHeaders(adminKey))).status).toBe(403);
  });

  it("has its own rate limit: 429 with Retry-After past RATE_LIMIT_API_KEY, other keys unaffected", async () => {
    const first = await issueKey(h, team.lead.token, ["assessments:read"], { organizationId: team.orgId });
    const second = await issueKey(h, team.lead.token, ["assessments:read"], { organizationId: team.orgId });
    // A tRPC batch spends one unit, however many procedures it runs.
    const batch = await get(
      "/trpc/assessments.list,assessments.list,assessments.list?batch=1&input={}",
      keyHeaders(first.key),
    );
    expect(batch.status).toBe(200);
    for (let i = 1; i < LIMIT; i++) expect((await get("/api/v1/assessments", keyHeaders(first.key))).status).toBe(200);
    for (const res of [
      await get("/api/v1/assessments", keyHeaders(first.key)),
      await get("/trpc/assessments.list", keyHeaders(first.key)),
      await post("/mcp", { ...keyHeaders(first.key), accept: "application/json, text/event-stream" }, {}),
    ]) {
      expect(res.status).toBe(429);
      expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(0);
      expect((await body(res)).code).toBe("RATE_LIMITED");
    }
    expect((await get("/api/v1/assessments", keyHeaders(second.key))).status).toBe(200);
  });

  it("records its last use at most once a minute", async () => {
    const issued = await issueKey(h, team.lead.token, ["assessments:read"], { organizationId: team.orgId });
    const lastUsed = async () =>
      (await h.deps.db.prisma.apiKey.findUniqueOrThrow({ where: { id: issued.id } })).lastUsedAt?.getTime();
    expect(await lastUsed()).toBeUndefined();
    await get("/api/v1/assessments", keyHeaders(issued.key));
    const first = await lastUsed();
    expect(first).toBeDefined();
    h.clock.advance(30);
    await get("/api/v1/assessments", keyHeaders(issued.key));
    expect(await lastUsed()).toBe(first);
    h.clock.advance(31);
    await get("/api/v1/assessments", keyHeaders(issued.key));
    expect(await lastUsed()).toBeGreaterThan(first ?? 0);
  });
});

describe("API keys and MFA_REQUIRED_ROLES", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness({ MFA_REQUIRED_ROLES: "analyst" });
  });
  afterAll(() => h.close());

  it("refuses the keys of an owner whose role requires a second factor they no longer have", async () => {
    const analyst = await h.createUser({ role: "analyst" });
    const enrolled = await enrol(h, analyst);
    const { key } = await issueKey(h, enrolled.accessToken, ["attack:read"]);
    expect((await h.app.request("/api/v1/mitre/tactics", { headers: keyHeaders(key) })).status).toBe(200);
    const admin = await h.createUser({ role: "admin" });
    await h.as((await h.login(admin)).accessToken).mfa.adminReset({ userId: analyst.id });
    const res = await h.app.request("/api/v1/mitre/tactics", { headers: keyHeaders(key) });
    expect(res.status).toBe(403);
    expect((await body(res)).message).toMatch(/two-factor/);
  });
});
