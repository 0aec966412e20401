/** Inputs and outputs of the knowledge base (kb.articles.*): markdown articles linked to ATT&CK techniques. */
import { z } from "zod";
import { pageInput, pageOf } from "../../lib/pagination.js";
import { techniqueIdSchema } from "../templates/template-common.schemas.js";

export const articleKindSchema = z
  .enum(["procedure", "detection", "mitigation", "note"])
  .meta({ id: "KnowledgeArticleKind" });

const titleSchema = z.string().trim().min(1).max(300);
const bodySchema = z.string().max(200_000).describe("Markdown");
const tagSchema = z.string().trim().toLowerCase().min(1).max(64);
const tagsSchema = z
  .array(tagSchema)
  .max(30)
  .transform((tags) => [...new Set(tags)])
  .describe("Free-form labels (stored lower-case)");
const techniquesSchema = z
  .array(techniqueIdSchema)
  .max(50)
  .transform((ids) => [...new Set(ids)])
  .describe("Linked ATT&CK techniques, e.g. T1003.001");

const articleShape = {
  id: z.uuid(),
  organizationId: z.uuid(),
  title: z.string(),
  kind: articleKindSchema,
  tags: z.array(z.string()),
  techniques: z.array(z.string()),
  revision: z.number().int().positive().describe("Current version: 1 when created, +1 per update"),
  createdById: z.uuid().nullable(),
  updatedById: z.uuid().nullable(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
};

export const articleSchema = z.object({ ...articleShape, body: z.string() }).meta({ id: "KnowledgeArticle" });

export const articleSummarySchema = z
  .object({ ...articleShape, excerpt: z.string().describe("The body's first 280 characters") })
  .meta({ id: "KnowledgeArticleSummary" });

export const articlePageSchema = pageOf(articleSummarySchema, "KnowledgeArticlePage");

export const articleIdInput = z.object({ id: z.uuid() });

export const createArticleInput = z.object({
  title: titleSchema,
  body: bodySchema.default(""),
  kind: articleKindSchema.default("note"),
  tags: tagsSchema.default([]),
  techniques: techniquesSchema.default([]),
});

export const updateArticleInput = z.object({
  id: z.uuid(),
  title: titleSchema.optional(),
  body: bodySchema.optional(),
  kind: articleKindSchema.optional(),
  tags: tagsSchema.optional(),
  techniques: techniquesSchema.optional(),
  expectedRevision: z
    .number()
    .int()
    .positive()
    .optional()
    .describe("The revision this edit started from: CONFLICT if someone saved another one since"),
});

export const listArticlesInput = pageInput
  .extend({
    q: z.string().trim().max(200).optional().describe("Case-insensitive search in title and body"),
    tag: tagSchema.optional(),
    technique: techniqueIdSchema.optional().describe("Only articles linked to this ATT&CK technique"),
    kind: articleKindSchema.optional(),
    sort: z.enum(["updatedAt", "createdAt", "title"]).default("updatedAt"),
    order: z.enum(["asc", "desc"]).optional().describe("Default: desc for dates, asc for title"),
  })
  .prefault({});

const revisionShape = {
  articleId: z.uuid(),
  revision: z.number().int().positive(),
  title: z.string(),
  kind: articleKindSchema,
  tags: z.array(z.string()),
  techniques: z.array(z.string()),
  authorId: z.uuid().nullable().describe("Who wrote this version"),
  writtenAt: z.iso.datetime().describe("When this version was saved"),
  replacedById: z.uuid().nullable().describe("Who saved the next version (null for the current one)"),
  replacedAt: z.iso.datetime().nullable(),
};

export const revisionSummarySchema = z.object(revisionShape).meta({ id: "KnowledgeArticleRevisionSummary" });

export const revisionSchema = z
  .object({ ...revisionShape, body: z.string(), current: z.boolean().describe("True for the article as it is now") })
  .meta({ id: "KnowledgeArticleRevision" });

export const revisionPageSchema = pageOf(revisionSummarySchema, "KnowledgeArticleRevisionPage");

export const listRevisionsInput = pageInput.extend({ id: z.uuid() });

export const revisionInput = z.object({
  id: z.uuid(),
  revision: z.coerce.number<number>().int().positive().describe("A stored revision, or the current one"),
});

export type Article = z.infer<typeof articleSchema>;
export type ArticleSummary = z.infer<typeof articleSummarySchema>;
export type CreateArticleInput = z.infer<typeof createArticleInput>;
export type UpdateArticleInput = z.infer<typeof updateArticleInput>;
export type ListArticlesInput = z.infer<typeof listArticlesInput>;
export type ListRevisionsInput = z.infer<typeof listRevisionsInput>;
export type Revision = z.infer<typeof revisionSchema>;
