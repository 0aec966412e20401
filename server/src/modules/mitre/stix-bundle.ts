/**
 * Parses an ATT&CK STIX 2.1 bundle, as MITRE publishes it, into normalised tactics, techniques,
 * mitigations and the relationships between them. Pure: no file, database or network access.
 */
import { z } from "zod";
import { AppError } from "../../lib/app-error.js";
import type {
  AttackMitigation,
  AttackTactic,
  AttackTechnique,
  MitigatesRelation,
  ParsedAttack,
  SubtechniqueOfRelation,
} from "./attack-model.js";

export type {
  AttackMitigation,
  AttackTactic,
  AttackTechnique,
  MitigatesRelation,
  ParsedAttack,
  SubtechniqueOfRelation,
} from "./attack-model.js";

/** The only ATT&CK domain this parser accepts. */
export const ATTACK_DOMAIN = "enterprise-attack";

const externalReference = z.looseObject({
  source_name: z.string(),
  external_id: z.string().optional(),
  url: z.string().optional(),
});
type ExternalReference = z.infer<typeof externalReference>;

// Loose objects: STIX and ATT&CK add properties over time, and only these are read.
const sdoFields = {
  id: z.string(),
  name: z.string(),
  description: z.string().nullish(),
  external_references: z.array(externalReference).optional(),
  modified: z.iso.datetime(),
  revoked: z.boolean().optional(),
  x_mitre_deprecated: z.boolean().optional(),
  x_mitre_version: z.string().optional(),
};
const tacticInput = z.looseObject({ ...sdoFields, x_mitre_shortname: z.string() });
const techniqueInput = z.looseObject({
  ...sdoFields,
  kill_chain_phases: z.array(z.looseObject({ kill_chain_name: z.string(), phase_name: z.string() })).optional(),
  x_mitre_platforms: z.array(z.string()).optional(),
  x_mitre_data_sources: z.array(z.string()).optional(),
  x_mitre_detection: z.string().nullish(),
  x_mitre_is_subtechnique: z.boolean().optional(),
});
const mitigationInput = z.looseObject(sdoFields);
const relationshipInput = z.looseObject({
  id: z.string(),
  relationship_type: z.string(),
  source_ref: z.string(),
  target_ref: z.string(),
  description: z.string().nullish(),
  revoked: z.boolean().optional(),
  x_mitre_deprecated: z.boolean().optional(),
});
const matrixInput = z.looseObject({
  id: z.string(),
  tactic_refs: z.array(z.string()),
  external_references: z.array(externalReference).optional(),
  x_mitre_attack_spec_version: z.string().optional(),
});
const collectionInput = z.looseObject({
  x_mitre_version: z.string().optional(),
  x_mitre_attack_spec_version: z.string().optional(),
});
const bundleInput = z.looseObject({
  type: z.literal("bundle"),
  id: z.string().optional(),
  spec_version: z.string().optional(),
  objects: z.array(z.looseObject({ type: z.string(), id: z.string(), spec_version: z.string().optional() })),
});
type StixObject = z.infer<typeof bundleInput>["objects"][number];

/** Options for parseAttackBundle. */
export interface ParseAttackOptions {
  /** File the bundle came from; a version in its name ("…-18.1.json") is the last-resort ATT&CK version. */
  sourceName?: string;
}

