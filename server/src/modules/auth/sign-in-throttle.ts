/**
 * Brute-force protection that is not a denial of service (OWASP, Keycloak): failures lock
 * the (account, address) pair that made them, with the escalating lockout of lockout.ts;
 * failures across addresses only slow the account down (ProgressiveDelay, seconds, never
 * hours), so nobody can lock an owner out from an address they do not control.
 */
import type { Context } from "../../context.js";
import { originOf } from "../../context.js";
import type { Tx } from "../../db/database.js";
import { recordAudit } from "../audit/audit.js";
import { afterFailure, isLocked, PRISTINE } from "./lockout.js";

type Ctx = Pick<Context, "config" | "clock" | "req">;

/** The address a pair is keyed by. */
export function addressOf(ctx: Pick<Context, "req">): string {
  return ctx.req.ip ?? "unknown";
}

/** True while `userId` is locked out for the caller's address. */
export async function isAddressLocked(
  db: Pick<Tx, "loginFailure">,
  ctx: Pick<Context, "clock" | "req">,
  userId: string,
): Promise<boolean> {
  const pair = await db.loginFailure.findUnique({
    where: { userId_ip: { userId, ip: addressOf(ctx) } },
    select: { lockedUntil: true },
  });
  return pair !== null && isLocked(pair, ctx.clock.now());
}

/**
 * Counts one failed factor (password or code) for `userId` from the caller's address, inside
 * `tx`; a failure that locks the pair is audited (`auth.lockout`) and shown to admins.
 */
export async function recordAddressFailure(tx: Tx, ctx: Ctx, userId: string): Promise<{ locked: boolean }> {
  const now = ctx.clock.now();
  const ip = addressOf(ctx);
  const where = { userId_ip: { userId, ip } };
  const pair = (await tx.loginFailure.findUnique({ where })) ?? PRISTINE;
  if (isLocked(pair, now)) return { locked: false };
  const { next, locked } = afterFailure(pair, now, ctx.config.auth.lockout);
  await tx.loginFailure.upsert({ where, create: { userId, ip, ...next }, update: next });
  if (locked && next.lockedUntil) {
    // The account row keeps the latest end of any of its locks, for the admin list.
    await tx.user.updateMany({
      where: { id: userId, OR: [{ lockedUntil: null }, { lockedUntil: { lt: next.lockedUntil } }] },
      data: { lockedUntil: next.lockedUntil },
    });
    await recordAudit(tx, originOf(ctx), {
      type: "auth.lockout",
      targetType: "user",
      targetId: userId,
      metadata: { ip, until: next.lockedUntil.toISOString(), level: next.lockoutLevel },
    });
  }
  return { locked };
}

/** Forgets the caller's address's failures for `userId` (a sign-in from there succeeded). */
export async function clearAddressFailures(tx: Pick<Tx, "loginFailure">, ctx: Pick<Context, "req">, userId: string) {
  await tx.loginFailure.deleteMany({ where: { userId, ip: addressOf(ctx) } });
}

/**
 * Lifts every lock of the account inside `tx` (password reset, admin unlock): its pairs and the
 * admin-facing lock end. Returns the addresses that had failures, for `releaseThrottles`.
 */
export async function clearAllFailures(tx: Pick<Tx, "loginFailure" | "user">, userId: string): Promise<string[]> {
  const pairs = await tx.loginFailure.findMany({ where: { userId }, select: { ip: true } });
  await tx.loginFailure.deleteMany({ where: { userId } });
  await tx.user.update({ where: { id: userId }, data: { lockedUntil: null } });
  return pairs.map((pair) => pair.ip);
}

/** After `clearAllFailures` committed: ends the cross-address slowdown and the pairs' rate limits. */
export async function releaseThrottles(
  ctx: Pick<Context, "auth" | "limits">,
  email: string,
  addresses: string[],
): Promise<void> {
  await ctx.auth.loginDelay.reset(email);
  await Promise.all(addresses.map((ip) => ctx.limits.reset("loginPerAccount", pairKey(email, ip))));
}

/** The rate-limit key of an (account, address) pair. */
export function pairKey(email: string, ip: string): string {
  return `${email}|${ip}`;
}
