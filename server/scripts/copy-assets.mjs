/**
 * `pnpm build`, second step: copies what the compiled modules read next to themselves (the
 * bundled ATT&CK dataset, the common-password list, the panel's static files) from src/ to
 * dist/, keeping their relative places (dist/ sits at the depth of src/, so `../` paths hold).
 */
import { cpSync, rmSync, statSync } from "node:fs";
import { fileURLToPath } from "node:url";

const src = fileURLToPath(new URL("../src/", import.meta.url));
const dist = fileURLToPath(new URL("../dist/", import.meta.url));
cpSync(src, dist, {
  recursive: true,
  filter: (path) => statSync(path).isDirectory() || !path.endsWith(".ts"),
});
// The compiler emits nothing for tests; the folders it created for them stay empty and harmless.
rmSync(new URL("../dist/test-support/", import.meta.url), { recursive: true, force: true });
