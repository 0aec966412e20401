import { defineConfig } from "vitest/config";

// Black-box tests: every file starts real server processes (about 5 s each to boot), so at
// most two files run at once, one per core of the CI machine.
export default defineConfig({
  test: {
    include: ["**/*.test.ts"],
    exclude: ["**/node_modules/**", "bench/**", "reliability/**"],
    environment: "node",
    pool: "forks",
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 90_000,
  },
});
