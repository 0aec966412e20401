/**
 * With REDIS_URL, instances share rate-limit counters and session revocations: a logout on
 * one instance is refused by another's cache right away. Runs where TEST_REDIS_URL is set
 * (CI sets it to the machine's Redis).
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type BuiltDeps, buildDeps } from "./deps.js";
import { createLogger } from "./lib/logger.js";
import { resolveOrg } from "./modules/acl/access.js";
import { createOrg } from "./test-support/assessment-fixtures.js";
import { createHarness, type Harness } from "./test-support/harness.js";

const redisUrl = process.env.TEST_REDIS_URL;

describe.runIf(redisUrl)("two instances over one Redis", () => {
  let h: Harness;
  let other: BuiltDeps;
  beforeAll(async () => {
    h = await createHarness({ REDIS_URL: redisUrl ?? "", RATE_LIMIT_LOGIN_PER_ACCOUNT: "3/1m" });
    other = await buildDeps({
      config: h.deps.config,
      db: h.deps.db,
      logger: createLogger("silent"),
      readiness: h.deps.readiness,
      version: "other",
      clock: h.clock,
    });
    await other.deps.auth.keys.init();
  });
  afterAll(async () => {
    await other.dispose();
    await h.close();
  });

  it("a session revoked on one instance is refused by the other's cache", async () => {
    const account = await h.createUser();
    const pair = await h.login(account);
    const claims = await other.deps.auth.tokens.verify(pair.accessToken);
    await expect(other.deps.auth.sessions.check(claims.sid, claims.sub)).resolves.toMatchObject({ id: account.id });
    await h.as(pair.accessToken).auth.logout();
    const deadline = Date.now() + 10_000;
    let refused = false;
    while (!refused && Date.now() < deadline) {
      refused = await other.deps.auth.sessions.check(claims.sid, claims.sub).then(
        () => false,
        () => true,
      );
      if (!refused) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(refused).toBe(true);
  });

  it("an API key revoked on one instance is refused by the other's cache", async () => {
    const pair = await h.login(await h.createUser());
    const created = await h.as(pair.accessToken).apiKeys.create({ name: "two instances", scopes: ["attack:read"] });
    await expect(other.deps.auth.apiKeys.check(created.key)).resolves.toMatchObject({ keyId: created.id });
    await h.as(pair.accessToken).apiKeys.revoke({ id: created.id });
    const deadline = Date.now() + 10_000;
    let refused = false;
    while (!refused && Date.now() < deadline) {
      refused = await other.deps.auth.apiKeys.check(created.key).then(
        () => false,
        () => true,
      );
      if (!refused) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(refused).toBe(true);
  });

  it("a member removed on one instance loses the organization on the other at once", async () => {
    const org = await createOrg(h);
    const member = await h.createUser();
    await h.deps.db.prisma.membership.create({ data: { organizationId: org.id, userId: member.id, role: "admin" } });
    const user = {
      id: member.id,
      email: member.email,
      name: "m",
      role: "analyst" as const,
      isSuperuser: false,
      sessionId: "s",
    };
    // The other instance caches the member's scope...
    await expect(resolveOrg(other.deps, user, org.id)).resolves.toMatchObject({ role: "admin" });
    await org.owner.api.orgs.members.remove({ userId: member.id });
    // ...and the removal, made here, reaches it through Redis.
    const deadline = Date.now() + 10_000;
    let refused = false;
    while (!refused && Date.now() < deadline) {
      refused = await resolveOrg(other.deps, user, org.id).then(
        () => false,
        () => true,
      );
      if (!refused) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(refused).toBe(true);
  });

  it("an OAuth grant revoked on one instance stops its tokens on the other at once", async () => {
    const account = await h.createUser();
    const gid = randomUUID();
    await h.deps.db.prisma.oAuthRecord.create({
      data: {
        model: "Grant",
        id: gid,
        payload: { accountId: account.id, clientId: "c" },
        expiresAt: new Date(Date.now() + 600_000),
      },
    });
    const claims = { iss: "i", sub: account.id, aud: "a", client_id: "c", gid, jti: "j", iat: 0, exp: 0 };
    // The other instance caches the grant as live...
    await expect(other.deps.auth.oauth.account(claims)).resolves.toMatchObject({ id: account.id });
    await h.deps.db.prisma.oAuthRecord.delete({ where: { model_id: { model: "Grant", id: gid } } });
    h.deps.auth.oauth.revoked(gid);
    // ...and the revocation, made here, reaches it through Redis.
    const deadline = Date.now() + 10_000;
    let refused = false;
    while (!refused && Date.now() < deadline) {
      refused = await other.deps.auth.oauth.account(claims).then(
        () => false,
        () => true,
      );
      if (!refused) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(refused).toBe(true);
  });

  it("counts login attempts across instances", async () => {
    const email = `${randomUUID()}@example.com`;
    await h.deps.limits.consume("loginPerAccount", email);
    await other.deps.limits.consume("loginPerAccount", email);
    await h.deps.limits.consume("loginPerAccount", email);
    await expect(other.deps.limits.consume("loginPerAccount", email)).rejects.toMatchObject({ code: "RATE_LIMITED" });
  });
});
