/**
 * The second step of a sign-in: a first factor (password, or a federated identity) that
 * finds a confirmed TOTP factor opens a challenge instead of a session; `verifyMfa` redeems
 * it with a code. Challenges are opaque, stored hashed, single use, 5 minutes, and bound
 * to the IP address and user agent that signed in. Wrong codes count toward the lockout of
 * the (account, address) pair, like wrong passwords.
 */
import type { Context } from "../../context.js";
import { originOf } from "../../context.js";
import type { Tx } from "../../db/database.js";
import { AppError } from "../../lib/app-error.js";
import { randomToken, sha256 } from "../../lib/crypto.js";
import { recordAudit } from "../audit/audit.js";
import { openSession, type TokenPair } from "../auth/session-tokens.js";
import { clearAddressFailures, isAddressLocked, recordAddressFailure } from "../auth/sign-in-throttle.js";
import { acceptProof, type SecondFactorProof } from "./second-factor.js";

type Ctx = Pick<Context, "auth" | "config" | "clock" | "db" | "req" | "limits">;
type Db = Pick<Tx, "mfaFactor">;

export const MFA_CHALLENGE_TTL_SECONDS = 5 * 60;

/** What a first factor answers when a second one is due. */
export interface MfaChallengeResult {
  mfaRequired: true;
  challenge: string;
  expiresAt: string;
}

/** A sign-in's answer: a session, or a challenge for the second step. */
export type LoginResult = TokenPair | MfaChallengeResult;

const challengeRefused = () =>
  new AppError("AUTH_TOKEN_INVALID", "This sign-in challenge is invalid or has expired; sign in again", "challenge");
const codeRefused = () => new AppError("AUTH_INVALID_CREDENTIALS", "Invalid authentication code");

/** True when the account has a confirmed TOTP factor (so its sign-ins need a second step). */
export async function hasConfirmedFactor(db: Db, userId: string): Promise<boolean> {
  const factor = await db.mfaFactor.findUnique({ where: { userId }, select: { confirmedAt: true } });
  return Boolean(factor?.confirmedAt);
}

/** The user agent as stored (and compared): bounded like the sessions' own. */
function userAgentOf(ctx: Pick<Context, "req">): string | null {
  return ctx.req.userAgent?.slice(0, 512) ?? null;
}

/** Opens a challenge for `userId` after its first factor (`method`) succeeded, inside `tx`. */
export async function openMfaChallenge(
  tx: Tx,
  ctx: Pick<Context, "clock" | "req">,
  userId: string,
  method: string,
): Promise<MfaChallengeResult> {
  const now = ctx.clock.now();
  const token = randomToken();
  const expiresAt = new Date(now.getTime() + MFA_CHALLENGE_TTL_SECONDS * 1000);
  const challenge = await tx.mfaChallenge.create({
    data: { tokenHash: sha256(token), userId, ip: ctx.req.ip, userAgent: userAgentOf(ctx), createdAt: now, expiresAt },
  });
  await recordAudit(tx, originOf(ctx), {
    type: "auth.mfa.challenged",
    actorId: userId,
    targetType: "mfa_challenge",
    targetId: challenge.id,
    metadata: { method },
  });
  return { mfaRequired: true, challenge: token, expiresAt: expiresAt.toISOString() };
}

/** Counts a failed second factor toward the address's lockout, and audits it (committed on its own). */
async function recordFailure(ctx: Ctx, userId: string, metadata: Record<string, string>): Promise<void> {
  await ctx.db.prisma.$transaction(async (tx) => {
    await recordAddressFailure(tx, ctx, userId);
    await recordAudit(tx, originOf(ctx), { type: "auth.mfa.failed", targetType: "user", targetId: userId, metadata });
  });
}

type Outcome<T> = { ok: true; value: T } | { ok: false; reason: string };

/** The account whose challenge was redeemed, and how. */
export interface RedeemedBy {
  userId: string;
  method: "totp" | "recovery_code";
}

/**
 * Redeems a challenge of the password step with a TOTP or recovery code (single use, bound
 * to the browser that signed in, counted toward the address's lockout), then runs
 * `complete` in the same transaction: a session for auth.verifyMfa, a grant's sign-in for
 * the OAuth pages. `audit` names where the attempt came from in failure events.
 */
export async function redeemMfaChallenge<T>(
  ctx: Ctx,
  input: { challenge: string } & SecondFactorProof,
  complete: (tx: Tx, redeemed: RedeemedBy) => Promise<T>,
  audit: Record<string, string> = {},
): Promise<T> {
  await ctx.limits.consume("mfaPerIp", ctx.req.ip ?? "unknown");
  const now = ctx.clock.now();
  const challenge = await ctx.db.prisma.mfaChallenge.findUnique({
    where: { tokenHash: sha256(input.challenge) },
    include: { user: { include: { mfaFactor: true } } },
  });
  const bound = challenge && challenge.ip === ctx.req.ip && challenge.userAgent === userAgentOf(ctx);
  if (!challenge || challenge.usedAt || challenge.expiresAt <= now || !bound) throw challengeRefused();
  await ctx.limits.consume("mfaPerAccount", challenge.userId);
  const { user } = challenge;
  const factor = user.mfaFactor;
  // Deactivated, or the factor was disabled or reset since the password step.
  if (!user.isActive || user.deletedAt || !factor?.confirmedAt) throw challengeRefused();
  const method = input.recoveryCode !== undefined ? "recovery_code" : "totp";
  if (await isAddressLocked(ctx.db.prisma, ctx, user.id)) {
    await recordFailure(ctx, user.id, { ...audit, method, reason: "locked" });
    throw codeRefused();
  }
  const outcome = await ctx.db.prisma.$transaction(async (tx): Promise<Outcome<T>> => {
    const result = await acceptProof(tx, ctx, factor, input);
    if (result !== "ok") return { ok: false, reason: result };
    // Single use: of two redemptions of one challenge, one wins; the loser rolls back its code.
    const claimed = await tx.mfaChallenge.updateMany({
      where: { id: challenge.id, usedAt: null },
      data: { usedAt: now },
    });
    if (claimed.count === 0) throw challengeRefused();
    await clearAddressFailures(tx, ctx, user.id);
    return { ok: true, value: await complete(tx, { userId: user.id, method }) };
  });
  if (outcome.ok) return outcome.value;
  await recordFailure(ctx, user.id, { ...audit, method, reason: outcome.reason });
  throw codeRefused();
}

/** Completes a challenged sign-in with a TOTP or recovery code: the usual token pair and session. */
export function verifyMfa(ctx: Ctx, input: { challenge: string } & SecondFactorProof): Promise<TokenPair> {
  return redeemMfaChallenge(ctx, input, async (tx, { userId, method }) => {
    const updated = await tx.user.update({ where: { id: userId }, data: { lastLoginAt: ctx.clock.now() } });
    const pair = await openSession(tx, ctx, updated);
    const remaining =
      method === "recovery_code" ? await tx.recoveryCode.count({ where: { userId, usedAt: null } }) : undefined;
    await recordAudit(tx, originOf(ctx), {
      type: "auth.login.succeeded",
      actorId: userId,
      targetType: "session",
      targetId: pair.sessionId,
      metadata: { method, ...(remaining === undefined ? {} : { recoveryCodesRemaining: remaining }) },
    });
    return pair;
  });
}
