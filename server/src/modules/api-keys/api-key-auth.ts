/** Step 1 of the guard chain for `Authorization: Bearer assay_...`: the API key's principal. */
import type { Context } from "../../context.js";
import type { Principal } from "../../identity/principal.js";
import { RateLimitedError } from "../../lib/rate-limits.js";

// One request spends one unit of its key's budget, however many procedures it runs (a tRPC
// batch, an MCP tool calling its procedure): the first step's outcome is shared by the rest.
const spent = new WeakMap<Context["req"], Promise<void>>();

async function spendOnce(ctx: Context, keyId: string): Promise<void> {
  let pending = spent.get(ctx.req);
  if (!pending) {
    pending = ctx.limits.consume("apiKey", keyId);
    spent.set(ctx.req, pending);
  }
  try {
    await pending;
  } catch (error) {
    // Every door sends Retry-After with the 429, Hono routes as well as procedures.
    if (error instanceof RateLimitedError) ctx.responseHeaders.set("Retry-After", String(error.retryAfterSeconds));
    throw error;
  }
}

/**
 * The key's owner as the database has them now (role, superuser flag: never more than the
 * owner's rights at the moment of the call), its scopes and its organization binding; 401
 * for an unknown, revoked or expired key or an inactive owner; 429 past RATE_LIMIT_API_KEY.
 */
export async function authenticateApiKey(ctx: Context, key: string): Promise<Principal> {
  const entry = await ctx.auth.apiKeys.check(key);
  await spendOnce(ctx, entry.keyId);
  await ctx.auth.apiKeys.recordUse(entry.keyId, ctx.req.ip, ctx.log);
  return { user: entry.user, credential: "api-key", scopes: entry.scopes, organizationId: entry.organizationId };
}
