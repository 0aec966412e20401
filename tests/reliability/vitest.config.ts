import { defineConfig } from "vitest/config";

// `pnpm test:reliability` (tests/reliability/run.ts): fuzz, load with verification, faults.
// One file at a time: each one loads the machine on purpose.
export default defineConfig({
  test: {
    root: import.meta.dirname,
    include: ["**/*.test.ts"],
    exclude: ["**/node_modules/**"],
    environment: "node",
    pool: "forks",
    fileParallelism: false,
    maxWorkers: 1,
    testTimeout: 900_000,
    hookTimeout: 300_000,
    sequence: { shuffle: false },
  },
});
