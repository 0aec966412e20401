/**
 * `pnpm build`, second step (after build.mjs bundles the code): copies the files the program
 * reads beside its code (the bundled ATT&CK dataset and its licence, the common-password list,
 * the panel's static files, the spawner helper) from src/ to the build folder, keeping their
 * places relative to the top (src/code-files.ts finds them from there, in both).
 */
import { copyFileSync, mkdirSync, readdirSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const src = fileURLToPath(new URL("../src/", import.meta.url));
// Test code never ships (the bundle holds only what the entries import).
const skipped = join(src, "test-support");

/** Copies every file of src/ that is not TypeScript into `out`. */
export function copyAssets(out) {
  for (const entry of readdirSync(src, { recursive: true, withFileTypes: true })) {
    const from = join(entry.parentPath, entry.name);
    if (!entry.isFile() || entry.name.endsWith(".ts") || from.startsWith(skipped)) continue;
    const to = join(out, relative(src, from));
    mkdirSync(dirname(to), { recursive: true });
    copyFileSync(from, to);
  }
}
