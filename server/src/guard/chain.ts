/**
 * The one guard chain, in its order: authenticate the bearer credential -> the live session
 * behind it -> the MFA requirement -> the organization (header and input must agree) ->
 * (the assessment ACL, checked row by row by the services through acl/access) -> the scope
 * the door needs. tRPC procedure builders (trpc/procedures.ts) and every Hono route
 * (http/route-guard.ts) run these same steps; nothing rebuilds authentication by hand.
 */
import type { Context } from "../context.js";
import type { OrgScope, Principal } from "../identity/principal.js";
import {
  assertScope,
  InsufficientScopeError,
  insufficientScopeChallenge,
  type ScopeRequirement,
} from "../identity/scopes.js";
import { AppError } from "../lib/app-error.js";
import { orgNotFound, resolveOrg } from "../modules/acl/access.js";
import { authenticateApiKey } from "../modules/api-keys/api-key-auth.js";
import { isApiKey } from "../modules/api-keys/api-key-secret.js";
import { assertMfaSatisfied } from "../modules/mfa/mfa-requirement.js";
import { authenticateOAuthAccessToken, isOAuthAccessToken } from "../modules/oauth-server/oauth-access-tokens.js";

const BEARER = /^Bearer ([A-Za-z0-9._~+/=-]+)$/;

/**
 * Steps 1 and 2: the credential in `Authorization: Bearer ...`, honoured only while it is
 * live: an API key (`assay_...`) while neither revoked nor expired, an OAuth access token
 * while its grant is, a person's access token (JWT) while its session is; in every case only
 * while the account is active.
 */
export async function authenticate(ctx: Context): Promise<Principal> {
  const header = ctx.req.headers.get("authorization");
  if (!header) throw new AppError("AUTH_REQUIRED", "Sign in first: send Authorization: Bearer <access token>");
  const token = BEARER.exec(header)?.[1];
  if (!token) throw new AppError("AUTH_TOKEN_INVALID", "Malformed Authorization header");
  if (isApiKey(token)) return authenticateApiKey(ctx, token);
  if (isOAuthAccessToken(token)) return authenticateOAuthAccessToken(ctx, token);
  const claims = await ctx.auth.tokens.verify(token);
  const user = await ctx.auth.sessions.check(claims.sid, claims.sub);
  return { user, credential: "session", scopes: "all", organizationId: null };
}

/**
 * Steps 1 to 3 for the door named `door` (a procedure path such as "assessments.list", or a
 * route name such as "evidence.upload"): the caller, once their MFA requirement is met.
 */
export async function signIn(ctx: Context, door: string): Promise<Principal> {
  const principal = await authenticate(ctx);
  // MFA_REQUIRED_ROLES: until such a user enrols, only the enrolment doors are open.
  await assertMfaSatisfied(ctx, principal.user, door);
  return principal;
}

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
 * Step 4: the organization `orgId` as `principal` may act in it. A credential bound to one
 * organization acts there by default and sees no other (NOT_FOUND, like a non-member).
 */
export async function enterOrganization(
  ctx: Pick<Context, "db" | "auth">,
  principal: Principal,
  orgId: string | undefined | null,
): Promise<OrgScope> {
  const bound = principal.organizationId;
  if (bound && orgId && orgId !== bound) throw orgNotFound();
  return resolveOrg(ctx, principal.user, orgId ?? bound);
}

/**
 * Step 6: FORBIDDEN unless `principal` holds `required`; a missing scope also asks for it in
 * `WWW-Authenticate` (RFC 6750), which the REST door sends with the 403.
 */
export function requireScope(ctx: Pick<Context, "responseHeaders">, principal: Principal, required: ScopeRequirement) {
  try {
    assertScope(principal, required);
  } catch (error) {
    if (error instanceof InsufficientScopeError) {
      ctx.responseHeaders.set("WWW-Authenticate", insufficientScopeChallenge(error.scope));
    }
    throw error;
  }
}
