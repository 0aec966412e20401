/** Matrix rules for system, auth, users, sessions, admin and audit. */
import { type Call, everyone, globalAdmin, type Rule, signedIn, superuserOnly } from "./ladders.js";
import type { Actor, World } from "./world.js";

const page = { page: 1, pageSize: 5 };

/** A fresh account's own session token, so the call cannot end the actor's shared one. */
async function freshSignedIn(world: World, actor: Actor, input: (a: { email: string; password: string }) => unknown) {
  const account = await world.freshUser();
  const token = actor === "anonymous" ? undefined : (await world.h.login(account)).accessToken;
  return { input: input(account), ...(token ? { token } : {}) } satisfies Call;
}

const targetUser = async (world: World): Promise<Call> => ({ input: { id: (await world.freshUser()).id } });

export const accountRules: Record<string, Rule> = {
  "system.info": { expect: everyone },
  "auth.register": {
    expect: { anonymous: "ok" },
    call: () => ({
      input: { email: `reg-${crypto.randomUUID()}@example.com`, password: "a sound passphrase", name: "R" },
    }),
  },
  "auth.login": {
    expect: { anonymous: "ok" },
    call: async (world) => {
      const account = await world.freshUser();
      return { input: { email: account.email, password: account.password } };
    },
  },
  "auth.refresh": {
    expect: { anonymous: "ok" },
    call: async (world) => ({ input: { refreshToken: (await world.h.login(await world.freshUser())).refreshToken } }),
  },
  "auth.requestPasswordReset": {
    expect: { anonymous: "ok" },
    call: () => ({ input: { email: "nobody@example.com" } }),
  },
  "auth.resetPassword": {
    // Public, so the matrix only shows it is reachable: a bogus token is refused by the token check.
    expect: { anonymous: 401 },
    call: () => ({ input: { token: "not-a-token", newPassword: "a sound passphrase" } }),
  },
  "auth.logout": { expect: signedIn, call: (w, a) => freshSignedIn(w, a, () => undefined) },
  "auth.logoutAll": { expect: signedIn, call: (w, a) => freshSignedIn(w, a, () => undefined) },
  "auth.me": { expect: signedIn },
  "auth.changePassword": {
    expect: signedIn,
    call: (w, a) =>
      freshSignedIn(w, a, (account) => ({
        currentPassword: account.password,
        newPassword: "another sound passphrase",
      })),
  },
  "users.getProfile": { expect: signedIn },
  "users.updateProfile": { expect: signedIn, call: () => ({ input: { name: "Renamed" } }) },
  "sessions.list": { expect: signedIn },
  "sessions.revoke": {
    expect: signedIn,
    call: async (world, actor) => ({
      input: { id: actor === "anonymous" ? crypto.randomUUID() : await world.newSession(actor) },
    }),
  },
  "sessions.revokeOthers": { expect: signedIn, call: (w, a) => freshSignedIn(w, a, () => undefined) },
  "admin.users.list": { expect: globalAdmin, call: () => ({ input: page }) },
  "admin.users.get": { expect: globalAdmin, call: targetUser },
  "admin.users.create": {
    expect: globalAdmin,
    call: () => ({
      input: {
        email: `made-${crypto.randomUUID()}@example.com`,
        name: "Made",
        password: "a sound passphrase",
        role: "viewer",
      },
    }),
  },
  "admin.users.update": {
    expect: globalAdmin,
    call: async (w) => ({ input: { id: (await w.freshUser()).id, name: "N" } }),
  },
  "admin.users.setRole": {
    expect: globalAdmin,
    call: async (w) => ({ input: { id: (await w.freshUser()).id, role: "viewer" } }),
  },
  "admin.users.activate": { expect: globalAdmin, call: targetUser },
  "admin.users.deactivate": { expect: globalAdmin, call: targetUser },
  "admin.users.delete": { expect: globalAdmin, call: targetUser },
  "admin.users.unlock": { expect: globalAdmin, call: targetUser },
  "admin.sessions.list": { expect: globalAdmin, call: () => ({ input: page }) },
  "admin.sessions.revoke": {
    expect: globalAdmin,
    call: async (w) => ({ input: { id: (await w.h.login(await w.freshUser())).sessionId } }),
  },
  "audit.list": { expect: globalAdmin, call: () => ({ input: page }) },
  "admin.mail.list": { expect: superuserOnly, call: () => ({ input: { limit: 5 } }) },
};
