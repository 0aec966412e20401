/**
 * Work-arounds for bugs in pinned upstream packages, kept in this one file so each can be
 * deleted when upstream ships a fix. Every fix has a test in upstream-fixes.test.ts that
 * reproduces the bug on the unpatched package and fails once upstream is fixed.
 *
 * - prisma-adapter-pg-char: @prisma/adapter-pg 7.10 throws "Unsupported column type char"
 *   on Postgres' one-byte `"char"` type, which the schema engine's introspection reads
 *   from pg_catalog (so `diff` against a live PostgreSQL fails).
 * - prisma-adapter-pg-script: adapter-pg's executeScript splits the script on ";" and runs
 *   the pieces one by one, which breaks any statement holding a ";" in a string or a
 *   function body. A migration script is sent whole, as the native engine does.
 * - prisma-adapter-pg-shadow: adapter-pg's connectToShadowDb keeps the main database when
 *   configured with a connection string (the string wins over `database`) and drops the
 *   shadow database before closing the pool that still holds connections to it.
 * - pglite-adapter-script: pglite-prisma-adapter 0.7.2's executeScript does not await
 *   PGlite's exec, so a failing migration is recorded as applied.
 * - pglite-adapter-shadow: its connectToShadowDb opens a PGlite that is never closed.
 * - schema-engine-wasm: the Wasm engine reads globalThis.PRISMA_WASM_PANIC_REGISTRY and
 *   arms a 10 s timer that keeps the process alive after the work is done.
 * - schema-engine-wasm locking: the engine takes a session-level advisory lock through the
 *   adapter and may release it on another pooled connection; database.ts therefore gives
 *   it a one-connection pool (openMigrationFactory).
 */
import { PGlite } from "@electric-sql/pglite";
import { PrismaPg } from "@prisma/adapter-pg";
import type {
  SqlDriverAdapter,
  SqlMigrationAwareDriverAdapterFactory,
  SqlQuery,
  Transaction,
} from "@prisma/driver-adapter-utils";
import pg from "pg";
import { PrismaPGlite } from "pglite-prisma-adapter";

const PG_CHAR_OID = 18;
const PG_TEXT_OID = 25;

type PgField = { dataTypeID: number };
type PerformIO = (query: SqlQuery) => Promise<{ fields: PgField[] }>;
type WithPerformIO = { performIO: PerformIO };

/** Reports `"char"` columns as text, which adapter-pg already knows how to read. */
function readCharAsText<T extends object>(queryable: T): T {
  const target = queryable as unknown as WithPerformIO;
  const performIO = target.performIO.bind(target);
  target.performIO = async (query) => {
    const result = await performIO(query);
    for (const field of result.fields) {
      if (field.dataTypeID === PG_CHAR_OID) field.dataTypeID = PG_TEXT_OID;
    }
    return result;
  };
  return queryable;
}

/** Runs a multi-statement script in one simple-protocol round trip, as psql would. */
function runScriptWhole(adapter: SqlDriverAdapter, client: pg.Pool | pg.PoolClient): void {
  adapter.executeScript = async (script: string) => {
    try {
      await client.query(script);
    } catch (error) {
      // Re-enter the adapter's own error conversion so the engine sees a DriverAdapterError.
      (adapter as unknown as { onError(e: unknown): never }).onError(error);
    }
  };
}

function patchPgAdapter(adapter: SqlDriverAdapter, pool: pg.Pool): SqlDriverAdapter {
  readCharAsText(adapter);
  runScriptWhole(adapter, pool);
  const startTransaction = adapter.startTransaction.bind(adapter);
  adapter.startTransaction = async (isolationLevel) => {
    const tx: Transaction = await startTransaction(isolationLevel);
    return readCharAsText(tx);
  };
  return adapter;
}

/** adapter-pg's factory over one shared pool, with the fixes above applied. */
export class PatchedPgFactory implements SqlMigrationAwareDriverAdapterFactory {
  readonly provider = "postgres" as const;
  readonly adapterName: string;
  readonly #inner: PrismaPg;

  constructor(
    readonly pool: pg.Pool,
    private readonly connectionString: string,
  ) {
    this.#inner = new PrismaPg(pool);
    this.adapterName = this.#inner.adapterName;
  }

  async connect(): Promise<SqlDriverAdapter> {
    return patchPgAdapter(await this.#inner.connect(), this.pool);
  }

  async connectToShadowDb(): Promise<SqlDriverAdapter> {
    const name = `assay_shadow_${crypto.randomUUID().replaceAll("-", "")}`;
    await this.pool.query(`CREATE DATABASE "${name}"`);
    const url = new URL(this.connectionString);
    url.pathname = `/${name}`;
    const shadowPool = new pg.Pool({ connectionString: url.toString(), max: 2 });
    const adapter = patchPgAdapter(await new PrismaPg(shadowPool).connect(), shadowPool);
    const dispose = adapter.dispose.bind(adapter);
    adapter.dispose = async () => {
      await dispose();
      // end() resolves before its clients' sockets have closed; DROP ... WITH (FORCE) then
      // terminates their backends (57P01), which the pool would raise as an unhandled error.
      shadowPool.on("error", () => undefined);
      await shadowPool.end().catch(() => undefined);
      await this.pool.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    };
    return adapter;
  }
}

function awaitScripts(adapter: SqlDriverAdapter, db: PGlite): SqlDriverAdapter {
  adapter.executeScript = async (script: string) => {
    try {
      await db.exec(script);
    } catch (error) {
      (adapter as unknown as { onError(e: unknown): never }).onError(error);
    }
  };
  return adapter;
}

/** pglite-prisma-adapter's factory with awaited scripts and a closed shadow database. */
export class PatchedPGliteFactory implements SqlMigrationAwareDriverAdapterFactory {
  readonly provider = "postgres" as const;
  readonly adapterName: string;
  readonly #inner: PrismaPGlite;

  constructor(readonly db: PGlite) {
    this.#inner = new PrismaPGlite(db);
    this.adapterName = this.#inner.adapterName;
  }

  async connect(): Promise<SqlDriverAdapter> {
    return awaitScripts(await this.#inner.connect(), this.db);
  }

  async connectToShadowDb(): Promise<SqlDriverAdapter> {
    const shadow = new PGlite();
    const adapter = awaitScripts(await new PrismaPGlite(shadow).connect(), shadow);
    adapter.dispose = () => shadow.close();
    return adapter;
  }
}

/** The Wasm engine reports panics through this global; without it a panic is a TypeError. */
export function installWasmPanicRegistry(): void {
  const holder = globalThis as { PRISMA_WASM_PANIC_REGISTRY?: { set_message(m: string): void } };
  holder.PRISMA_WASM_PANIC_REGISTRY ??= {
    set_message(message: string) {
      lastWasmPanic = message;
    },
  };
}
let lastWasmPanic: string | undefined;

/** The message of the last Wasm engine panic, if any. */
export function takeWasmPanic(): string | undefined {
  const message = lastWasmPanic;
  lastWasmPanic = undefined;
  return message;
}

/** Wraps the engine's setTimeout import so its timers never keep the process alive. */
export function unrefEngineTimers(imports: Record<string, unknown>): Record<string, unknown> {
  const patched = { ...imports };
  for (const [name, value] of Object.entries(imports)) {
    if (name.startsWith("__wbg_setTimeout_") && typeof value === "function") {
      patched[name] = (...args: unknown[]) => {
        const timer = (value as (...a: unknown[]) => unknown)(...args);
        (timer as { unref?: () => void }).unref?.();
        return timer;
      };
    }
  }
  return patched;
}
