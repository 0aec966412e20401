/**
 * The per-request session check: a token is honoured only while its session is live and
 * its account active. Results are cached briefly per session and dropped on revocation, so
 * a revoked session is refused by the very next request without a query on every request.
 */
import { LRUCache } from "lru-cache";
import type { Database } from "../../db/database.js";
import { AppError } from "../../lib/app-error.js";
import type { Clock } from "../../lib/clock.js";

/** The signed-in user as procedures see it (role from the database, not the token). */
export interface AuthUser {
  id: string;
  email: string;
  name: string;
  role: "admin" | "analyst" | "viewer";
  isSuperuser: boolean;
  sessionId: string;
}

interface Entry {
  user: AuthUser;
  sessionExpiresAt: number;
}

/** Carries invalidations to the other instances (Redis pub/sub); absent on a single instance. */
export interface InvalidationBus {
  publish(message: Invalidation): void;
  subscribe(handler: (message: Invalidation) => void): void;
}
export type Invalidation = { sessionId: string } | { userId: string };

export class SessionGuard {
  readonly #cache: LRUCache<string, Entry>;
  #bus: InvalidationBus | undefined;

  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    ttlMs: number,
  ) {
    this.#cache = new LRUCache<string, Entry>({ max: 50_000, ttl: Math.max(ttlMs, 1), ttlAutopurge: false });
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

  /** Forgets one session (revoked, or its account changed), here and on other instances. */
  invalidateSession(sessionId: string): void {
    this.#drop({ sessionId });
    this.#bus?.publish({ sessionId });
  }

  /** Forgets every cached session of a user (role change, deactivation, logout-all). */
  invalidateUser(userId: string): void {
    this.#drop({ userId });
    this.#bus?.publish({ userId });
  }

  #drop(message: Invalidation): void {
    if ("sessionId" in message) {
      this.#cache.delete(message.sessionId);
      return;
    }
    for (const [sessionId, entry] of this.#cache.entries()) {
      if (entry.user.id === message.userId) this.#cache.delete(sessionId);
    }
  }
}
