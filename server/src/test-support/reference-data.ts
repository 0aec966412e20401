/**
 * The public data sets committed under reference-data/ at the repository root (ATT&CK STIX
 * bundle, Atomic Red Team tests), for tests that check parsers and importers against real data.
 * Everything a test reads lives inside the repository.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { gunzipSync } from "node:zlib";

/** reference-data/ at the repository root. */
export const REFERENCE_DATA_DIR = fileURLToPath(new URL("../../../reference-data/", import.meta.url));

/** MITRE ATT&CK Enterprise 18.1 as its official STIX 2.1 bundle, gzip-compressed. */
export const ATTACK_BUNDLE_PATH = `${REFERENCE_DATA_DIR}attack/enterprise-attack-18.1.json.gz`;

/** The name the bundle is published under (what the bundled dataset's header records). */
export const ATTACK_BUNDLE_NAME = "enterprise-attack-18.1.json";

/** 299 Atomic Red Team files (`T*.yaml`), as in the project's atomics/ folder. */
export const ATOMICS_DIR = `${REFERENCE_DATA_DIR}atomic-red-team/`;

/** The ATT&CK bundle, decompressed and parsed as plain JSON. */
export function readAttackBundle(): unknown {
  return JSON.parse(gunzipSync(readFileSync(ATTACK_BUNDLE_PATH)).toString("utf8"));
}
