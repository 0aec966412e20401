/**
 * How long each phase of start-up took, logged once with the "Assay ready" line so a slow cold
 * start says where its time went (tests/bench/cold-start.ts reads it). Wall times come from
 * performance.now(), which counts from the process's start, so the first phase is Node's own
 * boot plus loading the program's modules. CPU times (every thread of the process) are logged
 * too: on a shared machine they stay put while wall times stretch with the load.
 */
export class StartupTimings {
  readonly #wall: Record<string, number> = {};
  readonly #cpu: Record<string, number> = {};
  #lastWall = 0;
  #lastCpu = 0;

  /** Ends the phase that started at the previous mark (or at process start) and names it. */
  mark(phase: string): void {
    const wall = performance.now();
    const usage = process.cpuUsage();
    const cpu = (usage.user + usage.system) / 1000;
    this.#wall[`${phase}Ms`] = Math.round(wall - this.#lastWall);
    this.#cpu[`${phase}Ms`] = Math.round(cpu - this.#lastCpu);
    this.#lastWall = wall;
    this.#lastCpu = cpu;
  }

  /** Every phase so far in milliseconds, plus the totals since process start. */
  summary(): { wall: Record<string, number>; cpu: Record<string, number> } {
    return {
      wall: { ...this.#wall, totalMs: Math.round(this.#lastWall) },
      cpu: { ...this.#cpu, totalMs: Math.round(this.#lastCpu) },
    };
  }
}
