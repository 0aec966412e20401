/**
 * Captures an execution's output as numbered chunks: bytes decoded as UTF-8 per stream (a
 * character split across reads stays whole), NUL replaced (PostgreSQL text cannot hold it),
 * writes within a few milliseconds coalesced into one chunk, and everything past the
 * byte cap dropped (the execution is then marked truncated). Progress lines are read too.
 */
import type { OutputChunk } from "../execution-bus/execution-job.js";

type Stream = OutputChunk["stream"];

export interface CaptureOptions {
  maxBytes: number;
  /** Called with each batch of chunks, in order. */
  onChunks(chunks: OutputChunk[]): void;
  /** A regular expression whose first group is a percentage, matched against each line. */
  progressPattern?: string | null;
  onProgress?(percent: number): void;
  /** How long output may wait to be coalesced (ms). */
  flushMs?: number;
}

const FLUSH_BYTES = 32 * 1024;
const MAX_LINE = 1000;

export class OutputCapture {
  #bytes = 0;
  #truncated = false;
  #seq = 0;
  #pending: OutputChunk[] = [];
  #pendingBytes = 0;
  #timer: NodeJS.Timeout | undefined;
  #decoders = new Map<Stream, TextDecoder>();
  #lines = new Map<Stream, string>();
  readonly #progress: RegExp | null;

  constructor(private readonly options: CaptureOptions) {
    this.#progress = options.progressPattern ? new RegExp(options.progressPattern) : null;
  }

  get outputBytes(): number {
    return this.#bytes;
  }
  get truncated(): boolean {
    return this.#truncated;
  }
  get lastSeq(): number {
    return this.#seq;
  }

  /** Takes raw output of `stream`. */
  write(stream: "stdout" | "stderr", data: Buffer): void {
    const room = this.options.maxBytes - this.#bytes;
    if (room <= 0) {
      this.#truncated = true;
      return;
    }
    const kept = data.length > room ? data.subarray(0, room) : data;
    if (kept.length < data.length) this.#truncated = true;
    this.#bytes += kept.length;
    const decoder = this.#decoders.get(stream) ?? new TextDecoder("utf-8");
    this.#decoders.set(stream, decoder);
    this.#add(stream, decoder.decode(kept, { stream: true }));
  }

  /** Adds one of Assay's own lines (which step starts, why it stopped). */
  note(text: string): void {
    this.#add("system", `${text}\n`);
  }

  /** Sends what is pending (the decoders' leftovers included). */
  flush(): void {
    for (const [stream, decoder] of this.#decoders) this.#add(stream as "stdout" | "stderr", decoder.decode());
    this.#decoders.clear();
    this.#send();
  }

  #add(stream: Stream, text: string): void {
    if (text === "") return;
    const clean = text.includes("\u0000") ? text.replaceAll("\u0000", "\uFFFD") : text;
    if (stream !== "system") this.#readProgress(stream, clean);
    const last = this.#pending.at(-1);
    if (last && last.stream === stream) last.data += clean;
    else this.#pending.push({ seq: 0, stream, data: clean });
    this.#pendingBytes += clean.length;
    if (this.#pendingBytes >= FLUSH_BYTES) this.#send();
    else if (!this.#timer) {
      // The first output goes out at once (what a watcher waits for); later output is coalesced.
      this.#timer = setTimeout(() => this.#send(), this.#seq === 0 ? 0 : (this.options.flushMs ?? 10));
    }
  }

  #send(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#pending.length === 0) return;
    const chunks = this.#pending.map((chunk) => ({ ...chunk, seq: ++this.#seq }));
    this.#pending = [];
    this.#pendingBytes = 0;
    this.options.onChunks(chunks);
  }

  #readProgress(stream: Stream, text: string): void {
    if (!this.#progress || !this.options.onProgress) return;
    const lines = ((this.#lines.get(stream) ?? "") + text).split("\n");
    this.#lines.set(stream, (lines.pop() ?? "").slice(-MAX_LINE));
    for (const line of lines) {
      const match = this.#progress.exec(line.slice(0, MAX_LINE));
      const percent = match?.[1] === undefined ? Number.NaN : Number(match[1]);
      if (Number.isFinite(percent)) this.options.onProgress(Math.max(0, Math.min(100, Math.round(percent))));
    }
  }
}
