/**
 * One knowledge-base article rendered from markdown, and its revision history: `?revision=N`
 * shows an earlier version in full (kb.articles.revision) in place of the current one.
 */
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { Link, useParams, useSearchParams } from "react-router";
import { problemsOf, useTRPC } from "../api";
import { Empty, ErrorMessage, formatDate, Loading, Pager, StatusBadge, usePageTitle } from "../components/ui";
import { Markdown } from "../knowledge/markdown";
import type { Article } from "../knowledge/shared";

/** Member names by user id, for the authors of versions ("a former member" when unknown). */
function useAuthors(): (id: string | null) => string {
  const trpc = useTRPC();
  const members = useQuery(trpc.orgs.members.list.queryOptions({ pageSize: 100 }));
  const names = new Map(members.data?.data.map((m) => [m.userId, m.name]));
  return (id) => (id === null ? "someone since removed" : (names.get(id) ?? "a former member"));
}

function History({ article, shown }: { article: Article; shown: number }) {
  const trpc = useTRPC();
  const { orgId = "" } = useParams();
  const author = useAuthors();
  const [page, setPage] = useState(1);
  const revisions = useQuery({
    ...trpc.kb.articles.revisions.queryOptions({ id: article.id, page, pageSize: 20 }),
    placeholderData: keepPreviousData,
  });
  const base = `/orgs/${orgId}/knowledge/${article.id}`;
  const version = (revision: number, label: string) =>
    revision === shown ? (
      <strong aria-current="page">{label} (shown)</strong>
    ) : (
      <Link to={revision === article.revision ? base : `${base}?revision=${revision}`}>{label}</Link>
    );
  return (
    <section aria-labelledby="history" className="panel">
      <h2 id="history">Revision history</h2>
      <ol className="plain history">
        {page === 1 ? (
          <li>
            {version(article.revision, `Revision ${article.revision} (current)`)} — saved{" "}
            {formatDate(article.updatedAt)} by {author(article.updatedById)}
          </li>
        ) : null}
        {revisions.data?.data.map((r) => (
          <li key={r.revision}>
            {version(r.revision, `Revision ${r.revision}`)} — “{r.title}”, saved {formatDate(r.writtenAt)} by{" "}
            {author(r.authorId)}; replaced {formatDate(r.replacedAt)} by {author(r.replacedById)}
          </li>
        ))}
      </ol>
      {revisions.isPending ? (
        <Loading what="earlier versions" />
      ) : revisions.isError ? (
        <ErrorMessage messages={problemsOf(revisions.error).map((p) => p.message)} />
      ) : revisions.data.pagination.total === 0 ? (
        <Empty>No earlier versions: this is the first.</Empty>
      ) : revisions.data.pagination.totalPages > 1 ? (
        <Pager
          label="Pages of the history"
          pagination={revisions.data.pagination}
          onPage={setPage}
          previous="Newer"
          next="Older"
        />
      ) : null}
    </section>
  );
}

export default function ArticlePage() {
  const trpc = useTRPC();
  const { orgId = "", articleId = "" } = useParams();
  const [params] = useSearchParams();
  const article = useQuery(trpc.kb.articles.get.queryOptions({ id: articleId }));
  const asked = Number(params.get("revision"));
  const older = Number.isInteger(asked) && asked > 0 && article.data && asked !== article.data.revision ? asked : null;
  const revision = useQuery({
    ...trpc.kb.articles.revision.queryOptions({ id: articleId, revision: older ?? 1 }),
    enabled: older !== null,
  });
  usePageTitle(article.data?.title ?? "Article");
  const breadcrumb = (title: string) => (
    <nav aria-label="Breadcrumb" className="breadcrumb">
      <Link to={`/orgs/${orgId}/knowledge`}>Knowledge base</Link> / <span aria-current="page">{title}</span>
    </nav>
  );
  if (article.isPending) return <Loading what="the article" />;
  if (article.isError) {
    return (
      <>
        {breadcrumb("Article")}
        <h1>Article</h1>
        <ErrorMessage messages={problemsOf(article.error).map((p) => p.message)} />
      </>
    );
  }
  const a = article.data;
  const shown = older !== null ? revision.data : undefined;
  const view = shown ?? a;
  return (
    <>
      {breadcrumb(a.title)}
      <div className="page-head">
        <h1>{view.title}</h1>
        <StatusBadge status={view.kind} />
        <Link className="button" to={`/orgs/${orgId}/knowledge/${a.id}/edit`}>
          Edit article
        </Link>
      </div>
      <p className="muted">
        {shown
          ? `Revision ${shown.revision} of ${a.revision} · saved ${formatDate(shown.writtenAt)}`
          : `Revision ${a.revision} · edited ${formatDate(a.updatedAt)}`}
        {view.techniques.length > 0 ? ` · techniques: ${view.techniques.join(", ")}` : ""}
        {view.tags.length > 0 ? ` · tags: ${view.tags.join(", ")}` : ""}
      </p>
      {older !== null ? (
        <div className="notice">
          {revision.isPending ? (
            <Loading what={`revision ${older}`} />
          ) : revision.isError ? (
            <ErrorMessage messages={problemsOf(revision.error).map((p) => p.message)} />
          ) : (
            <p>
              You are reading an earlier version of this article.{" "}
              <Link to={`/orgs/${orgId}/knowledge/${a.id}`}>Back to the current version</Link>
            </p>
          )}
        </div>
      ) : null}
      {older === null || shown ? (
        <article aria-label={shown ? `Revision ${shown.revision}` : "Article text"} className="panel">
          {view.body.trim() ? <Markdown source={view.body} /> : <Empty>This article is empty.</Empty>}
        </article>
      ) : null}
      <History article={a} shown={older ?? a.revision} />
    </>
  );
}
