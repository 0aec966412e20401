/** Matrix rules for the second factor (mfa.*, auth.verifyMfa) and federated sign-in (oidc.*, auth.exchangeOidcCode). */
import * as OTPAuth from "otpauth";
import { type Call, everyone, globalAdmin, type Rule, signedIn } from "./ladders.js";
import type { Actor, World } from "./world.js";

/** A fresh account (its own session token), optionally with TOTP set up and confirmed. */
async function freshAccount(world: World, enrol: boolean) {
  const account = await world.freshUser();
  const token = (await world.h.login(account)).accessToken;
  if (!enrol) return { account, token, totp: undefined, recoveryCodes: [] as string[] };
  const caller = world.h.as(token);
  const totp = OTPAuth.URI.parse((await caller.mfa.setup()).otpauthUri) as OTPAuth.TOTP;
  const { recoveryCodes } = await caller.mfa.confirm({
    code: totp.generate({ timestamp: world.h.clock.now().getTime() }),
  });
  return { account, token, totp, recoveryCodes };
}

/** The call with the fresh account's token (anonymous callers send none). */
const as = (actor: Actor, token: string, input: unknown): Call => ({
  input,
  ...(actor === "anonymous" ? {} : { token }),
});

export const secondFactorRules: Record<string, Rule> = {
  "auth.verifyMfa": {
    // Public: the matrix only shows it is reachable; a made-up challenge is refused by the challenge check.
    expect: { anonymous: 401 },
    call: () => ({ input: { challenge: "not-a-challenge", code: "123456" } }),
  },
  "auth.exchangeOidcCode": { expect: { anonymous: 401 }, call: () => ({ input: { code: "not-a-code" } }) },
  "mfa.status": { expect: signedIn },
  "mfa.setup": {
    expect: signedIn,
    call: async (w, a) => {
      const { token } = await freshAccount(w, false);
      return as(a, token, undefined);
    },
  },
  "mfa.confirm": {
    expect: signedIn,
    call: async (w, a) => {
      const { token } = await freshAccount(w, false);
      const setup = await w.h.as(token).mfa.setup();
      const totp = OTPAuth.URI.parse(setup.otpauthUri) as OTPAuth.TOTP;
      const code = totp.generate({ timestamp: w.h.clock.now().getTime() });
      return as(a, token, { code });
    },
  },
  "mfa.disable": {
    expect: signedIn,
    call: async (w, a) => {
      const { account, token, recoveryCodes } = await freshAccount(w, true);
      return as(a, token, { password: account.password, code: recoveryCodes[0] });
    },
  },
  "mfa.regenerateRecoveryCodes": {
    expect: signedIn,
    call: async (w, a) => {
      const { token, totp } = await freshAccount(w, true);
      // The confirming step is spent; the next one is inside the drift window.
      const code = totp?.generate({ timestamp: w.h.clock.now().getTime() + 30_000 });
      return as(a, token, { code });
    },
  },
  "mfa.adminReset": { expect: globalAdmin, call: async (w) => ({ input: { userId: (await w.freshUser()).id } }) },
  "oidc.providers": { expect: everyone },
  "oidc.link": {
    // The matrix world configures no provider: signed-in callers get past the guard to the provider lookup.
    expect: { anonymous: 401, viewer: 404, analyst: 404, orgMember: 404 },
    call: () => ({ input: { provider: "none" } }),
  },
  "oidc.identities.list": { expect: signedIn },
  "oidc.identities.unlink": {
    expect: signedIn,
    call: async (w, a) => {
      const { account, token } = await freshAccount(w, false);
      const identity = await w.h.deps.db.prisma.federatedIdentity.create({
        data: { userId: account.id, provider: "matrix", subject: crypto.randomUUID() },
      });
      return as(a, token, { id: identity.id });
    },
  },
};
