/** kb.articles.*: the organization's knowledge base, searchable, with revision history. */
import { router } from "../../trpc/init.js";
import { orgRoute } from "../../trpc/org-route.js";
import { orgProcedure } from "../../trpc/procedures.js";
import { getRevision, listRevisions } from "./article-revisions.service.js";
import {
  articleIdInput,
  articlePageSchema,
  articleSchema,
  createArticleInput,
  listArticlesInput,
  listRevisionsInput,
  revisionInput,
  revisionPageSchema,
  revisionSchema,
  updateArticleInput,
} from "./knowledge-base.schemas.js";
import { createArticle, deleteArticle, getArticle, listArticles, updateArticle } from "./knowledge-base.service.js";

const tags = ["knowledge base"];

const articlesRouter = router({
  list: orgProcedure
    .meta({ scope: "assessments:read" })
    .meta(
      orgRoute(
        tags,
        "GET",
        "/kb/articles",
        "Search the knowledge base",
        "Text search in title and body; filter by tag, technique and kind; newest edits first by default.",
      ),
    )
    .input(listArticlesInput)
    .output(articlePageSchema)
    .query(({ ctx, input }) => listArticles(ctx, input)),
  get: orgProcedure
    .meta({ scope: "assessments:read" })
    .meta(orgRoute(tags, "GET", "/kb/articles/{id}", "One article"))
    .input(articleIdInput)
    .output(articleSchema)
    .query(({ ctx, input }) => getArticle(ctx, input.id)),
  create: orgProcedure
    .meta({ scope: "assessments:write" })
    .meta(orgRoute(tags, "POST", "/kb/articles", "Write an article", "Any member of the organization."))
    .input(createArticleInput)
    .output(articleSchema)
    .mutation(({ ctx, input }) => createArticle(ctx, input)),
  update: orgProcedure
    .meta({ scope: "assessments:write" })
    .meta(
      orgRoute(
        tags,
        "PATCH",
        "/kb/articles/{id}",
        "Edit an article",
        "The replaced version is kept as a revision. Send expectedRevision to refuse (CONFLICT) an edit based on an outdated copy.",
      ),
    )
    .input(updateArticleInput)
    .output(articleSchema)
    .mutation(({ ctx, input }) => updateArticle(ctx, input)),
  delete: orgProcedure
    .meta({ scope: "assessments:write" })
    .meta(orgRoute(tags, "DELETE", "/kb/articles/{id}", "Delete an article and its history", "Owners and admins."))
    .input(articleIdInput)
    .output(articleSchema)
    .mutation(({ ctx, input }) => deleteArticle(ctx, input.id)),
  revisions: orgProcedure
    .meta({ scope: "assessments:read" })
    .meta(orgRoute(tags, "GET", "/kb/articles/{id}/revisions", "Earlier versions of an article, newest first"))
    .input(listRevisionsInput)
    .output(revisionPageSchema)
    .query(({ ctx, input }) => listRevisions(ctx, input)),
  revision: orgProcedure
    .meta({ scope: "assessments:read" })
    .meta(orgRoute(tags, "GET", "/kb/articles/{id}/revisions/{revision}", "One version of an article in full"))
    .input(revisionInput)
    .output(revisionSchema)
    .query(({ ctx, input }) => getRevision(ctx, input.id, input.revision)),
});

export const knowledgeBaseRouter = router({ articles: articlesRouter });
