/**
 * `pnpm test:reliability [-- --smoke]`: runs the reliability suite (vitest, one file at a
 * time) and ends with the line "reliability: N passed, N failed". --smoke (or
 * RELIABILITY_SMOKE=1) runs the short CI version: 1,000 fuzz requests, 10 s of load.
 * Other arguments (a file filter such as `faults`) are passed to vitest.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { useBuiltServer } from "../support/server.js";

const args = process.argv.slice(2).filter((a) => a !== "--");
const smoke = args.includes("--smoke") || process.env.RELIABILITY_SMOKE === "1";
const passThrough = args.filter((a) => a !== "--smoke");
const here = fileURLToPath(new URL(".", import.meta.url));
// The servers under test run the build, as `pnpm start` does (the child vitest inherits this).
useBuiltServer();
const out = mkdtempSync(join(tmpdir(), "assay-reliability-"));
const report = join(out, "report.json");
const started = Date.now();

const run = spawnSync(
  "pnpm",
  [
    "exec",
    "vitest",
    "run",
    "--config",
    join(here, "vitest.config.ts"),
    "--reporter=default",
    "--reporter=json",
    `--outputFile.json=${report}`,
    ...passThrough,
  ],
  { cwd: join(here, ".."), stdio: "inherit", env: { ...process.env, RELIABILITY_SMOKE: smoke ? "1" : "0" } },
);

let passed = 0;
let failed = 0;
let skipped = 0;
try {
  const json = JSON.parse(readFileSync(report, "utf8")) as {
    numPassedTests: number;
    numFailedTests: number;
    numPendingTests: number;
    numTodoTests: number;
    numFailedTestSuites: number;
  };
  passed = json.numPassedTests;
  failed = json.numFailedTests + (json.numFailedTests === 0 ? json.numFailedTestSuites : 0);
  skipped = json.numPendingTests + json.numTodoTests;
} catch {
  failed = Math.max(failed, 1);
}
rmSync(out, { recursive: true, force: true });
if (run.status !== 0 && failed === 0) failed = 1;
const minutes = ((Date.now() - started) / 60_000).toFixed(1);
console.log(`\n${smoke ? "smoke run" : "full run"} in ${minutes} min`);
console.log(`reliability: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`);
process.exit(failed > 0 || run.status !== 0 ? 1 : 0);
