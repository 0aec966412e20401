/**
 * The per-request API key check, the machine twin of the session check: a key is honoured
 * only while it is neither revoked nor expired and its owner is active. Lookups are cached
 * briefly (SESSION_CACHE_TTL_MS) and dropped through the session guard's invalidation bus
 * when a key is revoked or its owner changes (role, deactivation, deletion), on every
 * instance, so the next request sees the change.
 */
import { LRUCache } from "lru-cache";
import type { Database } from "../../db/database.js";
import type { AuthUser } from "../../identity/principal.js";
import { SCOPES, type Scope } from "../../identity/scopes.js";
import { AppError } from "../../lib/app-error.js";
import type { Clock } from "../../lib/clock.js";
import type { Logger } from "../../lib/logger.js";
import type { Invalidation, SessionGuard } from "../auth/session-guard.js";
import { hasApiKeyShape, hashApiKey } from "./api-key-secret.js";

/** A live key as the guard chain needs it. */
export interface ApiKeyEntry {
  keyId: string;
  /** The owner with their current role; `sessionId` carries the key's id (it matches no session). */
  user: AuthUser;
  scopes: ReadonlySet<Scope>;
  organizationId: string | null;
  expiresAt: number | null;
}

/** Last use is written at most this often per key (and instance), never once per request. */
const LAST_USE_INTERVAL_MS = 60_000;
const KNOWN_SCOPES: ReadonlySet<string> = new Set(SCOPES);

const invalidKey = () => new AppError("AUTH_TOKEN_INVALID", "This API key is not valid (revoked, expired or unknown)");

export class ApiKeyGuard {
  /** Keyed by the key's hash, never by the key itself. */
  readonly #cache: LRUCache<string, ApiKeyEntry>;
  readonly #lastUseWritten: LRUCache<string, number>;
  /** Bumped by every invalidation: a lookup that raced one is not cached (it may be stale). */
  #generation = 0;

  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    ttlMs: number,
    sessions: SessionGuard,
  ) {
    this.#cache = new LRUCache<string, ApiKeyEntry>({ max: 50_000, ttl: Math.max(ttlMs, 1), ttlAutopurge: false });
    this.#lastUseWritten = new LRUCache<string, number>({ max: 50_000 });
    sessions.onInvalidation((message) => this.#drop(message));
  }

  /** The live key `key`; AUTH_TOKEN_INVALID when unknown, revoked, expired or its owner is inactive. */
  async check(key: string): Promise<ApiKeyEntry> {
    if (!hasApiKeyShape(key)) throw invalidKey();
    const hash = hashApiKey(key);
    let entry = this.#cache.get(hash);
    if (!entry) {
      const generation = this.#generation;
      entry = await this.#load(hash);
      if (generation === this.#generation) this.#cache.set(hash, entry);
    }
    if (entry.expiresAt !== null && entry.expiresAt <= this.clock.now().getTime()) {
      this.#cache.delete(hash);
      throw invalidKey();
    }
    return entry;
  }

  /** Records that `keyId` was used from `ip`, at most once a minute per key (a failed write is only logged). */
  async recordUse(keyId: string, ip: string | null, log: Logger): Promise<void> {
    const now = this.clock.now();
    const last = this.#lastUseWritten.get(keyId);
    if (last !== undefined && now.getTime() - last < LAST_USE_INTERVAL_MS) return;
    this.#lastUseWritten.set(keyId, now.getTime());
    try {
      await this.db.prisma.apiKey.update({ where: { id: keyId }, data: { lastUsedAt: now, lastUsedIp: ip } });
    } catch (error) {
      log.warn({ err: error, apiKeyId: keyId }, "could not record the API key's last use");
    }
  }

  async #load(hash: string): Promise<ApiKeyEntry> {
    const row = await this.db.prisma.apiKey.findUnique({
      where: { keyHash: hash },
      select: {
        id: true,
        userId: true,
        scopes: true,
        organizationId: true,
        expiresAt: true,
        revokedAt: true,
        user: { select: { email: true, name: true, role: true, isSuperuser: true, isActive: true, deletedAt: true } },
      },
    });
    const owner = row?.user;
    if (!row || row.revokedAt || !owner || !owner.isActive || owner.deletedAt) throw invalidKey();
    return {
      keyId: row.id,
      user: {
        id: row.userId,
        email: owner.email,
        name: owner.name,
        role: owner.role,
        isSuperuser: owner.isSuperuser,
        sessionId: row.id,
      },
      // A scope this version no longer knows grants nothing.
      scopes: new Set(row.scopes.filter((scope): scope is Scope => KNOWN_SCOPES.has(scope))),
      organizationId: row.organizationId,
      expiresAt: row.expiresAt?.getTime() ?? null,
    };
  }

  #drop(message: Invalidation): void {
    this.#generation++;
    if ("apiKeyId" in message) {
      for (const [hash, entry] of this.#cache.entries()) {
        if (entry.keyId === message.apiKeyId) this.#cache.delete(hash);
      }
      return;
    }
    if ("userId" in message) {
      for (const [hash, entry] of this.#cache.entries()) {
        if (entry.user.id === message.userId) this.#cache.delete(hash);
      }
    }
  }
}
