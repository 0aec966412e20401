/**
 * Federated sign-in, authorization code flow: /start stores the state, PKCE verifier and
 * nonce server-side (hashed or sealed; 10 minutes, single use) and sends the browser to the
 * provider; /callback checks them, signs the account in (or links, or creates it) and sends
 * the browser back to the SPA with a one-time code (2 minutes, single use, same client) that
 * `auth.exchangeOidcCode` trades for the usual token pair. Tokens never travel in a URL.
 */
import { generateCodeVerifier, generateState } from "arctic";
import type { Context } from "../../context.js";
import { originOf } from "../../context.js";
import type { Prisma } from "../../generated/prisma/client.js";
import { AppError } from "../../lib/app-error.js";
import { randomToken, sha256 } from "../../lib/crypto.js";
import { recordAudit } from "../audit/audit.js";
import { openSession } from "../auth/session-tokens.js";
import { hasConfirmedFactor, type LoginResult, openMfaChallenge } from "../mfa/mfa-login.service.js";
import { linkToAccount, resolveAccount } from "./account-linking.js";
import { OidcFlowError } from "./oidc-errors.js";
import { providerClient } from "./provider-clients.js";
import { defaultReturnTo, resolveReturnTo, withParams } from "./return-to.js";

type Ctx = Pick<Context, "auth" | "config" | "clock" | "db" | "req" | "limits" | "log">;

export const LOGIN_STATE_TTL_SECONDS = 10 * 60;
export const EXCHANGE_CODE_TTL_SECONDS = 2 * 60;

/** The redirect URI registered at the provider: PUBLIC_URL (or the request's origin) + the callback path. */
export function callbackUrl(ctx: Pick<Context, "config">, requestOrigin: string, provider: string): string {
  const base = (ctx.config.publicUrl ?? requestOrigin).replace(/\/+$/, "");
  return `${base}/auth/oidc/${encodeURIComponent(provider)}/callback`;
}

const userAgentOf = (ctx: Pick<Context, "req">) => ctx.req.userAgent?.slice(0, 512) ?? null;

/**
 * Where /start sends the browser: the provider's authorization URL, or (if the provider
 * cannot be reached) the validated returnTo with an error. Unknown providers and unlisted
 * returnTo addresses fail with an API error instead: nothing redirects anywhere unlisted.
 */
export async function startOidcLogin(
  ctx: Ctx,
  input: { provider: string; returnTo?: string | undefined; requestOrigin: string; linkUserId?: string },
): Promise<string> {
  const client = providerClient(ctx.config, input.provider);
  if (!client) throw new AppError("NOT_FOUND", "No such sign-in provider", "provider");
  const returnTo = resolveReturnTo(ctx.config, input.returnTo);
  // Each start stores a row: bounded per IP like password sign-ins.
  await ctx.limits.consume("loginPerIp", ctx.req.ip ?? "unknown");
  const now = ctx.clock.now();
  const state = generateState();
  const codeVerifier = generateCodeVerifier();
  const nonce = randomToken();
  let url: URL;
  try {
    url = await client.authorizationUrl({
      state,
      codeVerifier,
      nonce,
      redirectUri: callbackUrl(ctx, input.requestOrigin, input.provider),
    });
  } catch (error) {
    const reason = error instanceof OidcFlowError ? error.reason : "authorization_url_failed";
    ctx.log.warn({ err: error, provider: input.provider }, "federated sign-in could not start");
    await recordAudit(ctx.db.prisma, originOf(ctx), {
      type: "auth.oidc.failed",
      metadata: { provider: input.provider, code: "server_error", reason },
    });
    return withParams(returnTo, { error: "server_error" });
  }
  await ctx.db.prisma.oidcLoginState.create({
    data: {
      stateHash: sha256(state),
      provider: input.provider,
      codeVerifierEncrypted: ctx.auth.ring.encrypt(codeVerifier),
      // Only the hash: the ID token's nonce is hashed and compared.
      nonce: sha256(nonce),
      returnTo,
      linkUserId: input.linkUserId ?? null,
      createdAt: now,
      expiresAt: new Date(now.getTime() + LOGIN_STATE_TTL_SECONDS * 1000),
    },
  });
  return url.toString();
}

/** A one-time code for the SPA, bound to this browser (IP address and user agent), inside `tx`. */
async function issueExchangeCode(tx: Prisma.TransactionClient, ctx: Ctx, userId: string, provider: string) {
  const code = randomToken();
  const now = ctx.clock.now();
  await tx.oidcExchangeCode.create({
    data: {
      codeHash: sha256(code),
      userId,
      provider,
      ip: ctx.req.ip,
      userAgent: userAgentOf(ctx),
      createdAt: now,
      expiresAt: new Date(now.getTime() + EXCHANGE_CODE_TTL_SECONDS * 1000),
    },
  });
  return code;
}

