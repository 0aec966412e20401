/** admin.*: who may call it, the superuser and self-protection rules, and account CRUD and search. */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mapError } from "../../lib/error-mapping.js";
import { type Caller, createHarness, type Harness, type TestAccount } from "../../test-support/harness.js";

const STRONG = "a long and unusual passphrase";

/** The Assay error, code and message, that a call failed with. */
async function failure(call: Promise<unknown>) {
  try {
    await call;
  } catch (error) {
    const { code, message, errors } = mapError(error);
    return { code, message, field: errors[0]?.field ?? null };
  }
  throw new Error("expected the call to fail");
}
const codeOf = async (call: Promise<unknown>) => (await failure(call)).code;

/** One call of every admin.* procedure and audit.list, with inputs that pass validation. */
function everyAdminCall(c: Caller, id: string) {
  return {
    "admin.users.list": () => c.admin.users.list(),
    "admin.users.get": () => c.admin.users.get({ id }),
    "admin.users.create": () =>
      c.admin.users.create({ email: `x${randomUUID()}@example.com`, name: "X", password: STRONG, role: "viewer" }),
    "admin.users.update": () => c.admin.users.update({ id, name: "Renamed" }),
    "admin.users.setRole": () => c.admin.users.setRole({ id, role: "viewer" }),
    "admin.users.activate": () => c.admin.users.activate({ id }),
    "admin.users.deactivate": () => c.admin.users.deactivate({ id }),
    "admin.users.delete": () => c.admin.users.delete({ id }),
    "admin.users.unlock": () => c.admin.users.unlock({ id }),
    "admin.sessions.list": () => c.admin.sessions.list(),
    "admin.sessions.revoke": () => c.admin.sessions.revoke({ id: randomUUID() }),
    "audit.list": () => c.audit.list(),
  };
}

