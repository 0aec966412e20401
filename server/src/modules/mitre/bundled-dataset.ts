/**
 * The ATT&CK dataset shipped with Assay: a compact, gzip-compressed JSON form of ParsedAttack,
 * produced by server/scripts/build-attack-dataset.ts, so the server can seed ATT&CK without the 5 MB bundle.
 */
import { readFile } from "node:fs/promises";
import { promisify } from "node:util";
import { gunzip, gzipSync } from "node:zlib";
import { z } from "zod";
import { codeFile } from "../../code-files.js";
import { AppError } from "../../lib/app-error.js";
import { type ParsedAttack, parsedAttackSchema } from "./attack-model.js";
import { issuePath } from "./stix-bundle.js";

/** Where the bundled dataset lives, next to this module. */
export const BUNDLED_DATASET_URL = codeFile("modules/mitre/data/enterprise-attack.json.gz");

/** Identifies the file's format; bump `version` when ParsedAttack changes shape. */
export const DATASET_FORMAT = { format: "assay.attack-dataset", version: 1 } as const;

const headerSchema = z.object({
  format: z.literal(DATASET_FORMAT.format),
  version: z.literal(DATASET_FORMAT.version),
  attackVersion: z.string().nullable(),
  domain: z.string(),
  source: z.string(),
  generatedBy: z.string(),
});
const datasetSchema = z.object({ header: headerSchema, attack: parsedAttackSchema });

/** The header written at the top of the dataset file. */
export type AttackDatasetHeader = z.infer<typeof headerSchema>;

/** Serialises a parsed bundle as the dataset file's bytes; same input, same bytes (no timestamps). */
export function encodeAttackDataset(attack: ParsedAttack, source: string, generatedBy: string): Buffer {
  const header: AttackDatasetHeader = {
    ...DATASET_FORMAT,
    attackVersion: attack.attackVersion,
    domain: attack.domain,
    source,
    generatedBy,
  };
  // gzipSync writes mtime 0, so the output depends only on the JSON text (and the zlib build).
  return gzipSync(JSON.stringify({ header, attack }), { level: 9 });
}

/** Decompresses and validates dataset bytes. */
export async function decodeAttackDataset(
  bytes: Buffer,
): Promise<{ header: AttackDatasetHeader; attack: ParsedAttack }> {
  let json: unknown;
  try {
    json = JSON.parse((await promisify(gunzip)(bytes)).toString("utf8"));
  } catch (error) {
    throw new AppError("VALIDATION", "ATT&CK dataset is not gzip-compressed JSON", null, [], { cause: error });
  }
  const result = datasetSchema.safeParse(json);
  if (!result.success) {
    const issue = result.error.issues[0];
    const path = issue ? issuePath(issue.path) : "";
    throw new AppError("VALIDATION", `Invalid ATT&CK dataset: ${path || "(root)"}: ${issue?.message ?? "invalid"}`);
  }
  return result.data;
}

/** Reads and validates the ATT&CK dataset bundled with the server. */
export async function loadBundledAttackDataset(): Promise<ParsedAttack> {
  return (await decodeAttackDataset(await readFile(BUNDLED_DATASET_URL))).attack;
}
