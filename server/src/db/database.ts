/**
 * The runtime store: embedded PGlite in a folder when no DATABASE_URL is set, PostgreSQL
 * through a pg pool otherwise. Both are driven by one Prisma client through a driver adapter.
 */
import { mkdir } from "node:fs/promises";
import { PGlite } from "@electric-sql/pglite";
import pg from "pg";
import { type Prisma, PrismaClient } from "../generated/prisma/client.js";
import { claimDataDir } from "./data-dir-lock.js";
import { restoreEmbeddedSnapshot } from "./embedded-snapshot.js";
import { inTurns } from "./fair-turns.js";
import { PatchedPGliteFactory, PatchedPgFactory } from "./upstream-fixes.js";

export type DatabaseKind = "embedded" | "postgresql";

/** A Prisma interactive transaction: what services write through when they write more than one row. */
export type Tx = Prisma.TransactionClient;

export interface Database {
  readonly kind: DatabaseKind;
  readonly factory: PatchedPGliteFactory | PatchedPgFactory;
  readonly prisma: PrismaClient;
  /**
   * Raw SQL outside Prisma (health checks, locks, the migration fast path, hot paths). With a
   * `name`, PostgreSQL prepares the statement once per pooled connection and then runs it
   * without parsing or (once it settles on a generic plan) planning it again: for a large
   * statement planning costs more than running it. PGlite has no named statements; the name is
   * ignored there.
   */
  query<T = Record<string, unknown>>(sql: string, params?: unknown[], options?: QueryOptions): Promise<T[]>;
  /**
   * An adapter factory for the schema engine over ONE connection: the engine takes a
   * session-level advisory lock and must release it on the same connection, which a pool
   * does not guarantee (seen here: the lock leaked and the next migration timed out).
   */
  openMigrationFactory(): { factory: PatchedPGliteFactory | PatchedPgFactory; close(): Promise<void> };
  /** Runs `work` while holding a database-wide advisory lock. */
  withAdvisoryLock<T>(key: number, work: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export interface QueryOptions {
  /** A name unique to this SQL text (one text per name: pg refuses a name reused for another). */
  name?: string;
}

export interface PostgresOptions {
  url: string;
  poolSize: number;
  connectTimeoutMs: number;
}

/**
 * Interactive transactions wait this long for a free connection (Prisma's default is 2 s, which a
 * login storm exceeds: the request then failed) and may run this long once started.
 */
const TRANSACTION_OPTIONS = { maxWait: 10_000, timeout: 15_000 } as const;

/** PostgreSQL over a pg pool. The pool connects lazily: an unreachable server fails queries, not start-up. */
export function openPostgres(options: PostgresOptions): Database {
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.poolSize,
    connectionTimeoutMillis: options.connectTimeoutMs,
    idleTimeoutMillis: 30_000,
  });
  // An idle client losing its connection (server restart) must not crash the process.
  pool.on("error", () => undefined);
  const factory = new PatchedPgFactory(pool, options.url);
  const prisma = new PrismaClient({ adapter: factory, transactionOptions: TRANSACTION_OPTIONS });
  return {
    kind: "postgresql",
    factory,
    prisma,
    async query<T>(sql: string, params: unknown[] = [], options: QueryOptions = {}) {
      const { name } = options;
      return (await (name ? pool.query({ name, text: sql, values: params }) : pool.query(sql, params))).rows as T[];
    },
    openMigrationFactory() {
      const single = new pg.Pool({
        connectionString: options.url,
        max: 1,
        connectionTimeoutMillis: options.connectTimeoutMs,
      });
      single.on("error", () => undefined);
      return { factory: new PatchedPgFactory(single, options.url), close: () => single.end() };
    },
    async withAdvisoryLock(key, work) {
      const client = await pool.connect();
      try {
        await client.query("SELECT pg_advisory_lock($1)", [key]);
        try {
          return await work();
        } finally {
          await client.query("SELECT pg_advisory_unlock($1)", [key]);
        }
      } finally {
        client.release();
      }
    },
    async close() {
      await prisma.$disconnect();
      await pool.end();
    },
  };
}

/** Wraps an open PGlite instance (a folder, or memory for tests). */
export function wrapPGlite(raw: PGlite, release: () => Promise<void> = async () => undefined): Database {
  // Its one connection is taken in turns, oldest request first (fair-turns.ts).
  const db = inTurns(raw);
  const factory = new PatchedPGliteFactory(db);
  const prisma = new PrismaClient({ adapter: factory, transactionOptions: TRANSACTION_OPTIONS });
  return {
    kind: "embedded",
    factory,
    prisma,
    async query<T>(sql: string, params: unknown[] = []) {
      return (await db.query<T>(sql, params)).rows;
    },
    openMigrationFactory: () => ({ factory, close: async () => undefined }),
    // PGlite has a single connection and the folder is claimed by one process, so the
    // lock is already held by construction.
    withAdvisoryLock: (_key, work) => work(),
    async close() {
      await prisma.$disconnect();
      await raw.close();
      await release();
    },
  };
}

/**
 * The embedded database in `dir`, created on first use (from the build's snapshot when there is
 * one: `onSnapshot` is then called).
 */
export async function openEmbedded(dir: string, onSnapshot: () => void = () => undefined): Promise<Database> {
  await mkdir(dir, { recursive: true });
  const release = await claimDataDir(dir);
  try {
    if (await restoreEmbeddedSnapshot(dir)) onSnapshot();
    const db = await PGlite.create({ dataDir: dir });
    return wrapPGlite(db, release);
  } catch (error) {
    await release();
    throw error;
  }
}
