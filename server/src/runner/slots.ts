/**
 * The concurrency limit of one runner across all the queues it takes jobs from: a job holds a
 * slot while it runs; when the last slot is taken the runner stops fetching (`onFull`) and
 * starts again when one frees (`onFree`). A job fetched in the meantime waits for a slot.
 */
export class Slots {
  #used = 0;
  readonly #waiting: (() => void)[] = [];

  constructor(
    readonly size: number,
    private readonly onFull: () => void = () => {},
    private readonly onFree: () => void = () => {},
  ) {}

  get used(): number {
    return this.#used;
  }

  /** Waits for a free slot; the returned function gives it back. */
  async acquire(): Promise<() => void> {
    if (this.#used >= this.size) await new Promise<void>((resolve) => this.#waiting.push(resolve));
    else this.#used++;
    if (this.#used >= this.size) this.onFull();
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.#waiting.shift();
      // The slot passes straight to a waiting job; otherwise it is free again.
      if (next) return next();
      this.#used--;
      this.onFree();
    };
  }
}
