/**
 * The database rows an ATT&CK import writes, built from parsed records, and the content
 * fingerprint that tells an unchanged row from an updated one on re-import.
 */
import { createHash } from "node:crypto";
import type { AttackMitigation, AttackTactic, AttackTechnique, MitigatesRelation } from "./attack-model.js";

/** Matrix position of a tactic the matrix does not list: after every listed one. */
export const UNORDERED_TACTIC = 999;

export interface TacticRow {
  stixId: string;
  attackId: string;
  name: string;
  shortname: string;
  description: string;
  url: string | null;
  matrixOrder: number;
  revoked: boolean;
  deprecated: boolean;
  modifiedAt: string | null;
}

export interface MitigationRow {
  stixId: string;
  attackId: string;
  name: string;
  description: string;
  url: string | null;
  revoked: boolean;
  deprecated: boolean;
  modifiedAt: string | null;
}

export interface TechniqueRow {
  stixId: string;
  attackId: string;
  name: string;
  description: string;
  platforms: string[];
  dataSources: string[];
  detection: string | null;
  url: string | null;
  isSubtechnique: boolean;
  parentAttackId: string | null;
  revoked: boolean;
  deprecated: boolean;
  modifiedAt: string | null;
  version: string | null;
}

/** A technique's links, part of its content: a changed tactic or mitigation link updates the technique. */
export interface TechniqueLinks {
  tacticStixIds: string[];
  mitigations: { mitigationStixId: string; description: string | null }[];
}

// Timestamps are compared at the database's precision (timestamptz(3)), as ISO strings.
export const isoMillis = (value: string | Date | null): string | null =>
  value === null ? null : new Date(value).toISOString();

export function tacticRow(t: AttackTactic): TacticRow {
  return {
    stixId: t.stixId,
    attackId: t.attackId,
    name: t.name,
    shortname: t.shortname,
    description: t.description,
    url: t.url,
    matrixOrder: t.order ?? UNORDERED_TACTIC,
    revoked: t.revoked,
    deprecated: t.deprecated,
    modifiedAt: isoMillis(t.modified),
  };
}

export function mitigationRow(m: AttackMitigation): MitigationRow {
  return {
    stixId: m.stixId,
    attackId: m.attackId,
    name: m.name,
    description: m.description,
    url: m.url,
    revoked: m.revoked,
    deprecated: m.deprecated,
    modifiedAt: isoMillis(m.modified),
  };
}

export function techniqueRow(t: AttackTechnique): TechniqueRow {
  return {
    stixId: t.stixId,
    attackId: t.attackId,
    name: t.name,
    description: t.description,
    platforms: t.platforms,
    dataSources: t.dataSources,
    detection: t.detection,
    url: t.url,
    isSubtechnique: t.isSubtechnique,
    parentAttackId: t.parentAttackId,
    revoked: t.revoked,
    deprecated: t.deprecated,
    modifiedAt: isoMillis(t.modified),
    version: t.version,
  };
}

/** Groups `mitigates` relations by technique, sorted so the fingerprint does not depend on bundle order. */
export function mitigationsByTechnique(
  relations: readonly MitigatesRelation[],
): Map<string, TechniqueLinks["mitigations"]> {
  const byTechnique = new Map<string, TechniqueLinks["mitigations"]>();
  for (const r of relations) {
    const list = byTechnique.get(r.techniqueStixId) ?? [];
    list.push({ mitigationStixId: r.mitigationStixId, description: r.description });
    byTechnique.set(r.techniqueStixId, list);
  }
  return byTechnique;
}

/** Normalises link lists (sorted, deduplicated by key) so stored and incoming links compare equal. */
export function normaliseLinks(links: TechniqueLinks): TechniqueLinks {
  const mitigations = new Map(links.mitigations.map((m) => [m.mitigationStixId, m]));
  return {
    tacticStixIds: [...new Set(links.tacticStixIds)].sort(),
    mitigations: [...mitigations.values()].sort((a, b) => (a.mitigationStixId < b.mitigationStixId ? -1 : 1)),
  };
}

export function tacticFingerprint(r: TacticRow): string {
  return fingerprint([
    r.attackId,
    r.name,
    r.shortname,
    r.description,
    r.url,
    r.matrixOrder,
    r.revoked,
    r.deprecated,
    r.modifiedAt,
  ]);
}

export function mitigationFingerprint(r: MitigationRow): string {
  return fingerprint([r.attackId, r.name, r.description, r.url, r.revoked, r.deprecated, r.modifiedAt]);
}

export function techniqueFingerprint(r: TechniqueRow, links: TechniqueLinks): string {
  const { tacticStixIds, mitigations } = normaliseLinks(links);
  return fingerprint([
    r.attackId,
    r.name,
    r.description,
    r.platforms,
    r.dataSources,
    r.detection,
    r.url,
    r.isSubtechnique,
    r.parentAttackId,
    r.revoked,
    r.deprecated,
    r.modifiedAt,
    r.version,
    tacticStixIds,
    mitigations.map((m) => [m.mitigationStixId, m.description]),
  ]);
}

function fingerprint(fields: unknown[]): string {
  return createHash("sha256").update(JSON.stringify(fields)).digest("hex");
}