/** Validates an ATT&CK bundle and extracts its tactics, techniques, mitigations and relationships. */
export function parseAttackBundle(json: unknown, options: ParseAttackOptions = {}): ParsedAttack {
  const bundle = bundleInput.safeParse(json);
  if (!bundle.success) throw invalid("Not an ATT&CK STIX bundle", bundle.error);
  const objects = groupByType(bundle.data.objects);
  let skipped = 0;

  const matrices = (objects.get("x-mitre-matrix") ?? []).map((o) => parseAs(matrixInput, o));
  const matrix = matrices.find((m) => attackRef(m)?.external_id === ATTACK_DOMAIN) ?? matrices[0];
  const matrixDomain = matrix && attackRef(matrix)?.external_id;
  // Mobile/ICS bundles share the format; importing one as Enterprise would silently mix domains.
  if (matrixDomain !== undefined && matrixDomain !== ATTACK_DOMAIN) {
    throw new AppError("VALIDATION", `Unsupported ATT&CK domain "${matrixDomain}"; expected "${ATTACK_DOMAIN}"`);
  }
  const collection = (objects.get("x-mitre-collection") ?? []).map((o) => parseAs(collectionInput, o))[0];
  const tacticOrder = new Map((matrix?.tactic_refs ?? []).map((id, index) => [id, index]));

  const tactics: AttackTactic[] = [];
  for (const raw of objects.get("x-mitre-tactic") ?? []) {
    const t = parseAs(tacticInput, raw);
    const ref = attackRef(t);
    if (!ref) {
      skipped++;
      continue;
    }
    tactics.push({ ...objectFields(t, ref), shortname: t.x_mitre_shortname, order: tacticOrder.get(t.id) ?? null });
  }

  const mitigations: AttackMitigation[] = [];
  for (const raw of objects.get("course-of-action") ?? []) {
    const m = parseAs(mitigationInput, raw);
    const ref = attackRef(m);
    if (ref) mitigations.push(objectFields(m, ref));
    else skipped++;
  }

  // Techniques are read before relationships so relationship endpoints can be checked against them.
  const techniqueInputs: { t: z.infer<typeof techniqueInput>; ref: MitreRef }[] = [];
  for (const raw of objects.get("attack-pattern") ?? []) {
    const t = parseAs(techniqueInput, raw);
    const ref = attackRef(t);
    if (ref) techniqueInputs.push({ t, ref });
    else skipped++;
  }
  const techniqueAttackIds = new Map(techniqueInputs.map(({ t, ref }) => [t.id, ref.external_id]));
  const mitigationIds = new Set(mitigations.map((m) => m.stixId));

  const mitigates: MitigatesRelation[] = [];
  const subtechniqueOf: SubtechniqueOfRelation[] = [];
  let skippedRelationships = 0;
  for (const raw of objects.get("relationship") ?? []) {
    const r = parseAs(relationshipInput, raw);
    // Other relationship types (uses, detects, …) concern objects this parser does not extract.
    if (r.relationship_type !== "mitigates" && r.relationship_type !== "subtechnique-of") continue;
    const sourceKnown =
      r.relationship_type === "mitigates" ? mitigationIds.has(r.source_ref) : techniqueAttackIds.has(r.source_ref);
    if (r.revoked === true || r.x_mitre_deprecated === true || !sourceKnown || !techniqueAttackIds.has(r.target_ref)) {
      skippedRelationships++;
    } else if (r.relationship_type === "mitigates") {
      mitigates.push({
        stixId: r.id,
        mitigationStixId: r.source_ref,
        techniqueStixId: r.target_ref,
        description: r.description ?? null,
      });
    } else {
      subtechniqueOf.push({ stixId: r.id, subtechniqueStixId: r.source_ref, parentStixId: r.target_ref });
    }
  }

  const parentByStixId = new Map(subtechniqueOf.map((r) => [r.subtechniqueStixId, r.parentStixId]));
  const techniques: AttackTechnique[] = techniqueInputs.map(({ t, ref }) => {
    const isSubtechnique = t.x_mitre_is_subtechnique ?? false;
    const parentStixId = parentByStixId.get(t.id);
    // The relationship is authoritative; the "T1003" prefix of "T1003.001" covers subs that lack one (revoked ones).
    const parentAttackId =
      (parentStixId !== undefined ? techniqueAttackIds.get(parentStixId) : undefined) ??
      (isSubtechnique && ref.external_id.includes(".") ? ref.external_id.slice(0, ref.external_id.indexOf(".")) : null);
    return {
      ...objectFields(t, ref),
      platforms: t.x_mitre_platforms ?? [],
      dataSources: t.x_mitre_data_sources ?? [],
      // ATT&CK 18 moved detection text to detection strategies and left this field "" everywhere.
      detection: t.x_mitre_detection?.trim() ? t.x_mitre_detection : null,
      tacticShortnames: (t.kill_chain_phases ?? [])
        .filter((p) => p.kill_chain_name === "mitre-attack")
        .map((p) => p.phase_name),
      isSubtechnique,
      parentAttackId,
    };
  });

  return {
    domain: ATTACK_DOMAIN,
    attackVersion: attackVersionOf(collection?.x_mitre_version, bundle.data.id, options.sourceName),
    specVersion: bundle.data.spec_version ?? bundle.data.objects.find((o) => o.spec_version)?.spec_version ?? null,
    attackSpecVersion: collection?.x_mitre_attack_spec_version ?? matrix?.x_mitre_attack_spec_version ?? null,
    tactics: tactics.sort(byAttackId),
    techniques: techniques.sort(byAttackId),
    mitigations: mitigations.sort(byAttackId),
    mitigates: mitigates.sort(byStixId),
    subtechniqueOf: subtechniqueOf.sort(byStixId),
    skipped,
    skippedRelationships,
  };
}

