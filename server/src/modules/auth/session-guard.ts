/**
 * The per-request session check: a token is honoured only while its session is live and
 * its account active. Results are cached briefly per session and dropped on revocation, so
 * a revoked session is refused by the very next request without a query on every request.
 * The caller's scope in an organization (membership and role) is cached the same way and
 * dropped whenever the organization's memberships or the organization itself change.
 */
import { LRUCache } from "lru-cache";
import type { Database } from "../../db/database.js";
import type { AuthUser, OrgScope } from "../../identity/principal.js";
import { AppError } from "../../lib/app-error.js";
import type { Clock } from "../../lib/clock.js";

interface Entry {
  user: AuthUser;
  sessionExpiresAt: number;
}

/** Carries invalidations to the other instances (Redis pub/sub); absent on a single instance. */
export interface InvalidationBus {
  publish(message: Invalidation): void;
  subscribe(handler: (message: Invalidation) => void): void;
}
export type Invalidation =
  | { sessionId: string }
  | { userId: string }
  | { organizationId: string }
  /** An OAuth grant was revoked: its access tokens die with it (modules/oauth-server). */
  | { oauthGrantId: string }
  /** An API key was revoked (modules/api-keys). */
  | { apiKeyId: string };

interface ScopeEntry {
  userId: string;
  organizationId: string;
  scope: OrgScope;
}

export class SessionGuard {
  readonly #cache: LRUCache<string, Entry>;
  readonly #scopes: LRUCache<string, ScopeEntry>;
  /** Bumped by every invalidation: a scope read while one happened is not cached (it may be stale). */
  #generation = 0;
  #bus: InvalidationBus | undefined;
  readonly #listeners: ((message: Invalidation) => void)[] = [];

  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    ttlMs: number,
  ) {
    this.#cache = new LRUCache<string, Entry>({ max: 50_000, ttl: Math.max(ttlMs, 1), ttlAutopurge: false });
    this.#scopes = new LRUCache<string, ScopeEntry>({ max: 50_000, ttl: Math.max(ttlMs, 1), ttlAutopurge: false });
  }

  /**
   * The user's scope in an organization: cached, else `load`ed (a refusal is never cached).
   */
  async orgScope(userId: string, organizationId: string, load: () => Promise<OrgScope>): Promise<OrgScope> {
    const key = `${userId}:${organizationId}`;
    const hit = this.#scopes.get(key);
    if (hit) return hit.scope;
    const generation = this.#generation;
    const scope = await load();
    if (generation === this.#generation) this.#scopes.set(key, { userId, organizationId, scope });
    return scope;
  }

  /** Forgets every cached scope in an organization (membership or organization changed), everywhere. */
  invalidateOrganization(organizationId: string): void {
    this.#drop({ organizationId });
    this.#bus?.publish({ organizationId });
  }

  /** The user of a live session; AUTH_TOKEN_INVALID when revoked, expired or deactivated. */
  async check(sessionId: string, userId: string): Promise<AuthUser> {
    const now = this.clock.now().getTime();
    let entry = this.#cache.get(sessionId);
    if (!entry) {
      const session = await this.db.prisma.session.findUnique({
        where: { id: sessionId },
        select: {
          userId: true,
          revokedAt: true,
          expiresAt: true,
          user: { select: { email: true, name: true, role: true, isSuperuser: true, isActive: true, deletedAt: true } },
        },
      });
      const user = session?.user;
      if (!session || session.revokedAt || !user || !user.isActive || user.deletedAt) {
        throw new AppError("AUTH_TOKEN_INVALID", "Session is no longer valid");
      }
      entry = {
        user: {
          id: session.userId,
          email: user.email,
          name: user.name,
          role: user.role,
          isSuperuser: user.isSuperuser,
          sessionId,
        },
        sessionExpiresAt: session.expiresAt.getTime(),
      };
      this.#cache.set(sessionId, entry);
    }
    if (entry.user.id !== userId) throw new AppError("AUTH_TOKEN_INVALID", "Session is no longer valid");
    if (entry.sessionExpiresAt <= now) {
      this.#cache.delete(sessionId);
      throw new AppError("AUTH_TOKEN_INVALID", "Session expired");
    }
    return entry.user;
  }

  /** Shares invalidations with other instances from now on. */
  connect(bus: InvalidationBus): void {
    this.#bus = bus;
    bus.subscribe((message) => this.#drop(message));
  }

  /** Calls `listener` on every invalidation, local or from another instance (API-key and OAuth caches follow). */
  onInvalidation(listener: (message: Invalidation) => void): void {
    this.#listeners.push(listener);
  }

  /** Forgets a revoked OAuth grant, here and on other instances. */
  invalidateOAuthGrant(grantId: string): void {
    this.#drop({ oauthGrantId: grantId });
    this.#bus?.publish({ oauthGrantId: grantId });
  }

  /** Forgets one session (revoked, or its account changed), here and on other instances. */
  invalidateSession(sessionId: string): void {
    this.#drop({ sessionId });
    this.#bus?.publish({ sessionId });
  }

  /** Forgets a revoked API key in every listener's cache, here and on other instances. */
  invalidateApiKey(apiKeyId: string): void {
    this.#drop({ apiKeyId });
    this.#bus?.publish({ apiKeyId });
  }

  /** Forgets every cached session of a user (role change, deactivation, logout-all). */
  invalidateUser(userId: string): void {
    this.#drop({ userId });
    this.#bus?.publish({ userId });
  }

  #drop(message: Invalidation): void {
    this.#generation++;
    for (const listener of this.#listeners) listener(message);
    // Other credentials' caches listen for these; sessions and scopes have nothing to drop.
    if ("oauthGrantId" in message || "apiKeyId" in message) return;
    if ("sessionId" in message) {
      this.#cache.delete(message.sessionId);
      return;
    }
    if ("organizationId" in message) {
      for (const [key, entry] of this.#scopes.entries()) {
        if (entry.organizationId === message.organizationId) this.#scopes.delete(key);
      }
      return;
    }
    for (const [sessionId, entry] of this.#cache.entries()) {
      if (entry.user.id === message.userId) this.#cache.delete(sessionId);
    }
    for (const [key, entry] of this.#scopes.entries()) {
      if (entry.userId === message.userId) this.#scopes.delete(key);
    }
  }
}
