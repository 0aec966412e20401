/** The request context as each step of the guard chain leaves it. */
import type { Context } from "../context.js";
import type { AuthUser, OrgScope, Principal } from "./principal.js";

/** After authentication, the live session and the MFA requirement. */
export type SignedInContext = Context & { user: AuthUser; principal: Principal };

/** After the organization step: a signed-in caller acting in one organization. */
export type OrgContext = SignedInContext & { org: OrgScope };

/**
 * What org-scoped services take: the door's OrgContext narrowed to what they read, so a
 * worker or a job acting for a person can build one without a whole request.
 */
export type OrgCtx = Pick<OrgContext, "db" | "clock" | "ids" | "req" | "config" | "user" | "org">;
