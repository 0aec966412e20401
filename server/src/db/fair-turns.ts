/**
 * Fair turns on the embedded database's only connection: when requests queue for it, the one
 * that arrived first goes first, not the query that was asked first. A request of many short
 * statements (a sign-in makes about ten) then waits about one turn in all, instead of one turn
 * behind every newer reader per statement (162 of 600 sign-ins timed out that way during a
 * 64-reader storm).
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { performance } from "node:perf_hooks";
import type { PGlite } from "@electric-sql/pglite";

const requestStartedAt = new AsyncLocalStorage<number>();

/** Runs `work` (a request's handling) with its arrival time as the age of its database turns. */
export function asRequest<T>(work: () => T): T {
  return requestStartedAt.run(performance.now(), work);
}

/** The age of the current work: its request's arrival, or now for work outside a request. */
function ageOfCurrentWork(): number {
  return requestStartedAt.getStore() ?? performance.now();
}

interface Waiter {
  age: number;
  seq: number;
  start: () => void;
}

/** One holder at a time; waiters served oldest age first (ties in arrival order). */
export class TurnGate {
  #busy = false;
  #seq = 0;
  readonly #waiting: Waiter[] = [];

  /** Runs `work` in its turn. */
  async run<T>(work: () => Promise<T>, age = ageOfCurrentWork()): Promise<T> {
    if (this.#busy || this.#waiting.length > 0) {
      await new Promise<void>((start) => this.#enqueue({ age, seq: this.#seq++, start }));
    }
    this.#busy = true;
    try {
      return await work();
    } finally {
      const next = this.#waiting.shift();
      if (next) next.start();
      else this.#busy = false;
    }
  }

  /** How many wait for a turn (tests). */
  get waiting(): number {
    return this.#waiting.length;
  }

  #enqueue(waiter: Waiter): void {
    // Binary search for the first waiter younger than this one: the queue stays sorted.
    let lo = 0;
    let hi = this.#waiting.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const other = this.#waiting[mid] as Waiter;
      if (other.age < waiter.age || (other.age === waiter.age && other.seq < waiter.seq)) lo = mid + 1;
      else hi = mid;
    }
    this.#waiting.splice(lo, 0, waiter);
  }
}

/**
 * `db` with its statements and transactions taken in turns of `gate`. Inside a transaction the
 * callback's own handle runs without waiting (the transaction holds the turn).
 */
export function inTurns(db: PGlite, gate = new TurnGate()): PGlite {
  const turns: Record<string, unknown> = {
    query: (...args: Parameters<PGlite["query"]>) => gate.run(() => db.query(...args)),
    exec: (...args: Parameters<PGlite["exec"]>) => gate.run(() => db.exec(...args)),
    transaction: (...args: Parameters<PGlite["transaction"]>) => gate.run(() => db.transaction(...args)),
  };
  return new Proxy(db, {
    get(target, property) {
      if (typeof property === "string" && property in turns) return turns[property];
      const value = Reflect.get(target, property, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}
