/**
 * Sessions and their token pairs: opening a session at sign-in, and rotating its refresh
 * token on every use with reuse detection (RFC 9700 §4.14.2): a refresh token presented a
 * second time revokes the whole session, unless it is a racing duplicate inside the
 * configured grace window, which gets the same successor.
 */
import type { Context } from "../../context.js";
import { originOf } from "../../context.js";
import type { Tx } from "../../db/database.js";
import { AppError } from "../../lib/app-error.js";
import { randomToken, sha256 } from "../../lib/crypto.js";
import { describeUserAgent } from "../../lib/user-agent.js";
import { recordAudit } from "../audit/audit.js";
import { toUser, type UserRow } from "./auth.schemas.js";

type Deps = Pick<Context, "auth" | "config" | "clock" | "db" | "req">;

export interface TokenPair {
  mfaRequired: false;
  tokenType: "Bearer";
  accessToken: string;
  accessTokenExpiresAt: string;
  expiresIn: number;
  refreshToken: string;
  refreshTokenExpiresAt: string;
  sessionId: string;
  user: ReturnType<typeof toUser>;
}

async function pairFor(
  deps: Deps,
  user: UserRow,
  sessionId: string,
  refreshToken: string,
  refreshExpiresAt: Date,
): Promise<TokenPair> {
  const access = await deps.auth.tokens.issue({ userId: user.id, sessionId, role: user.role });
  return {
    mfaRequired: false,
    tokenType: "Bearer",
    accessToken: access.token,
    accessTokenExpiresAt: access.expiresAt.toISOString(),
    expiresIn: deps.config.auth.accessTokenTtlSeconds,
    refreshToken,
    refreshTokenExpiresAt: refreshExpiresAt.toISOString(),
    sessionId,
    user: toUser(user),
  };
}

/** Opens a session for `user` inside `tx` and returns its first token pair. */
export async function openSession(tx: Tx, deps: Deps, user: UserRow): Promise<TokenPair> {
  const now = deps.clock.now();
  const expiresAt = new Date(now.getTime() + deps.config.auth.refreshTokenTtlSeconds * 1000);
  const device = describeUserAgent(deps.req.userAgent);
  const session = await tx.session.create({
    data: {
      userId: user.id,
      userAgent: deps.req.userAgent?.slice(0, 512) ?? null,
      ip: deps.req.ip,
      ...device,
      createdAt: now,
      lastUsedAt: now,
      expiresAt,
    },
  });
  const refreshToken = randomToken();
  await tx.refreshToken.create({
    data: { sessionId: session.id, tokenHash: sha256(refreshToken), createdAt: now, expiresAt },
  });
  return pairFor(deps, user, session.id, refreshToken, expiresAt);
}

const USER_FIELDS = {
  id: true,
  email: true,
  name: true,
  avatarUrl: true,
  role: true,
  isSuperuser: true,
  isActive: true,
  createdAt: true,
  lastLoginAt: true,
  deletedAt: true,
} as const;

type Outcome =
  | { kind: "rotated"; pair: TokenPair }
  | { kind: "grace"; user: UserRow; sessionId: string; token: string; expiresAt: Date }
  | { kind: "reuse"; sessionId: string; userId: string };

const refused = () => new AppError("AUTH_TOKEN_INVALID", "Invalid refresh token");

/** Exchanges a refresh token for a new pair; a reused token revokes its session. */
export async function rotateRefreshToken(deps: Deps, presented: string): Promise<TokenPair> {
  const now = deps.clock.now();
  const graceMs = deps.config.auth.refreshReuseGraceSeconds * 1000;
  const outcome = await deps.db.prisma.$transaction(async (tx): Promise<Outcome> => {
    const row = await tx.refreshToken.findUnique({
      where: { tokenHash: sha256(presented) },
      include: { session: { include: { user: { select: USER_FIELDS } } } },
    });
    const session = row?.session;
    if (!row || !session || session.revokedAt) throw refused();
    const user = session.user;
    if (!user.isActive || user.deletedAt) throw refused();
    if (row.usedAt) {
      const withinGrace = graceMs > 0 && row.graceToken && now.getTime() - row.usedAt.getTime() <= graceMs;
      if (withinGrace && row.graceToken) {
        const successor = await tx.refreshToken.findUnique({ where: { id: row.replacedById ?? "" } });
        if (successor && !successor.usedAt) {
          const token = deps.auth.ring.decrypt(row.graceToken);
          return { kind: "grace", user, sessionId: session.id, token, expiresAt: successor.expiresAt };
        }
      }
      return { kind: "reuse", sessionId: session.id, userId: user.id };
    }
    if (row.expiresAt <= now || session.expiresAt <= now) {
      throw new AppError("AUTH_TOKEN_EXPIRED", "Refresh token expired; sign in again");
    }
    const token = randomToken();
    const expiresAt = new Date(now.getTime() + deps.config.auth.refreshTokenTtlSeconds * 1000);
    const successor = await tx.refreshToken.create({
      data: { sessionId: session.id, tokenHash: sha256(token), createdAt: now, expiresAt },
    });
    // Compare-and-set: of two concurrent exchanges of one token, exactly one marks it used.
    const claimed = await tx.refreshToken.updateMany({
      where: { id: row.id, usedAt: null },
      data: {
        usedAt: now,
        replacedById: successor.id,
        graceToken: graceMs > 0 ? deps.auth.ring.encrypt(token) : null,
      },
    });
    if (claimed.count === 0) {
      // A concurrent exchange won: inside the grace window this request gets the winner's successor.
      await tx.refreshToken.delete({ where: { id: successor.id } });
      const winner = await tx.refreshToken.findUnique({ where: { id: row.id } });
      const winnerSuccessor = winner?.replacedById
        ? await tx.refreshToken.findUnique({ where: { id: winner.replacedById } })
        : null;
      if (graceMs > 0 && winner?.graceToken && winnerSuccessor) {
        const token = deps.auth.ring.decrypt(winner.graceToken);
        return { kind: "grace", user, sessionId: session.id, token, expiresAt: winnerSuccessor.expiresAt };
      }
      return { kind: "reuse", sessionId: session.id, userId: user.id };
    }
    await tx.session.update({ where: { id: session.id }, data: { lastUsedAt: now, expiresAt } });
    return { kind: "rotated", pair: await pairFor(deps, user, session.id, token, expiresAt) };
  });

  if (outcome.kind === "rotated") return outcome.pair;
  if (outcome.kind === "grace") {
    return pairFor(deps, outcome.user, outcome.sessionId, outcome.token, outcome.expiresAt);
  }
  // Reuse: committed on its own, since the request itself fails.
  await deps.db.prisma.$transaction(async (tx) => {
    await tx.session.updateMany({
      where: { id: outcome.sessionId, revokedAt: null },
      data: { revokedAt: now, revokedReason: "reuse_detected" },
    });
    await recordAudit(tx, originOf(deps), {
      type: "auth.refresh.reuse_detected",
      actorId: outcome.userId,
      targetType: "session",
      targetId: outcome.sessionId,
    });
  });
  deps.auth.sessions.invalidateSession(outcome.sessionId);
  throw refused();
}
