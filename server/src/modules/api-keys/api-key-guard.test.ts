/**
 * Two instances over one database, each caching key lookups: a revocation, or a change to
 * the owner, on one instance reaches the other's cache through the invalidation bus (Redis
 * pub/sub in production; an in-memory bus here), so the key is refused there at once too.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAuthRuntime } from "../../auth-runtime.js";
import { issueKey } from "../../test-support/api-key-kit.js";
import { createHarness, type Harness } from "../../test-support/harness.js";
import type { Invalidation, InvalidationBus } from "../auth/session-guard.js";

/** Pub/sub between instances, delivering each message to every instance but its sender. */
function memoryBus() {
  const handlers: ((message: Invalidation) => void)[] = [];
  return (): InvalidationBus => {
    let own: ((message: Invalidation) => void) | undefined;
    return {
      publish: (message) => {
        for (const handler of handlers) if (handler !== own) handler(message);
      },
      subscribe: (handler) => {
        own = handler;
        handlers.push(handler);
      },
    };
  };
}

describe("API key caches across instances", () => {
  let h: Harness;
  let token: string;
  let other: ReturnType<typeof createAuthRuntime>;

  beforeAll(async () => {
    // A long cache life: only an invalidation can make the other instance forget.
    h = await createHarness({ SESSION_CACHE_TTL_MS: "600000" });
    const account = await h.createUser();
    token = (await h.login(account)).accessToken;
    other = createAuthRuntime(h.deps.config, h.deps.db, h.clock, h.deps.auth.ring);
    const bus = memoryBus();
    h.deps.auth.sessions.connect(bus());
    other.sessions.connect(bus());
  });
  afterAll(() => h.close());

  it("refuses a key revoked on another instance", async () => {
    const issued = await issueKey(h, token, ["attack:read"]);
    await other.apiKeys.check(issued.key); // Cached there now.
    await h.as(token).apiKeys.revoke({ id: issued.id });
    await expect(other.apiKeys.check(issued.key)).rejects.toMatchObject({ code: "AUTH_TOKEN_INVALID" });
  });

  it("refuses the keys of an owner deactivated on another instance", async () => {
    const owner = await h.createUser();
    const issued = await issueKey(h, (await h.login(owner)).accessToken, ["attack:read"]);
    expect((await other.apiKeys.check(issued.key)).user.id).toBe(owner.id);
    const admin = await h.createUser({ role: "admin" });
    await h.as((await h.login(admin)).accessToken).admin.users.deactivate({ id: owner.id });
    await expect(other.apiKeys.check(issued.key)).rejects.toMatchObject({ code: "AUTH_TOKEN_INVALID" });
  });

  it("sees the owner's new role on another instance", async () => {
    const owner = await h.createUser({ role: "analyst" });
    const issued = await issueKey(h, (await h.login(owner)).accessToken, ["attack:read"]);
    expect((await other.apiKeys.check(issued.key)).user.role).toBe("analyst");
    const superuser = await h.createUser({ role: "admin", isSuperuser: true });
    await h.as((await h.login(superuser)).accessToken).admin.users.setRole({ id: owner.id, role: "viewer" });
    expect((await other.apiKeys.check(issued.key)).user.role).toBe("viewer");
  });
});