describe("admin", () => {
  let h: Harness;
  let adminAccount: TestAccount;
  let admin: Caller;
  let superuser: Caller;
  let ips = 0;

  const signIn = (account: TestAccount) => h.login(account, { ip: `10.2.0.${++ips}` });
  const callerFor = async (account: TestAccount) => h.as((await signIn(account)).accessToken);

  beforeAll(async () => {
    h = await createHarness();
    adminAccount = await h.createUser({ role: "admin" });
    admin = await callerFor(adminAccount);
    superuser = await callerFor(await h.createUser({ role: "viewer", isSuperuser: true }));
  });
  afterAll(() => h.close());

  describe("security", () => {
    it("refuses analysts and viewers every admin procedure and the audit trail, and changes nothing", async () => {
      const victim = await h.createUser({ role: "analyst" });
      for (const role of ["analyst", "viewer"] as const) {
        const caller = await callerFor(await h.createUser({ role }));
        for (const [name, call] of Object.entries(everyAdminCall(caller, victim.id))) {
          expect(await codeOf(call()), `${role} ${name}`).toBe("FORBIDDEN");
        }
      }
      expect((await admin.admin.users.get({ id: victim.id })).role).toBe("analyst");
      expect((await admin.audit.list({ targetId: victim.id })).pagination.total).toBe(0);
    });

    it("asks anonymous callers to sign in first", async () => {
      for (const [name, call] of Object.entries(everyAdminCall(h.caller(), randomUUID()))) {
        expect(await codeOf(call()), name).toBe("AUTH_REQUIRED");
      }
    });

    it("lets a superuser in whatever their role", async () => {
      expect((await superuser.admin.users.list()).pagination.total).toBeGreaterThan(0);
    });

    it("keeps a plain admin's hands off a superuser, who can still be looked at", async () => {
      const root = await h.createUser({ role: "admin", isSuperuser: true });
      const rootSession = await signIn(root);
      const id = root.id;
      const refused = {
        update: () => admin.admin.users.update({ id, name: "Pwned" }),
        setRole: () => admin.admin.users.setRole({ id, role: "viewer" }),
        activate: () => admin.admin.users.activate({ id }),
        deactivate: () => admin.admin.users.deactivate({ id }),
        delete: () => admin.admin.users.delete({ id }),
        unlock: () => admin.admin.users.unlock({ id }),
        revokeSession: () => admin.admin.sessions.revoke({ id: rootSession.sessionId }),
        createSuperuser: () =>
          admin.admin.users.create({
            email: "root2@example.com",
            name: "Root 2",
            password: STRONG,
            role: "admin",
            isSuperuser: true,
          }),
      };
      for (const [name, call] of Object.entries(refused)) expect(await codeOf(call()), name).toBe("FORBIDDEN");
      expect(await admin.admin.users.get({ id })).toMatchObject({ isSuperuser: true, isActive: true, role: "admin" });
      expect((await h.as(rootSession.accessToken).auth.me()).id).toBe(id);
      expect((await admin.audit.list({ targetId: id })).pagination.total).toBe(0);

      // A superuser may do what a plain admin may not.
      expect((await superuser.admin.users.update({ id, name: "Root" })).name).toBe("Root");
      const created = await superuser.admin.users.create({
        email: "root2@example.com",
        name: "Root 2",
        password: STRONG,
        role: "admin",
        isSuperuser: true,
      });
      expect(created.isSuperuser).toBe(true);
    });

    it("stops anyone deactivating, deleting or demoting themselves", async () => {
      const self = adminAccount.id;
      for (const call of [
        () => admin.admin.users.deactivate({ id: self }),
        () => admin.admin.users.delete({ id: self }),
        () => admin.admin.users.setRole({ id: self, role: "analyst" }),
      ]) {
        const error = await failure(call());
        expect(error.code).toBe("FORBIDDEN");
        expect(error.message).toMatch(/your own account/);
      }
      expect(await admin.admin.users.get({ id: self })).toMatchObject({ role: "admin", isActive: true });
      // Setting the role one already has is no demotion.
      expect((await admin.admin.users.setRole({ id: self, role: "admin" })).role).toBe("admin");
    });
  });

  describe("users", () => {
    it("creates an account that can sign in, and records it once", async () => {
      const created = await admin.admin.users.create({
        email: "New.Person@Example.com",
        name: " New Person ",
        password: STRONG,
        role: "analyst",
      });
      expect(created).toMatchObject({
        email: "new.person@example.com",
        name: "New Person",
        role: "analyst",
        isSuperuser: false,
        isActive: true,
        isLocked: false,
        lockedUntil: null,
        hasPassword: true,
        deletedAt: null,
      });
      expect(created).not.toHaveProperty("passwordHash");
      expect(created).not.toHaveProperty("failedLoginCount");
      const pair = await signIn({ id: created.id, email: created.email, password: STRONG });
      expect(pair.user.role).toBe("analyst");
      const events = (await admin.audit.list({ targetId: created.id })).data;
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({ type: "admin.user.created", actorId: adminAccount.id, targetType: "user" });
    });

    it("refuses a taken email with CONFLICT on email, and a weak password or bad input with VALIDATION", async () => {
      const input = { email: "dup@example.com", name: "Dup", password: STRONG, role: "viewer" as const };
      await admin.admin.users.create(input);
      expect(await failure(admin.admin.users.create({ ...input, email: "DUP@example.com" }))).toMatchObject({
        code: "CONFLICT",
        field: "email",
      });
      expect(
        await failure(admin.admin.users.create({ ...input, email: "w@example.com", password: "short" })),
      ).toMatchObject({ code: "VALIDATION", field: "password" });
      expect(await failure(admin.admin.users.create({ ...input, email: "not-an-email" }))).toMatchObject({
        code: "VALIDATION",
        field: "email",
      });
      const badRole = { ...input, email: "r@example.com", role: "root" } as unknown as typeof input;
      expect(await codeOf(admin.admin.users.create(badRole))).toBe("VALIDATION");
    });

    it("answers NOT_FOUND for unknown ids", async () => {
      const id = randomUUID();
      for (const call of [
        () => admin.admin.users.get({ id }),
        () => admin.admin.users.update({ id, name: "X" }),
        () => admin.admin.users.setRole({ id, role: "viewer" }),
        () => admin.admin.users.activate({ id }),
        () => admin.admin.users.deactivate({ id }),
        () => admin.admin.users.delete({ id }),
        () => admin.admin.users.unlock({ id }),
        () => admin.admin.sessions.revoke({ id }),
      ]) {
        expect(await codeOf(call())).toBe("NOT_FOUND");
      }
      expect(await codeOf(admin.admin.users.get({ id: "nope" }))).toBe("VALIDATION");
    });

    it("updates name, email and avatar, auditing old and new values, and refuses a taken email", async () => {
      const target = await h.createUser({ name: "Before" });
      const taken = await h.createUser();
      const updated = await admin.admin.users.update({
        id: target.id,
        name: "After",
        email: "After@Example.com",
        avatarUrl: "https://cdn.example.com/a.png",
      });
      expect(updated).toMatchObject({
        name: "After",
        email: "after@example.com",
        avatarUrl: "https://cdn.example.com/a.png",
      });
      const [event] = (await admin.audit.list({ targetId: target.id })).data;
      expect(event).toMatchObject({
        type: "admin.user.updated",
        metadata: {
          changes: { name: { from: "Before", to: "After" }, email: { from: target.email, to: "after@example.com" } },
        },
      });
      expect(await failure(admin.admin.users.update({ id: target.id, email: taken.email }))).toMatchObject({
        code: "CONFLICT",
        field: "email",
      });
      expect(
        await failure(admin.admin.users.update({ id: target.id, avatarUrl: "javascript:alert(1)" })),
      ).toMatchObject({ code: "VALIDATION", field: "avatarUrl" });
      expect((await admin.admin.users.update({ id: target.id, avatarUrl: null })).avatarUrl).toBeNull();
      // Nothing to change: nothing recorded.
      await admin.admin.users.update({ id: target.id, name: "After" });
      expect((await admin.audit.list({ targetId: target.id })).pagination.total).toBe(2);
    });

    it("pages newest first with correct totals", async () => {
      const tag = `pager${Date.now()}`;
      for (let i = 0; i < 5; i++) await h.createUser({ name: `${tag} ${i}` });
      const pages = [];
      for (let page = 1; page <= 3; page++) pages.push(await admin.admin.users.list({ q: tag, page, pageSize: 2 }));
      expect(pages.map((p) => p.pagination)).toEqual([
        { total: 5, page: 1, pageSize: 2, totalPages: 3, hasNext: true, hasPrev: false },
        { total: 5, page: 2, pageSize: 2, totalPages: 3, hasNext: true, hasPrev: true },
        { total: 5, page: 3, pageSize: 2, totalPages: 3, hasNext: false, hasPrev: true },
      ]);
      const names = pages.flatMap((p) => p.data.map((u) => u.name));
      expect(names).toEqual([4, 3, 2, 1, 0].map((i) => `${tag} ${i}`));
      expect(await codeOf(admin.admin.users.list({ pageSize: 101 }))).toBe("VALIDATION");
    });

    it("searches email and name case-insensitively and filters by role and activity", async () => {
      const zebra = await h.createUser({ name: "Zebra Crossing", role: "viewer" });
      const mail = await h.createUser({ email: "ZEBRA.mail@example.org", name: "Someone", role: "analyst" });
      const byQ = await admin.admin.users.list({ q: "zEbRa" });
      expect(byQ.data.map((u) => u.id).sort()).toEqual([zebra.id, mail.id].sort());
      expect((await admin.admin.users.list({ q: "zebra", role: "viewer" })).data.map((u) => u.id)).toEqual([zebra.id]);
      // LIKE wildcards are searched for literally.
      expect((await admin.admin.users.list({ q: "%" })).pagination.total).toBe(0);
      expect((await admin.admin.users.list({ q: "zebra_mail" })).pagination.total).toBe(0);

      await admin.admin.users.deactivate({ id: zebra.id });
      expect((await admin.admin.users.list({ q: "zebra", active: false })).data.map((u) => u.id)).toEqual([zebra.id]);
      expect((await admin.admin.users.list({ q: "zebra", active: true })).data.map((u) => u.id)).toEqual([mail.id]);
    });
  });
});
