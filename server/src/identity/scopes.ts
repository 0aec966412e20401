/**
 * Scopes: what a credential may do. Every procedure and every guarded HTTP route declares
 * the scope it needs next to its guard; the chain checks it on every door.
 */
import { AppError } from "../lib/app-error.js";

export const SCOPES = [
  "assessments:read",
  "assessments:write",
  "activities:read",
  "activities:write",
  "attack:read",
  "statistics:read",
  "reports:read",
  "reports:write",
  "executions:run",
  "alerts:ingest",
  "admin",
] as const;

export type Scope = (typeof SCOPES)[number];

/**
 * What a guarded door needs: a scope a machine credential can be granted; `signed-in`, which
 * any live credential satisfies (who am I); or `interactive`, which only a person's own
 * session satisfies (passwords, second factors, sessions, credentials, memberships).
 */
export type ScopeRequirement = Scope | "signed-in" | "interactive";

/** What a credential holds (a Principal's relevant part). */
export interface ScopeHolder {
  credential: "session" | "api-key" | "oauth";
  scopes: ReadonlySet<Scope> | "all";
}

/** FORBIDDEN naming the scope, when `principal` lacks what `required` asks for. */
export function assertScope(principal: ScopeHolder, required: ScopeRequirement): void {
  if (required === "signed-in") return;
  if (required === "interactive") {
    if (principal.credential === "session") return;
    throw new AppError("FORBIDDEN", "Only a person's own signed-in session may do this, not an API key or OAuth token");
  }
  if (principal.scopes === "all" || principal.scopes.has(required)) return;
  throw new InsufficientScopeError(required);
}

/** A credential without the scope a door needs (REST adds `WWW-Authenticate: ... insufficient_scope`). */
export class InsufficientScopeError extends AppError {
  constructor(readonly scope: Scope) {
    super("FORBIDDEN", `This credential lacks the scope ${scope}`, null);
  }
}

/** The `WWW-Authenticate` challenge for a missing scope (RFC 6750 §3.1). */
export function insufficientScopeChallenge(scope: Scope): string {
  return `Bearer error="insufficient_scope", scope="${scope}"`;
}
