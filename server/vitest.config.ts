import { availableParallelism } from "node:os";
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts"],
    environment: "node",
    // Each file gets its own database; PGlite start-up dominates, so files run in parallel, one
    // per core (vitest's default leaves one core idle: on 2 cores, that halves the speed).
    pool: "forks",
    maxWorkers: availableParallelism(),
    // Files share their worker's loaded modules instead of re-importing the whole app each time:
    // importing and warming up the app (router, Zod schemas, Prisma client) cost more than half of
    // the suite's CPU. Every file still gets a fresh database and its own dependencies
    // (test-support/harness.ts), and the modules keep no state between harnesses.
    isolate: false,
    // Generous for a loaded machine (a slow machine is slower, not broken), bounded so a hang fails.
    testTimeout: 60_000,
    hookTimeout: 120_000,
    env: { LOG_LEVEL: "silent" },
  },
});