export interface CallbackQuery {
  state?: string | undefined;
  code?: string | undefined;
  error?: string | undefined;
  iss?: string | undefined;
}

/** Where /callback sends the browser: returnTo with `code` (or `linked`), or with `error` and no details. */
export async function completeOidcLogin(
  ctx: Ctx,
  input: { provider: string; query: CallbackQuery; requestOrigin: string },
): Promise<string> {
  const { provider, query } = input;
  const now = ctx.clock.now();
  let returnTo = defaultReturnTo(ctx.config);
  try {
    if (!query.state) throw new OidcFlowError("invalid_request", "state_missing");
    const row = await ctx.db.prisma.oidcLoginState.findUnique({ where: { stateHash: sha256(query.state) } });
    if (!row || row.provider !== provider) throw new OidcFlowError("invalid_request", "state_unknown");
    if (row.returnTo) returnTo = row.returnTo; // validated when the state was stored
    // Single use, whatever happens next: claimed before anything else is looked at.
    const claimed = await ctx.db.prisma.oidcLoginState.updateMany({
      where: { id: row.id, usedAt: null },
      data: { usedAt: now },
    });
    if (claimed.count === 0) throw new OidcFlowError("invalid_request", "state_replayed");
    if (row.expiresAt <= now) throw new OidcFlowError("invalid_request", "state_expired");
    if (query.error) {
      const said = query.error.replace(/[^a-z_]/gi, "").slice(0, 40);
      throw new OidcFlowError(said === "access_denied" ? "access_denied" : "login_failed", `provider_error_${said}`);
    }
    const client = providerClient(ctx.config, provider);
    if (!query.code || !client)
      throw new OidcFlowError("invalid_request", query.code ? "provider_gone" : "code_missing");
    const profile = await client.profile({
      code: query.code,
      codeVerifier: ctx.auth.ring.decrypt(row.codeVerifierEncrypted),
      nonceHash: row.nonce,
      redirectUri: callbackUrl(ctx, input.requestOrigin, provider),
      issuer: query.iss,
      now,
    });
    const linkUserId = row.linkUserId;
    if (linkUserId) {
      await ctx.db.prisma.$transaction((tx) => linkToAccount(tx, ctx, linkUserId, provider, profile));
      return withParams(returnTo, { linked: provider });
    }
    const code = await ctx.db.prisma.$transaction(async (tx) => {
      const user = await resolveAccount(tx, ctx, provider, profile);
      return issueExchangeCode(tx, ctx, user.id, provider);
    });
    return withParams(returnTo, { code });
  } catch (error) {
    const failure =
      error instanceof OidcFlowError ? error : new OidcFlowError("server_error", "unexpected", { cause: error });
    if (failure.code === "server_error") ctx.log.error({ err: error, provider }, "federated sign-in failed");
    await recordAudit(ctx.db.prisma, originOf(ctx), {
      type: "auth.oidc.failed",
      metadata: { provider, code: failure.code, reason: failure.reason },
    });
    return withParams(returnTo, { error: failure.code });
  }
}

const codeRefused = () =>
  new AppError("AUTH_TOKEN_INVALID", "This sign-in code is invalid or has expired; sign in again", "code");

/** Trades the one-time code from /callback for a session (or, with MFA enrolled, a challenge). */
export async function exchangeOidcCode(ctx: Ctx, input: { code: string }): Promise<LoginResult> {
  await ctx.limits.consume("loginPerIp", ctx.req.ip ?? "unknown");
  const now = ctx.clock.now();
  const row = await ctx.db.prisma.oidcExchangeCode.findUnique({ where: { codeHash: sha256(input.code) } });
  const bound = row && row.ip === ctx.req.ip && row.userAgent === userAgentOf(ctx);
  if (!row || row.usedAt || row.expiresAt <= now || !bound) throw codeRefused();
  return ctx.db.prisma.$transaction(async (tx) => {
    const claimed = await tx.oidcExchangeCode.updateMany({
      where: { id: row.id, usedAt: null },
      data: { usedAt: now },
    });
    if (claimed.count === 0) throw codeRefused();
    const user = await tx.user.findUniqueOrThrow({ where: { id: row.userId } });
    if (!user.isActive || user.deletedAt) throw codeRefused();
    if (await hasConfirmedFactor(tx, user.id)) return openMfaChallenge(tx, ctx, user.id, "oidc");
    const updated = await tx.user.update({ where: { id: user.id }, data: { lastLoginAt: now } });
    const pair = await openSession(tx, ctx, updated);
    await recordAudit(tx, originOf(ctx), {
      type: "auth.login.succeeded",
      actorId: user.id,
      targetType: "session",
      targetId: pair.sessionId,
      metadata: { method: "oidc", provider: row.provider },
    });
    return pair;
  });
}
