/**
 * Who is calling, as the guard chain establishes it: the account, the credential that
 * proved it, and what that credential may do. Types only, so every layer can name them.
 */
import type { Scope } from "./scopes.js";

/** The signed-in user as procedures see it (role from the database, not the token). */
export interface AuthUser {
  id: string;
  email: string;
  name: string;
  role: "admin" | "analyst" | "viewer";
  isSuperuser: boolean;
  /** The session behind the request; for an API key, the key's id (it matches no session). */
  sessionId: string;
}

/** An organization as the caller may act in it. */
export interface OrgScope {
  id: string;
  name: string;
  slug: string;
  /** The caller's role; superusers act as owner. */
  role: "owner" | "admin" | "member";
  /** True when the caller is not a member but a superuser acting on the organization. */
  viaSuperuser: boolean;
}

/**
 * The credential behind a request. A person's own session carries every scope; machine
 * credentials (API keys, OAuth tokens) carry the scopes they were granted and may be bound
 * to one organization. Either way the account's own rights still apply on every call.
 */
export interface Principal {
  user: AuthUser;
  credential: "session" | "api-key" | "oauth";
  /** `all` for a person's interactive session. */
  scopes: ReadonlySet<Scope> | "all";
  /** Set when the credential may act in one organization only. */
  organizationId: string | null;
}
