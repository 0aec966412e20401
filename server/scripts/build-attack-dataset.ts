/**
 * Builds the bundled ATT&CK dataset from a STIX bundle:
 *   pnpm attack:dataset [bundle.json | bundle.json.gz] [out.json.gz]
 * Defaults: the committed ATT&CK 18.1 bundle (reference-data/attack/enterprise-attack-18.1.json.gz)
 * -> src/modules/mitre/data/enterprise-attack.json.gz.
 * The output is deterministic, so re-running it on the same bundle changes no bytes.
 */
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { basename, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { gunzipSync } from "node:zlib";
import { BUNDLED_DATASET_URL, encodeAttackDataset } from "../src/modules/mitre/bundled-dataset.js";
import { parseAttackBundle } from "../src/modules/mitre/stix-bundle.js";

const GENERATED_BY = "server/scripts/build-attack-dataset.ts";
const DEFAULT_BUNDLE = fileURLToPath(
  new URL("../../reference-data/attack/enterprise-attack-18.1.json.gz", import.meta.url),
);

const [bundlePath = DEFAULT_BUNDLE, outPath = fileURLToPath(BUNDLED_DATASET_URL)] = process.argv.slice(2);
// Only the bundle's published name goes into the header: an absolute path would differ between
// machines, and compressing the bundle for storage does not change what it is.
const source = basename(bundlePath).replace(/\.gz$/, "");
const raw = await readFile(bundlePath);
const isGzip = raw[0] === 0x1f && raw[1] === 0x8b;
const json: unknown = JSON.parse((isGzip ? gunzipSync(raw) : raw).toString("utf8"));
const attack = parseAttackBundle(json, { sourceName: source });
const bytes = encodeAttackDataset(attack, source, GENERATED_BY);
await mkdir(dirname(outPath), { recursive: true });
await writeFile(outPath, bytes);
console.log(
  `${outPath}: ${bytes.length} bytes; ATT&CK ${attack.attackVersion}, ${attack.tactics.length} tactics, ` +
    `${attack.techniques.length} techniques, ${attack.mitigations.length} mitigations, ` +
    `${attack.mitigates.length + attack.subtechniqueOf.length} relationships, ${attack.skipped} skipped`,
);
