/**
 * The versioned JSON document of a whole assessment ("assay.assessment", version 1), written
 * by exports.assessmentJson and read by imports.assessmentJson. No database id appears in
 * it: groups and activities carry local references (g1, a1...), tags are named, assets are
 * named with their kind, people are named by email. Every object is strict (a misspelt key
 * is an error, not silently dropped) and the limits are those of the editing procedures, so
 * a document that imports is one the API could have built.
 */
import { z } from "zod";
import {
  activityStatusSchema,
  evaluationCategorySchema,
  evaluationResultSchema,
  outcomeSchema,
  severitySchema,
} from "../activities/activities.schemas.js";
import { alertMatchingSchema, assessmentStatusSchema } from "../assessments/assessments.schemas.js";
import { assetKindSchema } from "../assets/assets.schemas.js";
import { controlKindSchema } from "../controls/controls.schemas.js";

export const DOCUMENT_FORMAT = "assay.assessment";
export const DOCUMENT_VERSION = 1;

const instant = z.iso.datetime({ offset: true, error: "must be an ISO 8601 date-time" });
const ref = z.string().min(1).max(64).describe("A reference local to this document");
const email = z.string().min(3).max(320).describe("A member of the organization, by email");
const text = (max: number) => z.string().max(max);
const tagName = z.string().min(1).max(64);
const assetRef = z.strictObject({ name: z.string().min(1).max(200), kind: assetKindSchema });

const tagSchema = z.strictObject({
  name: tagName,
  color: z.string().regex(/^#[0-9a-f]{6}$/i, { error: "must be a colour like #1f6feb" }),
  description: text(500).default(""),
});

const assetSchema = assetRef.extend({
  identifier: text(500).default(""),
  description: text(5000).default(""),
});

const groupSchema = z.strictObject({ ref, name: z.string().min(1).max(200), description: text(10_000).default("") });

const redSchema = z
  .strictObject({
    command: text(100_000).nullable().default(null),
    executedAt: instant.nullable().default(null),
    executedBy: z.string().min(1).max(200).nullable().default(null).describe("Free text (not a member)"),
    executedByUser: email.nullable().default(null).describe("The member who ran it"),
    source: text(2000).nullable().default(null),
    target: text(2000).nullable().default(null),
    expectations: z
      .strictObject({
        logged: z.boolean().default(false),
        prevented: z.boolean().default(false),
        alerted: z.boolean().default(false),
        notified: z.boolean().default(false),
        expectedSeverity: severitySchema.nullable().default(null),
      })
      .prefault({}),
  })
  .refine((red) => red.executedBy === null || red.executedByUser === null, {
    error: "give executedBy (free text) or executedByUser (a member), not both",
    path: ["executedByUser"],
  });

const controlName = z.string().min(1).max(100);

const controlSchema = z.strictObject({
  name: controlName,
  kind: controlKindSchema,
  vendor: z.string().min(1).max(100).nullable().default(null),
  product: z.string().min(1).max(100).nullable().default(null),
});

const controlOutcomeSchema = z.strictObject({
  control: controlName.describe("The name of one of the document's controls"),
  outcome: outcomeSchema,
  detectedAt: instant.nullable().default(null),
  alertSeverity: severitySchema.nullable().default(null),
  ruleName: text(2000).nullable().default(null),
  notes: text(50_000).default(""),
});

const blueSchema = z.strictObject({
  outcome: outcomeSchema.nullable().default(null),
  outcomeSetByHand: z
    .boolean()
    .optional()
    .describe(
      "false: the outcome follows the best control outcome; true: a person set it (omitted: true when there is an outcome and no control outcomes)",
    ),
  controlOutcomes: z
    .array(controlOutcomeSchema)
    .max(100)
    .refine((list) => new Set(list.map((o) => o.control)).size === list.length, { error: "one entry per control" })
    .default([]),
  detectedAt: instant.nullable().default(null),
  detectionSource: text(2000).nullable().default(null),
  alertSeverity: severitySchema.nullable().default(null),
  notifiedAt: instant.nullable().default(null),
  notes: text(50_000).default(""),
});

const result = evaluationResultSchema.nullable().default(null);

const evaluationSchema = z.strictObject({
  results: z
    .strictObject({ prevention: result, detection: result, logging: result, notification: result, severity: result })
    .prefault({}),
  overrides: z
    .array(
      z.strictObject({
        category: evaluationCategorySchema,
        computed: evaluationResultSchema,
        result: evaluationResultSchema,
        reason: text(2000),
        by: email.nullable().default(null),
        at: instant,
      }),
    )
    .max(5)
    .refine((list) => new Set(list.map((o) => o.category)).size === list.length, {
      error: "one override per category",
    })
    .default([]),
  evaluatedAt: instant.nullable().default(null),
  evaluatedBy: email.nullable().default(null),
});

const commentSchema = z.strictObject({
  author: email.nullable().describe("null: attributed to the importer"),
  body: z.string().min(1).max(20_000),
  createdAt: instant,
});

const activitySchema = z.strictObject({
  ref,
  group: ref.nullable().default(null).describe("The ref of one of the document's groups"),
  title: z.string().min(1).max(300),
  description: text(50_000).default(""),
  tactic: z
    .string()
    .max(64)
    .regex(/^[a-z]+(-[a-z]+)*$/, { error: "must be an ATT&CK tactic shortname like credential-access" })
    .nullable()
    .default(null)
    .describe("A tactic of one of the techniques; null with techniques: derived on import as activities.create does"),
  techniques: z
    .array(z.string().regex(/^T\d{4}(\.\d{3})?$/, { error: "must be an ATT&CK technique id like T1003.001" }))
    .max(50)
    .default([])
    .describe("Technique ids the loaded ATT&CK data knows (revoked or deprecated ones import with a warning)"),
  knowledgeBaseArticleIds: z
    .array(z.uuid())
    .max(100)
    .default([])
    .describe("Articles of the importing organization (another organization's ids are NOT_FOUND)"),
  status: activityStatusSchema.default("planned"),
  tags: z.array(tagName).max(100).default([]).describe("Names from the document's tags"),
  assets: z.array(assetRef).max(100).default([]).describe("Target assets from the document's assets"),
  red: redSchema.prefault({}),
  blue: blueSchema.prefault({}),
  evaluation: evaluationSchema.prefault({}),
  comments: z.array(commentSchema).default([]),
});

export const assessmentDocumentSchema = z
  .strictObject({
    format: z.literal(DOCUMENT_FORMAT),
    version: z.literal(DOCUMENT_VERSION, { error: `this server reads version ${DOCUMENT_VERSION}` }),
    exportedAt: instant.optional(),
    assessment: z.strictObject({
      name: z.string().min(1).max(200),
      description: text(20_000).default(""),
      status: assessmentStatusSchema.default("planned"),
      startDate: instant.nullable().default(null),
      endDate: instant.nullable().default(null),
      tags: z.array(tagName).max(50).default([]).describe("Names from the document's tags"),
      alertMatching: alertMatchingSchema.default("suggest"),
    }),
    tags: z.array(tagSchema).default([]),
    controls: z.array(controlSchema).max(500).default([]).describe("Defensive controls the outcomes name"),
    assets: z.array(assetSchema).default([]),
    groups: z.array(groupSchema).default([]),
    activities: z.array(activitySchema).default([]),
  })
  .meta({ id: "AssessmentDocument" });

export type AssessmentDocument = z.infer<typeof assessmentDocumentSchema>;
export type DocumentActivity = AssessmentDocument["activities"][number];
