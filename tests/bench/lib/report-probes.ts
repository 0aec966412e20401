/**
 * What the report bench watches while a report is written: the server's memory (VmRSS sampled
 * every 100 ms, and the kernel's own high-water mark VmHWM, reset before each run) and whether
 * it still answers (GET /health every 50 ms; a blocked event loop shows up as a slow probe).
 */
import { readFileSync, writeFileSync } from "node:fs";
import { processRssBytes } from "./server.js";

/** Backstop for the probe loop: 20,000 x 50 ms is longer than any report may take. */
const MAX_PROBES = 20_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Resets the process's VmHWM to its current RSS (clear_refs "5"); false where the kernel refuses. */
export function resetPeakRss(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, "5");
    return true;
  } catch {
    return false;
  }
}

/** VmHWM: the highest RSS since start or since the last reset, in bytes. */
export function peakRssBytes(pid: number): number {
  const kb = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1];
  return Number(kb ?? 0) * 1024;
}

/** Samples VmRSS every `everyMs` until stopped; answers the highest sample. */
export function sampleRss(pid: number, everyMs = 100) {
  let max = processRssBytes(pid);
  const timer = setInterval(() => {
    try {
      max = Math.max(max, processRssBytes(pid));
    } catch {
      // The server exited: the run fails on its own when the report never completes.
    }
  }, everyMs);
  return {
    stop(): number {
      clearInterval(timer);
      return max;
    },
  };
}

/**
 * GET `url` every `everyMs` (the next starts when the last answered, no sooner than the period)
 * until stopped. A probe that fails or times out counts as failed, with the time it took.
 */
export function probeEvery(url: string, everyMs = 50, timeoutMs = 10_000) {
  const times: number[] = [];
  let failures = 0;
  let running = true;
  const loop = (async () => {
    for (let i = 0; running && i < MAX_PROBES; i++) {
      const t = performance.now();
      try {
        const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
        await res.arrayBuffer();
        if (res.status !== 200) failures++;
      } catch {
        failures++;
      }
      const ms = performance.now() - t;
      times.push(ms);
      await sleep(Math.max(0, everyMs - ms));
    }
  })();
  return {
    async stop(): Promise<{ times: number[]; failures: number }> {
      running = false;
      await loop;
      return { times, failures };
    },
  };
}
