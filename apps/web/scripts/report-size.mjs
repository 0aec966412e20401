/**
 * `pnpm build`, second step: the JavaScript a first visit downloads — the entry script of
 * dist/index.html and the chunks it preloads — gzipped and added up, printed, and held under
 * the budget (250 KB). Pages load later, each in its own chunk.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

const BUDGET_BYTES = 250 * 1024;
const dist = fileURLToPath(new URL("../dist/", import.meta.url));
const html = readFileSync(join(dist, "index.html"), "utf8");
const scripts = [
  ...html.matchAll(/<script[^>]*\bsrc="([^"]+)"/g),
  ...html.matchAll(/<link[^>]*rel="modulepreload"[^>]*href="([^"]+)"/g),
].map((match) => match[1]);
if (/<script(?![^>]*\bsrc=)[^>]*>/.test(html))
  throw new Error("dist/index.html has an inline script: the CSP refuses it");

let total = 0;
const rows = [];
for (const src of new Set(scripts)) {
  const bytes = gzipSync(readFileSync(join(dist, src.replace(/^\//, "")))).length;
  total += bytes;
  rows.push(`  ${src}  ${(bytes / 1024).toFixed(1)} KB gzip`);
}
console.log(`initial JS: ${(total / 1024).toFixed(1)} KB gzip (budget ${BUDGET_BYTES / 1024} KB)`);
for (const row of rows) console.log(row);
if (total > BUDGET_BYTES) {
  console.error(`initial JS is over budget by ${((total - BUDGET_BYTES) / 1024).toFixed(1)} KB`);
  process.exit(1);
}
