import { defineConfig } from "vitest/config";

// Black-box tests: every file starts real server processes (about 5 s each to boot), so at
// most two files run at once, one per core of the CI machine. A server may take up to
// START_TIMEOUT_MS (180 s, tests/support/server.ts) to come up on a loaded machine; the hook and
// test limits leave room for that, so a slow start fails with the server's own output.
// TEST_SKIP_BROWSER=1 (CI's pass 2, Node 24 on PostgreSQL) leaves out the files that drive
// Chromium: what a browser sees of /docs, /panel and the web app does not change with the
// database or the Node version, and pass 1 ran them. Everything else runs in both passes.
const BROWSER_FILES = ["browser.test.ts", "web-app.test.ts", "web-app-records.test.ts", "web-app-links.test.ts"];
const skipBrowser = process.env.TEST_SKIP_BROWSER === "1";

export default defineConfig({
  test: {
    include: ["**/*.test.ts"],
    exclude: ["**/node_modules/**", "bench/**", "reliability/**", ...(skipBrowser ? BROWSER_FILES : [])],
    environment: "node",
    pool: "forks",
    globalSetup: ["./support/global-setup.ts"],
    maxWorkers: 2,
    testTimeout: 240_000,
    hookTimeout: 300_000,
  },
});
