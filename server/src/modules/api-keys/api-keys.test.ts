/**
 * Managing API keys (apiKeys.create, list, revoke): the key is shown once and stored only as a
 * hash; its scopes never exceed what its creator may do; an organization binding must name
 * one the creator belongs to; people see and revoke their own keys, administrators anyone's;
 * creation and revocation are audited.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SCOPES } from "../../identity/scopes.js";
import { keyHeaders } from "../../test-support/api-key-kit.js";
import { createOrg, expectCode, rest } from "../../test-support/assessment-fixtures.js";
import { createHarness, type Harness } from "../../test-support/harness.js";
import { auditEvents } from "../../test-support/org-kit.js";
import { hashApiKey } from "./api-key-secret.js";

describe("API key management", () => {
  let h: Harness;
  let analyst: { id: string; token: string };
  let admin: { id: string; token: string };

  beforeAll(async () => {
    h = await createHarness();
    const a = await h.createUser({ role: "analyst" });
    const b = await h.createUser({ role: "admin" });
    analyst = { id: a.id, token: (await h.login(a)).accessToken };
    admin = { id: b.id, token: (await h.login(b)).accessToken };
  });
  afterAll(() => h.close());

  it("shows the key once and stores only its SHA-256 hash", async () => {
    const created = await h.as(analyst.token).apiKeys.create({ name: "CI runner", scopes: ["assessments:read"] });
    expect(created.key).toMatch(/^assay_[0-9A-Za-z]{43}$/);
    expect(created).toMatchObject({ prefix: created.key.slice(0, 14), scopes: ["assessments:read"], expiresAt: null });
    const row = await h.deps.db.prisma.apiKey.findUniqueOrThrow({ where: { id: created.id } });
    expect(row.keyHash).toBe(hashApiKey(created.key));
    expect(JSON.stringify(row)).not.toContain(created.key);
    // Never again: the list shows the prefix only.
    const listed = await h.as(analyst.token).apiKeys.list();
    const entry = listed.data.find((k) => k.id === created.id);
    expect(entry).toMatchObject({ name: "CI runner", prefix: created.prefix, status: "active", lastUsedAt: null });
    expect(JSON.stringify(listed)).not.toContain(created.key);
  });

  it("creates distinct keys of 32 random bytes", async () => {
    const keys = new Set<string>();
    for (let i = 0; i < 5; i++) {
      keys.add((await h.as(analyst.token).apiKeys.create({ name: `k${i}`, scopes: ["attack:read"] })).key);
    }
    expect(keys.size).toBe(5);
  });

  it("refuses scopes beyond the creator's rights, and bad input with its field", async () => {
    const api = h.as(analyst.token).apiKeys;
    await expectCode(api.create({ name: "x", scopes: ["admin"] }), "FORBIDDEN", "scopes");
    await expectCode(api.create({ name: "x", scopes: [] }), "VALIDATION", "scopes");
    await expectCode(api.create({ name: "x", scopes: ["root" as "admin"] }), "VALIDATION", "scopes.0");
    await expectCode(api.create({ name: " ", scopes: ["attack:read"] }), "VALIDATION", "name");
    const past = new Date(h.clock.now().getTime() - 1000).toISOString();
    await expectCode(api.create({ name: "x", scopes: ["attack:read"], expiresAt: past }), "VALIDATION", "expiresAt");
    // Administrators may grant admin, but not on a key bound to one organization.
    const adminKey = await h.as(admin.token).apiKeys.create({ name: "ops", scopes: ["admin"] });
    expect(adminKey.scopes).toEqual(["admin"]);
    const org = await createOrg(h);
    await h.deps.db.prisma.membership.create({ data: { organizationId: org.id, userId: admin.id, role: "member" } });
    await expectCode(
      h.as(admin.token).apiKeys.create({ name: "x", scopes: ["admin"], organizationId: org.id }),
      "VALIDATION",
      "scopes",
    );
  });

  it("binds a key only to an organization the creator belongs to", async () => {
    const mine = await createOrg(h);
    const theirs = await createOrg(h);
    await h.deps.db.prisma.membership.create({ data: { organizationId: mine.id, userId: analyst.id, role: "member" } });
    const bound = await h.as(analyst.token).apiKeys.create({
      name: "bound",
      scopes: ["assessments:read"],
      organizationId: mine.id,
    });
    expect(bound.organizationId).toBe(mine.id);
    await expectCode(
      h.as(analyst.token).apiKeys.create({ name: "x", scopes: ["assessments:read"], organizationId: theirs.id }),
      "NOT_FOUND",
      "organizationId",
    );
  });

  it("lists a person's own keys; every account's only for administrators", async () => {
    const other = await h.createUser();
    const otherToken = (await h.login(other)).accessToken;
    const theirs = await h.as(otherToken).apiKeys.create({ name: "theirs", scopes: ["attack:read"] });
    const mine = await h.as(analyst.token).apiKeys.list({ pageSize: 100 });
    expect(mine.data.every((k) => k.owner.id === analyst.id)).toBe(true);
    expect(mine.data.map((k) => k.id)).not.toContain(theirs.id);
    await expectCode(h.as(analyst.token).apiKeys.list({ allUsers: true }), "FORBIDDEN", "allUsers");
    const all = await h.as(admin.token).apiKeys.list({ allUsers: true, pageSize: 100 });
    expect(all.data.find((k) => k.id === theirs.id)?.owner).toMatchObject({ id: other.id, email: other.email });
  });

  it("revokes own keys; someone else's key is not found, except for administrators; all audited", async () => {
    const other = await h.createUser();
    const otherToken = (await h.login(other)).accessToken;
    const theirs = await h.as(otherToken).apiKeys.create({ name: "theirs", scopes: ["attack:read"] });
    await expectCode(h.as(analyst.token).apiKeys.revoke({ id: theirs.id }), "NOT_FOUND", "id");
    const mine = await h.as(analyst.token).apiKeys.create({ name: "mine", scopes: ["attack:read"] });
    await h.as(analyst.token).apiKeys.revoke({ id: mine.id });
    await h.as(analyst.token).apiKeys.revoke({ id: mine.id }); // Again: nothing more happens.
    await h.as(admin.token).apiKeys.revoke({ id: theirs.id });

    const listed = await h.as(analyst.token).apiKeys.list({ includeInactive: true, pageSize: 100 });
    expect(listed.data.find((k) => k.id === mine.id)).toMatchObject({ status: "revoked" });
    expect((await h.as(analyst.token).apiKeys.list({ pageSize: 100 })).data.map((k) => k.id)).not.toContain(mine.id);

    const [created] = await auditEvents(h, "api_key.created", mine.id);
    expect(created).toMatchObject({ actorId: analyst.id, targetType: "api_key" });
    expect(created?.metadata).toMatchObject({ name: "mine", scopes: ["attack:read"], prefix: mine.prefix });
    expect(await auditEvents(h, "api_key.revoked", mine.id)).toHaveLength(1);
    const [byAdmin] = await auditEvents(h, "api_key.revoked", theirs.id);
    expect(byAdmin).toMatchObject({ actorId: admin.id, metadata: { ownerId: other.id } });
  });

  it("serves the same contract over REST", async () => {
    const who = { headers: { authorization: `Bearer ${analyst.token}` } };
    const scopes = SCOPES.filter((s) => s !== "admin");
    const created = await rest(h, who, "POST", "/api-keys", { name: "rest", scopes });
    expect(created.status).toBe(200);
    expect(Object.keys(created.body)).toEqual(expect.arrayContaining(["id", "key", "prefix", "scopes", "expiresAt"]));
    const listed = await rest(h, who, "GET", "/api-keys?includeInactive=true");
    expect(listed.body.data.map((k: { id: string }) => k.id)).toContain(created.body.id);
    expect((await rest(h, who, "DELETE", `/api-keys/${created.body.id}`)).status).toBe(200);
    // Managing keys takes a person's own session, not a key.
    const issued = await h.as(analyst.token).apiKeys.create({ name: "machine", scopes });
    const byKey = { headers: keyHeaders(issued.key) };
    for (const [method, path, body] of [
      ["POST", "/api-keys", { name: "child", scopes: ["attack:read"] }],
      ["GET", "/api-keys", undefined],
      ["DELETE", `/api-keys/${issued.id}`, undefined],
    ] as const) {
      const res = await rest(h, byKey, method, path, body);
      expect(res.status, `${method} ${path}`).toBe(403);
      expect(res.body.errors[0].message).toMatch(/person's own signed-in session/);
    }
  });
});
