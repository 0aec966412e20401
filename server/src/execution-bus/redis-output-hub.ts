/**
 * Live output over Redis, fanned out inside one API node: every subscriber of every execution
 * on this node shares one blocking XREAD on one connection, so 100 subscribers cost one read
 * per batch of chunks, not 100. A subscriber registers first (live entries are buffered), then
 * reads the log so far, so nothing written in between is lost or repeated.
 */
import type { Redis } from "ioredis";
import type { Logger } from "../lib/logger.js";
import type { OutputEntry } from "./bus.js";

type RawEntry = [id: string, fields: string[]];

interface Subscriber {
  cursor: string;
  catchingUp: boolean;
  buffer: RawEntry[];
  deliver(entries: RawEntry[]): void;
}

interface Tail {
  lastId: string;
  subscribers: Set<Subscriber>;
}

/** Orders two stream ids (`ms-seq`). */
export function compareIds(a: string, b: string): number {
  const [am = 0, as = 0] = a.split("-").map(Number);
  const [bm = 0, bs = 0] = b.split("-").map(Number);
  return am === bm ? as - bs : am - bm;
}

/** The entry a stream record holds: a chunk (`s`, `d` fields, id `0-<seq>`) or the end (`end`). */
export function entryOf([id, fields]: RawEntry): OutputEntry {
  const map = new Map<string, string>();
  for (let i = 0; i + 1 < fields.length; i += 2) map.set(fields[i] as string, fields[i + 1] as string);
  const end = map.get("end");
  if (end !== undefined) return { kind: "end", final: JSON.parse(end) };
  const seq = Number(id.split("-")[1]);
  const stream = map.get("s") as "stdout" | "stderr" | "system";
  return { kind: "chunk", chunk: { seq, stream, data: map.get("d") ?? "" } };
}

export class OutputHub {
  readonly #tails = new Map<string, Tail>();
  #blockingId: number | null = null;
  /** Bumped on every new key; the blocked read was sent with the keys of `#readVersion`. */
  #version = 0;
  #readVersion = 0;
  #loop: Promise<void> | null = null;
  #closed = false;

  constructor(
    private readonly cmd: Redis,
    private readonly blocking: Redis,
    private readonly logger: Logger,
  ) {
    this.blocking.on("ready", () => {
      this.#blockingId = null;
    });
  }

  /** The entries of stream `key` after chunk `afterSeq`, then live ones, until the end or `signal`. */
  async *watch(key: string, afterSeq: number, signal: AbortSignal): AsyncIterable<OutputEntry> {
    const queue: RawEntry[] = [];
    let wake: (() => void) | null = null;
    const sub: Subscriber = {
      cursor: `0-${afterSeq}`,
      catchingUp: true,
      buffer: [],
      deliver(entries) {
        for (const entry of entries) {
          if (compareIds(entry[0], sub.cursor) <= 0) continue;
          sub.cursor = entry[0];
          queue.push(entry);
        }
        wake?.();
      },
    };
    const onAbort = () => wake?.();
    signal.addEventListener("abort", onAbort);
    this.#join(key, sub);
    try {
      const past = (await this.cmd.xrange(key, `(0-${afterSeq}`, "+")) as RawEntry[];
      sub.catchingUp = false;
      sub.deliver([...past, ...sub.buffer]);
      sub.buffer = [];
      while (!signal.aborted) {
        const entry = queue.shift();
        if (!entry) {
          await new Promise<void>((resolve) => {
            wake = resolve;
          });
          wake = null;
          continue;
        }
        const parsed = entryOf(entry);
        yield parsed;
        if (parsed.kind === "end") return;
      }
    } finally {
      signal.removeEventListener("abort", onAbort);
      this.#leave(key, sub);
    }
  }

  /** Stops the loop (the connections belong to the caller). */
  close(): void {
    this.#closed = true;
    this.#interrupt();
  }

  #join(key: string, sub: Subscriber): void {
    const tail = this.#tails.get(key);
    if (tail) {
      tail.subscribers.add(sub);
      return;
    }
    this.#tails.set(key, { lastId: sub.cursor, subscribers: new Set([sub]) });
    this.#interrupt();
    this.#loop ??= this.#run().finally(() => {
      this.#loop = null;
    });
  }

  #leave(key: string, sub: Subscriber): void {
    const tail = this.#tails.get(key);
    tail?.subscribers.delete(sub);
    if (tail && tail.subscribers.size === 0) this.#tails.delete(key);
  }

  // A blocked XREAD only sees the keys it was sent: a new key unblocks it to be read too. The
  // UNBLOCK may overtake a read that is on its way with the old keys, so it is sent again.
  #interrupt(): void {
    this.#version++;
    const unblock = () => {
      if (this.#blockingId === null || this.#readVersion >= this.#version) return;
      this.cmd.client("UNBLOCK", this.#blockingId).catch(() => undefined);
    };
    unblock();
    for (const ms of [20, 100]) setTimeout(unblock, ms).unref();
  }

  async #run(): Promise<void> {
    while (!this.#closed && this.#tails.size > 0) {
      try {
        this.#blockingId ??= Number(await this.blocking.client("ID"));
        this.#readVersion = this.#version;
        const keys = [...this.#tails.keys()];
        const ids = keys.map((k) => this.#tails.get(k)?.lastId ?? "0-0");
        const reply = (await this.blocking.xread("BLOCK", 2000, "STREAMS", ...keys, ...ids)) as
          | [string, RawEntry[]][]
          | null;
        for (const [key, entries] of reply ?? []) this.#dispatch(key, entries);
      } catch (error) {
        if (this.#closed) return;
        this.logger.warn({ err: error }, "execution output: reading Redis failed; retrying");
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    }
  }

  #dispatch(key: string, entries: RawEntry[]): void {
    const tail = this.#tails.get(key);
    const last = entries.at(-1);
    if (!tail || !last) return;
    tail.lastId = last[0];
    for (const sub of tail.subscribers) {
      if (sub.catchingUp) sub.buffer.push(...entries);
      else sub.deliver(entries);
    }
  }
}
