/** Every account's sessions, as administrators see and end them. */
import type { Prisma } from "../../generated/prisma/client.js";
import type { AuthUser } from "../../identity/principal.js";
import { AppError } from "../../lib/app-error.js";
import { pageWindow, toPage } from "../../lib/pagination.js";
import { endSessions } from "../sessions/revocation.js";
import { SESSION_COLUMNS, toSession } from "../sessions/sessions.schemas.js";
import {
  activeSessionWhere,
  inactiveSessionWhere,
  NEWEST_SESSIONS_FIRST,
  revokedEvents,
} from "../sessions/sessions.service.js";
import type { SessionListInput } from "./admin.schemas.js";
import { type AdminCtx, assertMayChange } from "./target-user.js";

/** Sessions of all accounts (or one), newest first, optionally only usable or only ended ones. */
export async function listAllSessions(ctx: AdminCtx & { user: AuthUser }, input: SessionListInput) {
  const { user: actor } = ctx;
  const now = ctx.clock.now();
  const where: Prisma.SessionWhereInput = {
    ...(input.userId ? { userId: input.userId } : {}),
    ...(input.active === undefined ? {} : input.active ? activeSessionWhere(now) : inactiveSessionWhere(now)),
  };
  const { prisma } = ctx.db;
  const [total, rows] = await prisma.$transaction([
    prisma.session.count({ where }),
    prisma.session.findMany({
      where,
      select: { ...SESSION_COLUMNS, user: { select: { id: true, email: true, name: true } } },
      orderBy: NEWEST_SESSIONS_FIRST,
      ...pageWindow(input),
    }),
  ]);
  const data = rows.map((row) => ({ ...toSession(row, actor.sessionId), user: row.user }));
  return toPage(data, total, input.page, input.pageSize);
}

/** Revokes any account's session; a superuser's only by a superuser. */
export async function revokeAnySession(ctx: AdminCtx & { user: AuthUser }, sessionId: string): Promise<void> {
  const { user: actor } = ctx;
  let ownerId = "";
  await endSessions(ctx, {
    where: { id: sessionId },
    reason: "admin",
    change: async (tx) => {
      const session = await tx.session.findUnique({
        where: { id: sessionId },
        select: { userId: true, user: { select: { isSuperuser: true } } },
      });
      if (!session) throw new AppError("NOT_FOUND", "No such session", "id");
      assertMayChange(actor, session.user);
      ownerId = session.userId;
    },
    audit: (ids) => revokedEvents(ids, { ownerId, reason: "admin", actorId: actor.id }),
  });
}
