/**
 * The per-account budget of costly reads (RATE_LIMIT_COSTLY_READS_PER_ACCOUNT): ATT&CK search,
 * statistics and exports cost the server tens to hundreds of times a page of activities, so one
 * account looping over them (or batching hundreds into one request) must not stall everyone
 * else. Procedures opt in with `.use(costlyRead)` after their guard; both doors (tRPC and REST)
 * pass through it, and a refusal is RATE_LIMITED with Retry-After.
 */
import { middleware } from "./init.js";

/** Counts one costly read against the signed-in caller's budget; RATE_LIMITED once it is spent. */
export const costlyRead = middleware(async ({ ctx, next }) => {
  // Keyed by account: every session and API key of one user shares the budget.
  if (ctx.user) await ctx.limits.consume("costlyReadsPerAccount", ctx.user.id, "searches, statistics or exports");
  return next();
});
