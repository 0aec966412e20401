/**
 * Procedure builders: each one is a guard, read at the top of every procedure. They are the
 * tRPC face of the one guard chain (guard/chain.ts); the scope a procedure needs is declared
 * in its meta (`scope`), next to its builder.
 */
import { enterOrganization, requestedOrgId, requireScope, signIn } from "../guard/chain.js";
import type { AuthUser } from "../identity/principal.js";
import { AppError } from "../lib/app-error.js";
import { baseProcedure, middleware } from "./init.js";

/** Open to anyone, signed in or not. */
export const publicProcedure = baseProcedure;

const signedIn = middleware(async ({ ctx, next, path }) => {
  const principal = await signIn(ctx, path);
  return next({ ctx: { user: principal.user, principal } });
});

// Last step of the chain. A procedure that declares no scope is for a person's own session.
const scoped = middleware(({ ctx, meta, next }) => {
  if (!ctx.principal) throw new Error("the scope step runs after sign-in");
  requireScope(ctx, ctx.principal, meta?.scope ?? "interactive");
  return next();
});

const signedInProcedure = baseProcedure.use(signedIn);

/** True for the middleware that runs the chain's sign-in steps (the catalogue marks guarded procedures by it). */
export function isSignInStep(middleware: unknown): boolean {
  return signedIn._middlewares.includes(middleware as (typeof signedIn._middlewares)[number]);
}

/** Any signed-in caller with a live session and the procedure's scope. */
export const authedProcedure = signedInProcedure.use(scoped);

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
 * Signed-in members acting in one organization, named by the X-Organization-Id header or
 * the `organizationId` input field; puts `ctx.org` (with the caller's role) in place.
 */
export const orgProcedure = signedInProcedure
  .use(async ({ ctx, next, getRawInput }) => {
    const org = await enterOrganization(ctx, ctx.principal, await requestedOrgId(ctx, getRawInput));
    return next({ ctx: { org } });
  })
  .use(scoped);
