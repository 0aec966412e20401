/**
 * The shareable templates document (`format: assay.templates`, `version: 1`): its schema,
 * reading it from YAML with every problem located (document path and line), and writing it.
 * Entries carry an `id`: the exporting instance's template id, or any stable text in
 * hand-written documents; group and campaign entries refer to their members by that id (or
 * by the UUID of a template already in the target instance).
 */
import { Document, isNode, LineCounter, type Node, parseDocument } from "yaml";
import { z } from "zod";
import type { ErrorItem } from "../../lib/app-error.js";
import { DEFAULT_MAX_INPUT_DEPTH, yamlNestsDeeperThan } from "../../lib/input-depth.js";
import { activityTemplateContentShape } from "./activity-templates.schemas.js";
import { evaluationContentShape, reportContentShape } from "./document-templates.schemas.js";
import { templateDescriptionSchema, templateNameSchema } from "./template-common.schemas.js";

export const DOCUMENT_FORMAT = "assay.templates";
export const DOCUMENT_VERSION = 1;

const entryId = z.string().trim().min(1).max(200).describe("Stable key of the entry within the document");
const refList = z.array(entryId).max(200);

// Names and descriptions as written, not trimmed: the global library holds Atomic Red Team
// tests imported verbatim, and re-importing their export must find them unchanged.
const verbatimName = z
  .string()
  .max(200)
  .refine((name) => name.trim().length > 0, { error: "must not be blank" });

const activityEntry = z.strictObject({
  id: entryId.optional(),
  ...activityTemplateContentShape,
  name: verbatimName,
  description: z.string().max(20_000).default(""),
  atomicGuid: z.uuid().nullable().default(null),
});
const groupEntry = z.strictObject({
  id: entryId.optional(),
  name: templateNameSchema,
  description: templateDescriptionSchema.default(""),
  activities: refList.default([]).describe("Ids of activity templates, in order"),
});
const campaignEntry = z.strictObject({
  id: entryId.optional(),
  name: templateNameSchema,
  description: templateDescriptionSchema.default(""),
  groups: refList.default([]).describe("Ids of activity-group templates, in order"),
});
const evaluationEntry = z.strictObject({ id: entryId.optional(), ...evaluationContentShape });
const reportEntry = z.strictObject({ id: entryId.optional(), ...reportContentShape });

const MAX_ENTRIES = 5000;

export const templatesDocumentSchema = z.strictObject({
  format: z.literal(DOCUMENT_FORMAT, { error: `must be ${DOCUMENT_FORMAT}` }),
  version: z.literal(DOCUMENT_VERSION, { error: `unsupported version: this server reads version ${DOCUMENT_VERSION}` }),
  exportedAt: z.string().optional(),
  activityTemplates: z.array(activityEntry).max(MAX_ENTRIES).default([]),
  activityGroupTemplates: z.array(groupEntry).max(MAX_ENTRIES).default([]),
  campaignTemplates: z.array(campaignEntry).max(MAX_ENTRIES).default([]),
  evaluationTemplates: z.array(evaluationEntry).max(MAX_ENTRIES).default([]),
  reportTemplates: z.array(reportEntry).max(MAX_ENTRIES).default([]),
});

export type TemplatesDocument = z.infer<typeof templatesDocumentSchema>;
export type DocumentInput = z.input<typeof templatesDocumentSchema>;

/** The document's list of each template kind, in import order (members before what lists them). */
export const DOCUMENT_SECTIONS = {
  activity: "activityTemplates",
  activityGroup: "activityGroupTemplates",
  campaign: "campaignTemplates",
  evaluation: "evaluationTemplates",
  report: "reportTemplates",
} as const;

export type DocumentPath = (string | number)[];

/** Locates problems in the YAML text: `yaml.<path>` as the field, the line and column in the message. */
export class ProblemList {
  readonly items: ErrorItem[] = [];
  constructor(
    private readonly doc?: Document.Parsed,
    private readonly lines?: LineCounter,
  ) {}

  add(path: DocumentPath, message: string): void {
    const where = this.position(path);
    this.items.push({
      code: "VALIDATION",
      message: where ? `line ${where.line}, column ${where.col}: ${message}` : message,
      field: ["yaml", ...path].join("."),
    });
  }

  private position(path: DocumentPath): { line: number; col: number } | undefined {
    if (!this.doc || !this.lines) return undefined;
    // A missing key has no node: point at the closest enclosing one.
    for (let depth = path.length; depth >= 0; depth--) {
      const node = depth === 0 ? this.doc.contents : this.doc.getIn(path.slice(0, depth), true);
      if (isNode(node) && (node as Node).range) return this.lines.linePos((node as Node).range?.[0] ?? 0);
    }
    return undefined;
  }
}

export type ReadResult =
  | { ok: true; doc: TemplatesDocument; problems: ProblemList }
  | { ok: false; problems: ProblemList };

/**
 * Parses and validates `text`; on failure, every problem found (syntax errors stop before
 * validation). Nesting past `maxDepth` is refused before yaml's recursive parser sees it.
 */
export function readTemplatesDocument(text: string, maxDepth = DEFAULT_MAX_INPUT_DEPTH): ReadResult {
  if (yamlNestsDeeperThan(text, maxDepth)) {
    const tooDeep = new ProblemList();
    tooDeep.items.push({
      code: "VALIDATION",
      message: `The document nests lists and maps more than ${maxDepth} levels deep`,
      field: "yaml",
    });
    return { ok: false, problems: tooDeep };
  }
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: false });
  const problems = new ProblemList(doc, lines);
  if (doc.errors.length > 0) {
    const syntax = new ProblemList();
    for (const error of doc.errors) {
      const at = lines.linePos(error.pos[0]);
      syntax.items.push({
        code: "VALIDATION",
        message: `line ${at.line}, column ${at.col}: ${error.message}`,
        field: "yaml",
      });
    }
    return { ok: false, problems: syntax };
  }
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 100 });
  } catch (error) {
    problems.add([], error instanceof Error ? error.message : "unreadable document");
    return { ok: false, problems };
  }
  const parsed = templatesDocumentSchema.safeParse(data);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      problems.add(
        issue.path.map((p) => (typeof p === "number" ? p : String(p))),
        issue.message,
      );
    }
    return { ok: false, problems };
  }
  return { ok: true, doc: parsed.data, problems };
}

/** The YAML text of a document, with a note on how to import it. */
export function writeTemplatesDocument(content: DocumentInput): string {
  const doc = new Document(content);
  doc.commentBefore = " Assay templates: import with templates.import (POST /api/v1/templates/import).";
  return doc.toString({ lineWidth: 0 });
}
