/**
 * `pnpm build`, second step: copies what the compiled modules read next to themselves (the
 * bundled ATT&CK dataset and its licence, the common-password list, the panel's static files)
 * from src/ to dist/, keeping their relative places (dist/ sits at the depth of src/, so `../`
 * paths hold). Files whose copy is already current are left alone, so a rebuild stays quick.
 */
import { copyFileSync, mkdirSync, readdirSync, rmSync, statSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const src = fileURLToPath(new URL("../src/", import.meta.url));
const dist = fileURLToPath(new URL("../dist/", import.meta.url));
// Test code never ships; the compiler already leaves it out (tsconfig.build.json).
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
