/** Inputs and outputs of the mitre module: the ATT&CK matrix, techniques, and search. */
import { z } from "zod";
import { pageInput, pageOf, queryBoolean } from "../../lib/pagination.js";
import { articleKindSchema } from "../knowledge-base/knowledge-base.schemas.js";

const includeRetired = queryBoolean.default(false).describe("Also list revoked and deprecated objects");

export const tacticSchema = z
  .object({
    attackId: z.string().describe("e.g. TA0006"),
    name: z.string(),
    shortname: z.string().describe("e.g. credential-access"),
    description: z.string(),
    url: z.string().nullable(),
    matrixOrder: z.number().int().describe("Column in the Enterprise matrix (999: not in the matrix)"),
    revoked: z.boolean(),
    deprecated: z.boolean(),
  })
  .meta({ id: "AttackTactic" });

export const tacticsInput = z.object({ includeRetired }).prefault({});

export const tacticListSchema = z.array(tacticSchema);

export const techniqueSchema = z
  .object({
    attackId: z.string().describe("e.g. T1003 or T1003.001"),
    name: z.string(),
    description: z.string(),
    platforms: z.array(z.string()),
    tactics: z.array(z.string()).describe("Tactic shortnames, in matrix order"),
    isSubtechnique: z.boolean(),
    parentAttackId: z.string().nullable(),
    url: z.string().nullable(),
    revoked: z.boolean(),
    deprecated: z.boolean(),
  })
  .meta({ id: "AttackTechnique" });

export const techniquePageSchema = pageOf(techniqueSchema, "AttackTechniquePage");

export const techniqueListInput = pageInput
  .extend({
    tactic: z
      .string()
      .trim()
      .min(1)
      .max(100)
      .describe("Tactic shortname (credential-access) or id (TA0006)")
      .optional(),
    platform: z.string().trim().min(1).max(100).describe("e.g. Windows (case-insensitive)").optional(),
    q: z.string().trim().min(1).max(200).describe("Case-insensitive search in ATT&CK id and name").optional(),
    includeSubtechniques: queryBoolean.default(false).describe("Also list sub-techniques (T1003.001)"),
    includeRetired,
  })
  .prefault({});

export type TechniqueListInput = z.infer<typeof techniqueListInput>;

const attackIdSchema = z
  .string()
  .trim()
  .regex(/^T\d{4}(\.\d{3})?$/i, { error: "must be an ATT&CK technique id such as T1003 or T1003.001" })
  .transform((id) => id.toUpperCase());

export const techniqueIdInput = z.object({ id: attackIdSchema.describe("ATT&CK technique id, e.g. T1003.001") });

export const techniqueDetailSchema = techniqueSchema
  .extend({
    dataSources: z.array(z.string()),
    detection: z.string().nullable(),
    version: z.string().nullable().describe("The technique's own revision, e.g. 1.5"),
    modifiedAt: z.iso.datetime().nullable(),
    attackVersion: z.string().describe("ATT&CK release that last wrote this technique"),
    tacticDetails: z.array(z.object({ attackId: z.string(), shortname: z.string(), name: z.string() })),
    subTechniques: z.array(z.object({ attackId: z.string(), name: z.string() })).describe("Active ones only"),
    mitigations: z
      .array(
        z.object({
          attackId: z.string(),
          name: z.string(),
          description: z.string().nullable().describe("How this mitigation applies to the technique"),
        }),
      )
      .describe("Active mitigations linked by a `mitigates` relationship"),
    activityTemplates: z
      .array(z.object({ id: z.uuid(), name: z.string(), source: z.string(), platforms: z.array(z.string()) }))
      .describe("Global activity templates (e.g. Atomic Red Team tests) exercising this technique"),
    knowledgeBaseArticles: z
      .array(
        z.object({
          id: z.uuid(),
          title: z.string(),
          kind: articleKindSchema,
          tags: z.array(z.string()),
          updatedAt: z.iso.datetime(),
        }),
      )
      .describe(
        "Knowledge-base articles of the organization named by X-Organization-Id that link this technique (empty without one)",
      ),
  })
  .meta({ id: "AttackTechniqueDetail" });

export const searchInput = z.object({
  q: z.string().trim().min(1).max(200).describe("ATT&CK id or words, e.g. T1003.001 or lsass memory"),
});

export const searchResultSchema = z
  .object({
    attackId: z.string(),
    name: z.string(),
    isSubtechnique: z.boolean(),
    parentAttackId: z.string().nullable(),
    tactics: z.array(z.string()),
    url: z.string().nullable(),
    rank: z.number().describe("Higher is better; an exact ATT&CK id match ranks first"),
  })
  .meta({ id: "AttackSearchResult" });

export const searchResultListSchema = z.array(searchResultSchema);

/** Results a search returns at most. */
export const SEARCH_LIMIT = 25;
