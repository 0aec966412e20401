/**
 * The normalised ATT&CK records that parseAttackBundle produces and the bundled dataset stores.
 * One zod schema per record, so the dataset loader validates exactly the shape the parser emits.
 */
import { z } from "zod";

// Fields every ATT&CK object (tactic, technique, mitigation) carries once the STIX noise is gone.
const objectFields = {
  stixId: z.string(),
  attackId: z.string(),
  name: z.string(),
  description: z.string(),
  url: z.string().nullable(),
  revoked: z.boolean(),
  deprecated: z.boolean(),
  modified: z.string(),
  version: z.string().nullable(),
};

/** An ATT&CK tactic (TA0006); `order` is its column in the matrix, null when the matrix omits it. */
export const attackTacticSchema = z.object({
  ...objectFields,
  shortname: z.string(),
  order: z.number().int().nonnegative().nullable(),
});

/** A technique (T1003) or sub-technique (T1003.001); tactics are linked by shortname. */
export const attackTechniqueSchema = z.object({
  ...objectFields,
  platforms: z.array(z.string()),
  dataSources: z.array(z.string()),
  detection: z.string().nullable(),
  tacticShortnames: z.array(z.string()),
  isSubtechnique: z.boolean(),
  parentAttackId: z.string().nullable(),
});

/** A mitigation (course-of-action, M1047; deprecated ones still carry old T-numbers). */
export const attackMitigationSchema = z.object(objectFields);

/** A `mitigates` relationship: mitigation stixId -> technique stixId, with the how-to text. */
export const mitigatesRelationSchema = z.object({
  stixId: z.string(),
  mitigationStixId: z.string(),
  techniqueStixId: z.string(),
  description: z.string().nullable(),
});

/** A `subtechnique-of` relationship: sub-technique stixId -> parent technique stixId. */
export const subtechniqueOfRelationSchema = z.object({
  stixId: z.string(),
  subtechniqueStixId: z.string(),
  parentStixId: z.string(),
});

/** Everything parseAttackBundle extracts from one ATT&CK domain bundle. */
export const parsedAttackSchema = z.object({
  domain: z.literal("enterprise-attack"),
  attackVersion: z.string().nullable(),
  specVersion: z.string().nullable(),
  attackSpecVersion: z.string().nullable(),
  tactics: z.array(attackTacticSchema),
  techniques: z.array(attackTechniqueSchema),
  mitigations: z.array(attackMitigationSchema),
  mitigates: z.array(mitigatesRelationSchema),
  subtechniqueOf: z.array(subtechniqueOfRelationSchema),
  skipped: z.number().int().nonnegative(),
  skippedRelationships: z.number().int().nonnegative(),
});

/** An ATT&CK tactic. */
export type AttackTactic = z.infer<typeof attackTacticSchema>;
/** An ATT&CK technique or sub-technique. */
export type AttackTechnique = z.infer<typeof attackTechniqueSchema>;
/** An ATT&CK mitigation. */
export type AttackMitigation = z.infer<typeof attackMitigationSchema>;
/** A mitigation -> technique link. */
export type MitigatesRelation = z.infer<typeof mitigatesRelationSchema>;
/** A sub-technique -> parent technique link. */
export type SubtechniqueOfRelation = z.infer<typeof subtechniqueOfRelationSchema>;
/** The parsed, normalised content of an ATT&CK bundle. */
export type ParsedAttack = z.infer<typeof parsedAttackSchema>;
