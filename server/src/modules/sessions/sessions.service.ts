/** A user's own sessions: listing them and signing devices out, each revocation audited. */
import type { Context } from "../../context.js";
import { originOf } from "../../context.js";
import type { Prisma } from "../../generated/prisma/client.js";
import { AppError } from "../../lib/app-error.js";
import { pageWindow, toPage } from "../../lib/pagination.js";
import { recordAudits } from "../audit/audit.js";
import { forgetSessions, revokeSessions } from "../auth/auth.service.js";
import type { AuthUser } from "../auth/session-guard.js";
import { type MySessionsInput, SESSION_COLUMNS, toSession } from "./sessions.schemas.js";

type Ctx = Pick<Context, "auth" | "clock" | "db" | "req">;

/** Sessions that can still be used: neither revoked nor expired at `now`. */
export function activeSessionWhere(now: Date): Prisma.SessionWhereInput {
  return { revokedAt: null, expiresAt: { gt: now } };
}

/** Sessions that can no longer be used: revoked, or expired at `now`. */
export function inactiveSessionWhere(now: Date): Prisma.SessionWhereInput {
  return { OR: [{ revokedAt: { not: null } }, { expiresAt: { lte: now } }] };
}

export const NEWEST_SESSIONS_FIRST: Prisma.SessionOrderByWithRelationInput[] = [{ createdAt: "desc" }, { id: "desc" }];

/** Revokes `ownerId`'s sessions matching `where` in `tx`, one `session.revoked` event each; returns their ids. */
export async function revokeAudited(
  tx: Prisma.TransactionClient,
  ctx: Pick<Context, "req">,
  args: { ownerId: string; where: Prisma.SessionWhereInput; reason: string; actorId: string; now: Date },
): Promise<string[]> {
  const ids = await revokeSessions(tx, { ...args.where, userId: args.ownerId }, args.reason, args.now);
  await recordAudits(
    tx,
    originOf(ctx),
    ids.map((id) => ({
      type: "session.revoked",
      actorId: args.actorId,
      targetType: "session",
      targetId: id,
      metadata: { reason: args.reason, userId: args.ownerId },
    })),
  );
  return ids;
}

/** The caller's sessions, newest first; only usable ones unless `includeInactive`. */
export async function listMySessions(ctx: Ctx, user: AuthUser, input: MySessionsInput) {
  const now = ctx.clock.now();
  const where: Prisma.SessionWhereInput = {
    userId: user.id,
    ...(input.includeInactive ? {} : activeSessionWhere(now)),
  };
  const [total, rows] = await ctx.db.prisma.$transaction([
    ctx.db.prisma.session.count({ where }),
    ctx.db.prisma.session.findMany({
      where,
      select: SESSION_COLUMNS,
      orderBy: NEWEST_SESSIONS_FIRST,
      ...pageWindow(input),
    }),
  ]);
  const data = rows.map((row) => toSession(row, user.sessionId));
  return toPage(data, total, input.page, input.pageSize);
}

/** Revokes one of the caller's sessions, the current one included. */
export async function revokeMySession(ctx: Ctx, user: AuthUser, sessionId: string): Promise<void> {
  const now = ctx.clock.now();
  const ids = await ctx.db.prisma.$transaction(async (tx) => {
    // Another user's session answers like an unknown id, so other accounts' ids cannot be probed.
    const own = await tx.session.findFirst({ where: { id: sessionId, userId: user.id }, select: { id: true } });
    if (!own) throw new AppError("NOT_FOUND", "No such session", "id");
    return revokeAudited(tx, ctx, {
      ownerId: user.id,
      where: { id: sessionId },
      reason: "user",
      actorId: user.id,
      now,
    });
  });
  forgetSessions(ctx, ids);
}

/** Signs out every other device of the caller; the current session stays. */
export async function revokeMyOtherSessions(ctx: Ctx, user: AuthUser): Promise<number> {
  const now = ctx.clock.now();
  const ids = await ctx.db.prisma.$transaction((tx) =>
    revokeAudited(tx, ctx, {
      ownerId: user.id,
      where: { id: { not: user.sessionId } },
      reason: "user",
      actorId: user.id,
      now,
    }),
  );
  forgetSessions(ctx, ids);
  return ids.length;
}
