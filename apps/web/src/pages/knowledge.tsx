/** The organization's knowledge base: search and filters (kept in the URL), pages, and the way to a new article. */
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { Link, useParams, useSearchParams } from "react-router";
import { fieldError, formErrors, useTRPC } from "../api";
import { Empty, ErrorMessage, Field, formatDate, Loading, Pager, StatusBadge, usePageTitle } from "../components/ui";
import { isKind, KINDS } from "../knowledge/shared";

export default function KnowledgePage() {
  usePageTitle("Knowledge base");
  const trpc = useTRPC();
  const { orgId = "" } = useParams();
  const [params, setParams] = useSearchParams();
  const q = params.get("q") ?? "";
  const technique = params.get("technique") ?? "";
  const kindParam = params.get("kind");
  const kind = isKind(kindParam) ? kindParam : undefined;
  const page = Math.max(1, Number(params.get("page")) || 1);
  const [search, setSearch] = useState(q);
  const [techniqueText, setTechniqueText] = useState(technique);
  const list = useQuery({
    ...trpc.kb.articles.list.queryOptions({
      page,
      pageSize: 20,
      ...(q ? { q } : {}),
      ...(technique ? { technique } : {}),
      ...(kind ? { kind } : {}),
    }),
    placeholderData: keepPreviousData,
  });
  const setFilters = (changes: Record<string, string>) => {
    const next = new URLSearchParams(params);
    for (const [name, value] of Object.entries(changes)) {
      if (value) next.set(name, value);
      else next.delete(name);
    }
    if (!("page" in changes)) next.delete("page");
    setParams(next);
  };
  const filtered = Boolean(q || technique || kind);
  return (
    <>
      <div className="page-head">
        <h1>Knowledge base</h1>
        <Link className="button" to={`/orgs/${orgId}/knowledge/new`}>
          New article
        </Link>
      </div>
      <search>
        <form
          className="filters"
          onSubmit={(event) => {
            event.preventDefault();
            setFilters({ q: search.trim(), technique: techniqueText.trim() });
          }}
        >
          <div className="field">
            <label htmlFor="kb-q">Search</label>
            <input id="kb-q" type="search" value={search} onChange={(event) => setSearch(event.target.value)} />
          </div>
          <Field label="Technique" error={fieldError(list.error, "technique")}>
            {(props) => (
              <input
                {...props}
                value={techniqueText}
                placeholder="T1003.001"
                onChange={(event) => setTechniqueText(event.target.value)}
              />
            )}
          </Field>
          <div className="field">
            <label htmlFor="kb-kind">Kind</label>
            <select id="kb-kind" value={kind ?? ""} onChange={(event) => setFilters({ kind: event.target.value })}>
              <option value="">Any</option>
              {KINDS.map((k) => (
                <option key={k} value={k}>
                  {k}
                </option>
              ))}
            </select>
          </div>
          <button type="submit" className="secondary">
            Apply
          </button>
        </form>
      </search>
      {list.isPending ? (
        <Loading what="articles" />
      ) : list.isError ? (
        <ErrorMessage messages={formErrors(list.error, ["technique"])} />
      ) : list.data.data.length === 0 ? (
        <Empty>{filtered ? "No article matches these filters." : "No articles yet: write the first one."}</Empty>
      ) : (
        <>
          <ul className="plain articles" aria-label="Articles">
            {list.data.data.map((article) => (
              <li key={article.id} className="card">
                <h2 className="article-title">
                  <Link to={`/orgs/${orgId}/knowledge/${article.id}`}>{article.title}</Link>
                </h2>
                <p className="muted">
                  <StatusBadge status={article.kind} /> {article.techniques.join(" · ")}
                  {article.tags.length > 0 ? ` · tags: ${article.tags.join(", ")}` : ""} · revision {article.revision},
                  edited {formatDate(article.updatedAt)}
                </p>
                {article.excerpt ? <p className="excerpt">{article.excerpt}</p> : null}
              </li>
            ))}
          </ul>
          <Pager
            label="Pages"
            pagination={list.data.pagination}
            onPage={(next) => setFilters({ page: String(next) })}
          />
        </>
      )}
    </>
  );
}
