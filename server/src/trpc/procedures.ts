/** Procedure builders: each one is a guard, read at the top of every procedure. */
import type { Context } from "../context.js";
import { AppError } from "../lib/app-error.js";
import { resolveOrg } from "../modules/acl/access.js";
import type { AuthUser } from "../modules/auth/session-guard.js";
import { assertMfaSatisfied } from "../modules/mfa/mfa-requirement.js";
import { baseProcedure, middleware } from "./init.js";

/** Open to anyone, signed in or not. */
export const publicProcedure = baseProcedure;

const BEARER = /^Bearer ([A-Za-z0-9._~+/=-]+)$/;

/** The user behind the request's bearer token, checked against the live session. */
export async function authenticate(ctx: Context): Promise<AuthUser> {
  const header = ctx.req.headers.get("authorization");
  if (!header) throw new AppError("AUTH_REQUIRED", "Sign in first: send Authorization: Bearer <access token>");
  const token = BEARER.exec(header)?.[1];
  if (!token) throw new AppError("AUTH_TOKEN_INVALID", "Malformed Authorization header");
  const claims = await ctx.auth.tokens.verify(token);
  return ctx.auth.sessions.check(claims.sid, claims.sub);
}

const requireUser = middleware(async ({ ctx, next, path }) => {
  const user = await authenticate(ctx);
  // MFA_REQUIRED_ROLES: until such a user enrols, only the MFA set-up path is open.
  await assertMfaSatisfied(ctx, user, path);
  return next({ ctx: { user } });
});

/** Any signed-in user with a live session. */
export const authedProcedure = baseProcedure.use(requireUser);

/** Signed-in users holding one of `roles` (superusers always pass). */
export function roleProcedure(...roles: AuthUser["role"][]) {
  return authedProcedure.use(({ ctx, next }) => {
    if (!ctx.user.isSuperuser && !roles.includes(ctx.user.role)) {
      throw new AppError("FORBIDDEN", "Your role does not allow this");
    }
    return next();
  });
}

/** Superusers only. */
export const superuserProcedure = authedProcedure.use(({ ctx, next }) => {
  if (!ctx.user.isSuperuser) throw new AppError("FORBIDDEN", "Superusers only");
  return next();
});

/**
 * The organization a request names, unresolved: the X-Organization-Id header or the
 * `organizationId` input field; VALIDATION when both are sent and disagree.
 */
export async function requestedOrgId(
  ctx: Pick<Context, "req">,
  getRawInput: () => Promise<unknown>,
): Promise<string | undefined> {
  const raw = (await getRawInput().catch(() => undefined)) as { organizationId?: unknown } | undefined;
  const fromInput = typeof raw?.organizationId === "string" ? raw.organizationId : undefined;
  const fromHeader = ctx.req.headers.get("x-organization-id") ?? undefined;
  if (fromHeader && fromInput && fromHeader !== fromInput) {
    throw new AppError(
      "VALIDATION",
      "X-Organization-Id and organizationId name different organizations",
      "organizationId",
    );
  }
  return fromHeader ?? fromInput;
}

/**
 * Signed-in members acting in one organization, named by the X-Organization-Id header or
 * the `organizationId` input field; puts `ctx.org` (with the caller's role) in place.
 */
export const orgProcedure = authedProcedure.use(async ({ ctx, next, getRawInput }) => {
  const org = await resolveOrg(ctx, ctx.user, await requestedOrgId(ctx, getRawInput));
  return next({ ctx: { org } });
});
