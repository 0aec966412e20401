/** A user's own sessions: listing them and signing devices out, each revocation audited. */
import type { Context } from "../../context.js";
import type { Prisma } from "../../generated/prisma/client.js";
import type { AuthUser } from "../../identity/principal.js";
import { AppError } from "../../lib/app-error.js";
import { pageWindow, toPage } from "../../lib/pagination.js";
import { endSessions } from "./revocation.js";
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

/** The caller's sessions, newest first; only usable ones unless `includeInactive`. */
export async function listMySessions(ctx: Ctx & { user: AuthUser }, input: MySessionsInput) {
  const { user } = ctx;
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

/** One `session.revoked` event per revoked session. */
export function revokedEvents(ids: string[], args: { ownerId: string; reason: string; actorId: string }) {
  return ids.map((id) => ({
    type: "session.revoked",
    actorId: args.actorId,
    targetType: "session",
    targetId: id,
    metadata: { reason: args.reason, userId: args.ownerId },
  }));
}

/** Revokes one of the caller's sessions, the current one included. */
export async function revokeMySession(ctx: Ctx & { user: AuthUser }, sessionId: string): Promise<void> {
  const { user } = ctx;
  await endSessions(ctx, {
    where: { id: sessionId, userId: user.id },
    reason: "user",
    change: async (tx) => {
      // Another user's session answers like an unknown id, so other accounts' ids cannot be probed.
      const own = await tx.session.findFirst({ where: { id: sessionId, userId: user.id }, select: { id: true } });
      if (!own) throw new AppError("NOT_FOUND", "No such session", "id");
    },
    audit: (ids) => revokedEvents(ids, { ownerId: user.id, reason: "user", actorId: user.id }),
  });
}

/** Signs out every other device of the caller; the current session stays. */
export async function revokeMyOtherSessions(ctx: Ctx & { user: AuthUser }): Promise<number> {
  const { user } = ctx;
  const ids = await endSessions(ctx, {
    where: { userId: user.id, id: { not: user.sessionId } },
    reason: "user",
    audit: (revoked) => revokedEvents(revoked, { ownerId: user.id, reason: "user", actorId: user.id }),
  });
  return ids.length;
}
