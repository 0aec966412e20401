/** Test shortcuts for machine credentials: issuing API keys through the API, calling doors with them. */
import type { Scope } from "../identity/scopes.js";
import type { Harness } from "./harness.js";

export interface IssuedKey {
  id: string;
  key: string;
}

/** Creates an API key through apiKeys.create, as the person signed in with `accessToken`. */
export async function issueKey(
  h: Harness,
  accessToken: string,
  scopes: Scope[],
  options: { organizationId?: string; expiresAt?: string; name?: string } = {},
): Promise<IssuedKey> {
  const created = await h.as(accessToken).apiKeys.create({ name: options.name ?? "test key", scopes, ...options });
  return { id: created.id, key: created.key };
}

/** Request headers sending `key` (and X-Organization-Id when `orgId` is given). */
export function keyHeaders(key: string, orgId?: string): Record<string, string> {
  return { authorization: `Bearer ${key}`, ...(orgId ? { "x-organization-id": orgId } : {}) };
}

/** A tRPC caller sending `key` (and X-Organization-Id when `orgId` is given). */
export function keyCaller(h: Harness, key: string, orgId?: string) {
  return h.caller({ headers: new Headers(keyHeaders(key, orgId)) });
}
