/**
 * Builds the bundled ATT&CK dataset from a STIX bundle:
 *   pnpm attack:dataset [bundle.json] [out.json.gz]
 * Defaults: the shared ATT&CK 18.1 bundle -> src/modules/mitre/data/enterprise-attack.json.gz.
 * The output is deterministic, so re-running it on the same bundle changes no bytes.
 */
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { basename, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { BUNDLED_DATASET_URL, encodeAttackDataset } from "../src/modules/mitre/bundled-dataset.js";
import { parseAttackBundle } from "../src/modules/mitre/stix-bundle.js";

const GENERATED_BY = "server/scripts/build-attack-dataset.ts";
const DEFAULT_BUNDLE = fileURLToPath(
  new URL("../../../shared/data/attack/enterprise-attack-18.1.json", import.meta.url),
);

const [bundlePath = DEFAULT_BUNDLE, outPath = fileURLToPath(BUNDLED_DATASET_URL)] = process.argv.slice(2);
// Only the file name goes into the header: an absolute path would differ between machines.
const source = basename(bundlePath);
const attack = parseAttackBundle(JSON.parse(await readFile(bundlePath, "utf8")), { sourceName: source });
const bytes = encodeAttackDataset(attack, source, GENERATED_BY);
await mkdir(dirname(outPath), { recursive: true });
await writeFile(outPath, bytes);
console.log(
  `${outPath}: ${bytes.length} bytes; ATT&CK ${attack.attackVersion}, ${attack.tactics.length} tactics, ` +
    `${attack.techniques.length} techniques, ${attack.mitigations.length} mitigations, ` +
    `${attack.mitigates.length + attack.subtechniqueOf.length} relationships, ${attack.skipped} skipped`,
);
