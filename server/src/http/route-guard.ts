/**
 * The Hono face of the one guard chain (guard/chain.ts). Every route the app serves is
 * mounted behind `guard(...)`, which declares who may call it and runs the same steps as
 * the tRPC procedure builders; the authorization matrix reads these declarations from the
 * app itself, so a route mounted without one fails the tests.
 */
import type { Context as HonoContext, MiddlewareHandler } from "hono";
import type { Context } from "../context.js";
import { enterOrganization, requestedOrgId, requireScope, signIn } from "../guard/chain.js";
import type { OrgContext, SignedInContext } from "../identity/contexts.js";
import type { ScopeRequirement } from "../identity/scopes.js";
import type { AppEnv } from "./types.js";

/** Who may call a route. */
export type RouteAccess =
  /** Anyone: operational, static or browser-flow routes that authenticate nothing themselves. */
  | { kind: "public"; why: string }
  /** The tRPC and REST doors: each procedure runs the chain through its builder. */
  | { kind: "procedures" }
  /** Signed-in callers; `name` is the door's name for the MFA requirement and the logs. */
  | { kind: "signed-in"; name: string; scope: ScopeRequirement }
  /** Signed-in callers acting in one organization (X-Organization-Id or ?organizationId=, which must agree). */
  | { kind: "organization"; name: string; scope: ScopeRequirement };

type ContextOf = (c: HonoContext<AppEnv>) => Context;

const declared = new WeakMap<MiddlewareHandler<AppEnv>, RouteAccess>();

/** The access a guard middleware declares, for the authorization matrix; undefined for other handlers. */
export function accessOf(handler: unknown): RouteAccess | undefined {
  return typeof handler === "function" ? declared.get(handler as MiddlewareHandler<AppEnv>) : undefined;
}

function declare(access: RouteAccess, handler: MiddlewareHandler<AppEnv>): MiddlewareHandler<AppEnv> {
  declared.set(handler, access);
  return handler;
}

/** The guard of a route open to anyone; `why` says why nothing is checked. */
export function publicRoute(why: string): MiddlewareHandler<AppEnv> {
  return declare({ kind: "public", why }, (_c, next) => next());
}

/** The guard of the tRPC and REST doors, whose procedures each run the chain themselves. */
export function procedureDoor(): MiddlewareHandler<AppEnv> {
  return declare({ kind: "procedures" }, (_c, next) => next());
}

/**
 * The guard of a signed-in route: runs the chain's steps for `access` and leaves the guarded
 * context in `c.var.guarded`.
 */
export function guard(
  access: Extract<RouteAccess, { kind: "signed-in" | "organization" }>,
  contextOf: ContextOf,
): MiddlewareHandler<AppEnv> {
  return declare(access, async (c, next) => {
    const ctx = contextOf(c);
    const principal = await signIn(ctx, access.name);
    const signedIn: SignedInContext = Object.assign(ctx, { user: principal.user, principal });
    if (access.kind === "organization") {
      const requested = await requestedOrgId(ctx, async () => ({ organizationId: c.req.query("organizationId") }));
      Object.assign(signedIn, { org: await enterOrganization(ctx, principal, requested) });
    }
    requireScope(ctx, principal, access.scope);
    c.set("guarded", signedIn);
    await next();
  });
}

/** The context a `signed-in` route's guard left. */
export function signedInContext(c: HonoContext<AppEnv>): SignedInContext {
  const ctx = c.get("guarded");
  if (!ctx) throw new Error(`${c.req.path} is served without a signed-in guard`);
  return ctx;
}

/** The context an `organization` route's guard left. */
export function orgContext(c: HonoContext<AppEnv>): OrgContext {
  const ctx = signedInContext(c);
  if (!("org" in ctx)) throw new Error(`${c.req.path} is served without an organization guard`);
  return ctx as OrgContext;
}