type MitreRef = ExternalReference & { external_id: string };

/** The `mitre-attack` external reference that carries an object's ATT&CK ID, if any. */
function attackRef(o: { external_references?: ExternalReference[] | undefined }): MitreRef | undefined {
  return o.external_references?.find(
    (r): r is MitreRef => r.source_name === "mitre-attack" && typeof r.external_id === "string",
  );
}

function objectFields(o: z.infer<typeof mitigationInput>, ref: MitreRef): AttackMitigation {
  return {
    stixId: o.id,
    attackId: ref.external_id,
    name: o.name,
    description: o.description ?? "",
    url: ref.url ?? null,
    revoked: o.revoked ?? false,
    deprecated: o.x_mitre_deprecated ?? false,
    modified: o.modified,
    version: o.x_mitre_version ?? null,
  };
}

function attackVersionOf(collectionVersion: string | undefined, bundleId: string | undefined, sourceName?: string) {
  // A matrix's x_mitre_version is that object's own revision ("1.0"), not the release, so it is not used.
  if (collectionVersion !== undefined) return collectionVersion;
  const fromId = bundleId?.match(/-(\d+(?:\.\d+)+)(?:-|$)/)?.[1];
  return fromId ?? sourceName?.match(/(\d+(?:\.\d+)+)\.json$/)?.[1] ?? null;
}

function groupByType(objects: StixObject[]): Map<string, StixObject[]> {
  const groups = new Map<string, StixObject[]>();
  for (const o of objects) {
    const group = groups.get(o.type);
    if (group) group.push(o);
    else groups.set(o.type, [o]);
  }
  return groups;
}

function parseAs<T extends z.ZodType>(schema: T, o: StixObject): z.infer<T> {
  const result = schema.safeParse(o);
  if (!result.success) throw invalid(`Invalid ${o.type} ${o.id}`, result.error);
  return result.data;
}

function invalid(what: string, error: z.ZodError): AppError {
  const issue = error.issues[0];
  const path = issue ? issuePath(issue.path) : "";
  return new AppError("VALIDATION", `${what}: ${path || "(root)"}: ${issue?.message ?? "invalid"}`, path || null);
}

/** Formats a zod issue path as `objects[3].name`. */
export function issuePath(path: readonly PropertyKey[]): string {
  return path.map((k, i) => (typeof k === "number" ? `[${k}]` : `${i === 0 ? "" : "."}${String(k)}`)).join("");
}

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
// Code-unit order, not localeCompare, so the output does not depend on the machine's locale.
const byAttackId = (a: { attackId: string; stixId: string }, b: { attackId: string; stixId: string }) =>
  compare(a.attackId, b.attackId) || compare(a.stixId, b.stixId);
const byStixId = (a: { stixId: string }, b: { stixId: string }) => compare(a.stixId, b.stixId);
