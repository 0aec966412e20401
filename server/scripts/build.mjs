/**
 * `pnpm build`: bundles the server with esbuild into dist/ (cli.js, the `assay` command that
 * `pnpm start` and bin/assay.mjs run; report-file-worker.js, the worker thread report-file.ts
 * starts; and the chunks they load), copies the data files beside them (copy-assets.mjs), and
 * makes the migrated database a fresh installation starts from (embedded-snapshot.mjs).
 *
 * Why a bundle: Node loads a program of ~430 modules plus its packages' ~300 file by file
 * (resolve, read, compile, link), which was half of the embedded server's cold start. A few
 * large files load in a fraction of that. Type checking is `pnpm typecheck`'s job (esbuild
 * strips types without checking them).
 */
import { existsSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { copyAssets } from "./copy-assets.mjs";
import { makeEmbeddedSnapshot } from "./embedded-snapshot.mjs";

const server = fileURLToPath(new URL("../", import.meta.url));
// The build is made in dist.next/ and swapped in whole at the end: servers started from dist/
// while it runs (the black-box suite builds beside running servers) never see a half-written
// one, nor files of an older build. dist.next/ sits beside dist/, so code-files.ts paths hold.
const dist = join(server, "dist");
const next = join(server, "dist.next");
const old = join(server, "dist.old");

/** Packages loaded from node_modules at run time rather than bundled, and why. */
const EXTERNAL = [
  // Read files beside their own modules (Wasm binaries, data bundles, runtime parts).
  "@electric-sql/pglite",
  "@prisma/client",
  "@prisma/schema-engine-wasm",
  "swagger-ui-dist",
  // Native addons.
  "@node-rs/argon2",
  "@resvg/resvg-js",
  "pg-native",
  // Loaded on first use only (import()), large, or run in their own threads or processes:
  // bundling them would gain nothing at start.
  "playwright-core",
  "oidc-provider",
  "bullmq",
  "ioredis",
  "nodemailer",
  "docx",
  // The Liquid worker imports it by its installed path (liquid-worker.ts).
  "liquidjs",
  // Its transports run in worker threads that load pino's own files.
  "pino",
  // Only the sources run through tsx (report-file.ts); never the build.
  "tsx",
];

rmSync(next, { recursive: true, force: true });
await build({
  absWorkingDir: server,
  entryPoints: { cli: "src/cli.ts", "report-file-worker": "src/modules/reports/report-file-worker.ts" },
  outdir: next,
  bundle: true,
  // What the program imports with import() goes into chunks of its own, loaded when first used
  // (with the packages they import). Chunks sit at the top of dist/ beside the entries, so every
  // module's import.meta.url is a file of dist/ (code-files.ts relies on it).
  splitting: true,
  chunkNames: "[name]-[hash]",
  platform: "node",
  format: "esm",
  target: "node20",
  external: EXTERNAL,
  // A package's ES module build before its CommonJS one: a bundled CommonJS module reached by
  // import() would offer only a default export (named imports of @zxcvbn-ts/* came out undefined).
  mainFields: ["module", "main"],
  // CommonJS packages bundled into ES modules still call require() for Node's built-ins.
  banner: {
    js: 'import { createRequire as __createRequire } from "node:module"; const require = __createRequire(import.meta.url);',
  },
  sourcemap: true,
  logLevel: "warning",
});

copyAssets(next);
makeEmbeddedSnapshot(next);

rmSync(old, { recursive: true, force: true });
if (existsSync(dist)) renameSync(dist, old);
renameSync(next, dist);
rmSync(old, { recursive: true, force: true });
