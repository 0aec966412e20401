import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mapError } from "../../lib/error-mapping.js";
import { createHarness, type Harness, type TestAccount } from "../../test-support/harness.js";

const FIREFOX = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0";
const IPHONE =
  "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1";

/** The Assay error code a call failed with. */
async function codeOf(call: Promise<unknown>): Promise<string> {
  try {
    await call;
  } catch (error) {
    return mapError(error).code;
  }
  throw new Error("expected the call to fail");
}

describe("sessions", () => {
  let h: Harness;
  let admin: string;
  let ips = 0;

  // A fresh client address per sign-in keeps the per-IP login limit out of the way.
  const signIn = (account: TestAccount, userAgent = "vitest") => h.login(account, { ip: `10.1.0.${++ips}`, userAgent });

  const sessionEvents = async (targetId: string) =>
    (await h.as(admin).audit.list({ type: "session.revoked", targetId })).data;

  beforeAll(async () => {
    h = await createHarness();
    admin = (await signIn(await h.createUser({ role: "admin" }))).accessToken;
  });
  afterAll(() => h.close());

  describe("security", () => {
    it("refuses anonymous callers every procedure", async () => {
      const anonymous = h.caller();
      expect(await codeOf(anonymous.sessions.list())).toBe("AUTH_REQUIRED");
      expect(await codeOf(anonymous.sessions.revoke({ id: randomUUID() }))).toBe("AUTH_REQUIRED");
      expect(await codeOf(anonymous.sessions.revokeOthers())).toBe("AUTH_REQUIRED");
    });

    it("shows a user only their own sessions", async () => {
      const alice = await h.createUser();
      const bob = await h.createUser();
      const a = await signIn(alice);
      const b = await signIn(bob);
      const listed = await h.as(a.accessToken).sessions.list({ includeInactive: true });
      expect(listed.data.map((s) => s.id)).toEqual([a.sessionId]);
      expect(listed.data.map((s) => s.id)).not.toContain(b.sessionId);
    });

    it("answers NOT_FOUND for another user's session, exactly as for an unknown id, and leaves it alone", async () => {
      const alice = await signIn(await h.createUser());
      const bob = await signIn(await h.createUser());
      expect(await codeOf(h.as(alice.accessToken).sessions.revoke({ id: bob.sessionId }))).toBe("NOT_FOUND");
      expect(await codeOf(h.as(alice.accessToken).sessions.revoke({ id: randomUUID() }))).toBe("NOT_FOUND");
      expect((await h.as(bob.accessToken).auth.me()).email).toBe(bob.user.email);
      expect(await sessionEvents(bob.sessionId)).toHaveLength(0);
    });

    it("revokeOthers never touches another user's sessions", async () => {
      const alice = await signIn(await h.createUser());
      const bob = await signIn(await h.createUser());
      await h.as(alice.accessToken).sessions.revokeOthers();
      expect((await h.as(bob.accessToken).auth.me()).email).toBe(bob.user.email);
    });

    it("rejects ids that are not UUIDs", async () => {
      const me = await signIn(await h.createUser());
      expect(await codeOf(h.as(me.accessToken).sessions.revoke({ id: "42" }))).toBe("VALIDATION");
    });
  });

  it("lists usable sessions newest first, with parsed device facts and the current one marked", async () => {
    const account = await h.createUser();
    const older = await signIn(account, FIREFOX);
    h.clock.advance(1);
    const newer = await signIn(account, IPHONE);
    const expired = await signIn(account);
    await h.deps.db.prisma.session.update({ where: { id: expired.sessionId }, data: { expiresAt: new Date(0) } });

    const { data, pagination } = await h.as(newer.accessToken).sessions.list();
    expect(data.map((s) => s.id)).toEqual([newer.sessionId, older.sessionId]);
    expect(pagination).toMatchObject({ total: 2, page: 1, hasNext: false });
    const [phone, desktop] = data;
    expect(phone).toMatchObject({ current: true, deviceType: "mobile", userAgent: IPHONE, revokedAt: null });
    expect(phone?.os).toMatch(/^iOS/);
    expect(desktop).toMatchObject({ current: false, browser: "Firefox 128", os: "Windows 10", deviceType: "desktop" });
    expect(desktop?.device).toBe("Firefox 128 on Windows 10");
    expect(desktop?.ip).toMatch(/^10\.1\.0\./);
    expect(Date.parse(desktop?.expiresAt ?? "")).toBeGreaterThan(Date.now());

    const all = await h.as(newer.accessToken).sessions.list({ includeInactive: true });
    expect(all.data.map((s) => s.id)).toContain(expired.sessionId);
  });

  it("revokes one of my sessions: its token fails on the next call, its refresh fails, and one event is recorded", async () => {
    const account = await h.createUser();
    const keep = await signIn(account);
    const lost = await signIn(account);
    await h.as(lost.accessToken).auth.me(); // warms the session cache the revocation must clear

    expect(await h.as(keep.accessToken).sessions.revoke({ id: lost.sessionId })).toEqual({ ok: true });
    expect(await codeOf(h.as(lost.accessToken).auth.me())).toBe("AUTH_TOKEN_INVALID");
    expect(await codeOf(h.caller().auth.refresh({ refreshToken: lost.refreshToken }))).toBe("AUTH_TOKEN_INVALID");
    expect((await h.as(keep.accessToken).auth.me()).id).toBe(account.id);

    const listed = await h.as(keep.accessToken).sessions.list({ includeInactive: true });
    expect(listed.data.find((s) => s.id === lost.sessionId)).toMatchObject({ revokedReason: "user" });
    expect((await h.as(keep.accessToken).sessions.list()).data.map((s) => s.id)).toEqual([keep.sessionId]);

    // Revoking it again changes nothing and records nothing.
    await h.as(keep.accessToken).sessions.revoke({ id: lost.sessionId });
    const events = await sessionEvents(lost.sessionId);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      actorId: account.id,
      targetType: "session",
      targetId: lost.sessionId,
      metadata: { reason: "user", userId: account.id },
    });
  });

  it("lets me revoke the session I am using", async () => {
    const me = await signIn(await h.createUser());
    await h.as(me.accessToken).sessions.revoke({ id: me.sessionId });
    expect(await codeOf(h.as(me.accessToken).sessions.list())).toBe("AUTH_TOKEN_INVALID");
  });

  it("revokeOthers signs out every other device and keeps this one", async () => {
    const account = await h.createUser();
    const current = await signIn(account);
    const others = [await signIn(account), await signIn(account)];
    for (const other of others) await h.as(other.accessToken).auth.me();

    expect(await h.as(current.accessToken).sessions.revokeOthers()).toEqual({ revokedSessions: 2 });
    for (const other of others) {
      expect(await codeOf(h.as(other.accessToken).auth.me())).toBe("AUTH_TOKEN_INVALID");
      expect(await sessionEvents(other.sessionId)).toHaveLength(1);
    }
    const { data } = await h.as(current.accessToken).sessions.list();
    expect(data.map((s) => s.id)).toEqual([current.sessionId]);
    expect(await h.as(current.accessToken).sessions.revokeOthers()).toEqual({ revokedSessions: 0 });
  });

  it("pages through many sessions", async () => {
    const account = await h.createUser();
    const pairs = [];
    for (let i = 0; i < 5; i++) pairs.push(await signIn(account));
    const token = pairs[0]?.accessToken ?? "";
    const second = await h.as(token).sessions.list({ page: 2, pageSize: 2 });
    expect(second.pagination).toEqual({ total: 5, page: 2, pageSize: 2, totalPages: 3, hasNext: true, hasPrev: true });
    expect(second.data).toHaveLength(2);
  });

  it("serves GET /sessions, DELETE /sessions/{id} and POST /sessions/revoke-others over REST", async () => {
    const account = await h.createUser();
    const me = await signIn(account);
    const other = await signIn(account);
    const third = await signIn(account);
    const auth = { authorization: `Bearer ${me.accessToken}` };

    const listed = await h.app.request("/api/v1/sessions?pageSize=2&page=1&includeInactive=false", { headers: auth });
    expect(listed.status).toBe(200);
    const body = await listed.json();
    expect(body.pagination).toMatchObject({ total: 3, pageSize: 2, hasNext: true });

    const revoked = await h.app.request(`/api/v1/sessions/${other.sessionId}`, { method: "DELETE", headers: auth });
    expect(revoked.status).toBe(200);
    expect(await revoked.json()).toEqual({ ok: true });

    const foreign = await h.app.request(`/api/v1/sessions/${randomUUID()}`, { method: "DELETE", headers: auth });
    expect(foreign.status).toBe(404);
    expect((await foreign.json()).errors[0]).toMatchObject({ code: "NOT_FOUND", field: "id" });

    const rest = await h.app.request("/api/v1/sessions/revoke-others", {
      method: "POST",
      headers: { ...auth, "content-type": "application/json" },
    });
    expect(await rest.json()).toEqual({ revokedSessions: 1 });
    expect(await codeOf(h.as(third.accessToken).auth.me())).toBe("AUTH_TOKEN_INVALID");

    expect((await h.app.request("/api/v1/sessions")).status).toBe(401);
  });
});
