/**
 * `pnpm build`, second step (after build.mjs bundles the code): copies the files the program
 * reads beside its code (the bundled ATT&CK dataset and its licence, the common-password list,
 * the panel's static files, the spawner helper) from src/ to dist/, keeping their places
 * relative to the top (src/code-files.ts finds them from there, in both). Files whose copy is
 * already current are left alone.
 */
import { copyFileSync, mkdirSync, readdirSync, rmSync, statSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const src = fileURLToPath(new URL("../src/", import.meta.url));
const dist = fileURLToPath(new URL("../dist/", import.meta.url));
// Test code never ships (the bundle holds only what the entries import).
const skipped = new Set([join(src, "test-support")]);

let copied = 0;
for (const entry of readdirSync(src, { recursive: true, withFileTypes: true })) {
  const from = join(entry.parentPath, entry.name);
  if (!entry.isFile() || entry.name.endsWith(".ts") || [...skipped].some((dir) => from.startsWith(dir))) continue;
  const to = join(dist, relative(src, from));
  const source = statSync(from);
  const copy = statSync(to, { throwIfNoEntry: false });
  if (copy && copy.size === source.size && copy.mtimeMs >= source.mtimeMs) continue;
  mkdirSync(dirname(to), { recursive: true });
  copyFileSync(from, to);
  copied++;
}
rmSync(join(dist, "test-support"), { recursive: true, force: true });
if (copied > 0) console.log(`copy-assets: ${copied} file(s) copied to dist/`);
