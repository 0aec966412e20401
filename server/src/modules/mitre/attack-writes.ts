/**
 * The writes of an ATT&CK import, each one statement whatever the row count: rows travel as one
 * JSON parameter expanded by jsonb_to_recordset (Prisma's createMany binds every value separately,
 * several times slower on PGlite).
 */

import type { Tx } from "../../db/database.js";
import { Prisma } from "../../generated/prisma/client.js";
import type { MitigationRow, TacticRow, TechniqueLinks, TechniqueRow } from "./attack-rows.js";

type Versioned<Row> = Row & { attackVersion: string };

/** The bundle is authoritative for the links of every technique it changes: drop theirs, write its. */
export async function replaceLinks(tx: Tx, techniques: { row: TechniqueRow; links: TechniqueLinks }[]): Promise<void> {
  if (techniques.length === 0) return;
  const ids = techniques.map((t) => t.row.stixId);
  const idList = JSON.stringify(ids);
  await tx.$executeRaw`DELETE FROM "attack_technique_tactics"
    WHERE "techniqueStixId" IN (SELECT jsonb_array_elements_text(${idList}::jsonb))`;
  await tx.$executeRaw`DELETE FROM "attack_mitigation_links"
    WHERE "techniqueStixId" IN (SELECT jsonb_array_elements_text(${idList}::jsonb))`;
  const tacticLinks = techniques.flatMap(({ row, links }) =>
    links.tacticStixIds.map((tacticStixId) => ({ techniqueStixId: row.stixId, tacticStixId })),
  );
  const mitigationLinks = techniques.flatMap(({ row, links }) =>
    links.mitigations.map((m) => ({ techniqueStixId: row.stixId, ...m })),
  );
  await tx.$executeRaw`
    INSERT INTO "attack_technique_tactics" ("techniqueStixId", "tacticStixId")
    SELECT "techniqueStixId", "tacticStixId"
    FROM jsonb_to_recordset(${JSON.stringify(tacticLinks)}::jsonb) AS r("techniqueStixId" text, "tacticStixId" text)`;
  await tx.$executeRaw`
    INSERT INTO "attack_mitigation_links" ("mitigationStixId", "techniqueStixId", "description")
    SELECT "mitigationStixId", "techniqueStixId", "description"
    FROM jsonb_to_recordset(${JSON.stringify(mitigationLinks)}::jsonb)
      AS r("mitigationStixId" text, "techniqueStixId" text, "description" text)`;
}

type Columns<Row> = { readonly [K in keyof Row]: string };

const TACTIC_COLUMNS: Columns<Versioned<TacticRow>> = {
  stixId: "text",
  attackId: "text",
  name: "text",
  shortname: "text",
  description: "text",
  url: "text",
  matrixOrder: "integer",
  revoked: "boolean",
  deprecated: "boolean",
  modifiedAt: "timestamptz",
  attackVersion: "text",
};

const MITIGATION_COLUMNS: Columns<Versioned<MitigationRow>> = {
  stixId: "text",
  attackId: "text",
  name: "text",
  description: "text",
  url: "text",
  revoked: "boolean",
  deprecated: "boolean",
  modifiedAt: "timestamptz",
  attackVersion: "text",
};

const TECHNIQUE_COLUMNS: Columns<Versioned<TechniqueRow>> = {
  stixId: "text",
  attackId: "text",
  name: "text",
  description: "text",
  platforms: "text[]",
  dataSources: "text[]",
  detection: "text",
  url: "text",
  isSubtechnique: "boolean",
  parentAttackId: "text",
  revoked: "boolean",
  deprecated: "boolean",
  modifiedAt: "timestamptz",
  version: "text",
  attackVersion: "text",
};

/** Upserts tactics by STIX id. */
export const upsertTactics = (tx: Tx, rows: Versioned<TacticRow>[]) =>
  upsert(tx, "attack_tactics", TACTIC_COLUMNS, rows);

/** Upserts mitigations by STIX id. */
export const upsertMitigations = (tx: Tx, rows: Versioned<MitigationRow>[]) =>
  upsert(tx, "attack_mitigations", MITIGATION_COLUMNS, rows);

/** Upserts techniques by STIX id. */
export const upsertTechniques = (tx: Tx, rows: Versioned<TechniqueRow>[]) =>
  upsert(tx, "attack_techniques", TECHNIQUE_COLUMNS, rows);

/**
 * Upserts `rows` by stixId in one statement: the rows travel as one JSON parameter, expanded by
 * jsonb_to_recordset. Table and column names come from the constants above, never from input.
 */
async function upsert<Row extends object>(tx: Tx, table: string, columns: Columns<Row>, rows: Row[]): Promise<void> {
  if (rows.length === 0) return;
  const entries = Object.entries(columns) as [string, string][];
  const names = entries.map(([name]) => `"${name}"`).join(", ");
  const types = entries.map(([name, type]) => `"${name}" ${type}`).join(", ");
  const updates = entries
    .filter(([name]) => name !== "stixId")
    .map(([name]) => `"${name}" = EXCLUDED."${name}"`)
    .join(", ");
  await tx.$executeRaw`
    INSERT INTO ${Prisma.raw(`"${table}"`)} (${Prisma.raw(names)})
    SELECT ${Prisma.raw(names)} FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS r(${Prisma.raw(types)})
    ON CONFLICT ("stixId") DO UPDATE SET ${Prisma.raw(updates)}`;
}
