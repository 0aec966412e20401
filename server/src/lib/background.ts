/**
 * Work a request starts but does not wait for (so its answer cannot tell what the work
 * found): tracked, so shutdown finishes it before closing the database, and logged when it
 * fails, never dropped silently.
 */
import type { Logger } from "./logger.js";

export class BackgroundWork {
  readonly #pending = new Set<Promise<void>>();

  constructor(private readonly logger: Logger) {}

  /** Starts `work` after the current turn of the event loop; a failure is logged as `what failed` through `log`. */
  run(what: string, work: () => Promise<unknown>, log: Logger = this.logger): void {
    const task = new Promise<void>((resolve) => setImmediate(resolve))
      .then(work)
      .then(
        () => undefined,
        (err: unknown) => log.error({ err }, `${what} failed`),
      )
      .finally(() => this.#pending.delete(task));
    this.#pending.add(task);
  }

  /** How many tasks have not finished yet. */
  get pending(): number {
    return this.#pending.size;
  }

  /** Resolves once every task started so far, and any they started, has finished. */
  async drain(): Promise<void> {
    while (this.#pending.size > 0) await Promise.all([...this.#pending]);
  }
}
