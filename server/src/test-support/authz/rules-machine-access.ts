/** Matrix rules for machine access: API key management (apiKeys.*). */
import { type Call, type Rule, signedIn } from "./ladders.js";
import type { World } from "./world.js";

/** A key of a fresh account: only administrators may revoke it; to anyone else it does not exist. */
async function someoneElsesKey(world: World): Promise<Call> {
  const owner = await world.freshUser();
  const token = (await world.h.login(owner)).accessToken;
  const created = await world.h.as(token).apiKeys.create({ name: "matrix", scopes: ["attack:read"] });
  return { input: { id: created.id } };
}

export const machineAccessRules: Record<string, Rule> = {
  "apiKeys.create": {
    expect: { ...signedIn, admin: "ok", superuser: "ok" },
    call: () => ({ input: { name: "matrix", scopes: ["attack:read"] } }),
  },
  "apiKeys.list": { expect: { ...signedIn, admin: "ok" } },
  "apiKeys.revoke": {
    expect: { anonymous: 401, viewer: 404, analyst: 404, orgOwner: 404, admin: "ok", superuser: "ok" },
    call: someoneElsesKey,
  },
};
