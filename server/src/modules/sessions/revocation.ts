/**
 * Ending sessions: revoked in the transaction of the change that ends them, audited there,
 * and dropped from every instance's session cache once that transaction committed.
 */
import type { Context } from "../../context.js";
import { originOf } from "../../context.js";
import type { Tx } from "../../db/database.js";
import type { Prisma } from "../../generated/prisma/client.js";
import { type AuditInput, recordAudits } from "../audit/audit.js";

/** Revokes sessions matching `where` (inside `tx`) and returns their ids for cache invalidation. */
export async function revokeSessions(
  tx: Tx,
  where: Prisma.SessionWhereInput,
  reason: string,
  now: Date,
): Promise<string[]> {
  const sessions = await tx.session.findMany({ where: { ...where, revokedAt: null }, select: { id: true } });
  if (sessions.length === 0) return [];
  const ids = sessions.map((s) => s.id);
  await tx.session.updateMany({ where: { id: { in: ids } }, data: { revokedAt: now, revokedReason: reason } });
  return ids;
}

/** Drops revoked sessions from the per-request cache, after the revocation committed. */
export function forgetSessions(ctx: Pick<Context, "auth">, ids: string[]): void {
  for (const id of ids) ctx.auth.sessions.invalidateSession(id);
}

/**
 * In one transaction: `change` (the account change that ends the sessions, when there is one),
 * the revocation of the sessions matching `where`, and the audit events `audit` makes of the
 * revoked ids; after the commit, the sessions leave the cache. Returns the revoked ids.
 */
export async function endSessions(
  ctx: Pick<Context, "auth" | "clock" | "db" | "req">,
  args: {
    where: Prisma.SessionWhereInput;
    reason: string;
    audit: (revoked: string[]) => AuditInput | AuditInput[];
    change?: (tx: Tx, now: Date) => Promise<unknown>;
  },
): Promise<string[]> {
  const now = ctx.clock.now();
  const ids = await ctx.db.prisma.$transaction(async (tx) => {
    await args.change?.(tx, now);
    const revoked = await revokeSessions(tx, args.where, args.reason, now);
    const events = args.audit(revoked);
    await recordAudits(tx, originOf(ctx), Array.isArray(events) ? events : [events]);
    return revoked;
  });
  forgetSessions(ctx, ids);
  return ids;
}
