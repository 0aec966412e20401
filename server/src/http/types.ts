import type { Context } from "../context.js";
import type { OrgContext, SignedInContext } from "../identity/contexts.js";

/** Variables the Hono middleware chain sets on every request. */
export interface AppEnv {
  Variables: {
    requestId: string;
    /** Built lazily, once per request, by `contextOf`. */
    appContext?: Context;
    /** Left by a route's guard (http/route-guard.ts) once the chain has passed. */
    guarded?: SignedInContext | OrgContext;
  };
}
