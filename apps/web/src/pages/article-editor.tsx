/**
 * Writing and editing a knowledge-base article: a markdown editor (a textarea with a few
 * formatting buttons) beside a live preview. An edit sends the revision it started from, so
 * saving over someone else's newer version is refused (CONFLICT) instead of losing it.
 */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useDeferredValue, useRef, useState } from "react";
import { Link, useNavigate, useParams } from "react-router";
import { fieldError, formErrors, problemsOf, useTRPC } from "../api";
import { ErrorMessage, Field, Loading, usePageTitle } from "../components/ui";
import { Markdown } from "../knowledge/markdown";
import { type Article, type ArticleKind, KINDS, splitTags, splitTechniques } from "../knowledge/shared";

const FIELDS = ["title", "kind", "tags", "techniques", "body"];

/** Formatting buttons: each wraps the selection (or a placeholder) in markdown. */
const FORMATS = [
  { label: "Bold", before: "**", after: "**", placeholder: "bold text" },
  { label: "Italic", before: "_", after: "_", placeholder: "italic text" },
  { label: "Heading", before: "\n## ", after: "\n", placeholder: "Heading" },
  { label: "Bulleted list", before: "\n- ", after: "\n", placeholder: "item" },
  { label: "Code", before: "`", after: "`", placeholder: "code" },
  { label: "Link", before: "[", after: "](https://)", placeholder: "link text" },
] as const;

function Editor({ article }: { article?: Article }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const { orgId = "" } = useParams();
  const [title, setTitle] = useState(article?.title ?? "");
  const [kind, setKind] = useState<ArticleKind>(article?.kind ?? "note");
  const [tags, setTags] = useState(article?.tags.join(", ") ?? "");
  const [techniques, setTechniques] = useState(article?.techniques.join(", ") ?? "");
  const [body, setBody] = useState(article?.body ?? "");
  // The version this edit started from, even if the article is fetched again meanwhile.
  const [baseRevision] = useState(article?.revision);
  const preview = useDeferredValue(body);
  const textarea = useRef<HTMLTextAreaElement>(null);
  const saved = async (result: Article) => {
    queryClient.setQueryData(trpc.kb.articles.get.queryKey({ id: result.id }), result);
    await queryClient.invalidateQueries({ queryKey: trpc.kb.articles.pathKey() });
    navigate(`/orgs/${orgId}/knowledge/${result.id}`);
  };
  const create = useMutation(trpc.kb.articles.create.mutationOptions({ onSuccess: saved }));
  const update = useMutation(trpc.kb.articles.update.mutationOptions({ onSuccess: saved }));
  const save = article ? update : create;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const fields = { title, kind, body, tags: splitTags(tags), techniques: splitTechniques(techniques) };
    if (article) update.mutate({ id: article.id, expectedRevision: baseRevision, ...fields });
    else create.mutate(fields);
  };
  const format = (f: (typeof FORMATS)[number]) => {
    const element = textarea.current;
    if (!element) return;
    const { selectionStart: start, selectionEnd: end } = element;
    const inner = body.slice(start, end) || f.placeholder;
    setBody(body.slice(0, start) + f.before + inner + f.after + body.slice(end));
    // Select the wrapped text once React has written the new value.
    requestAnimationFrame(() => {
      element.focus();
      element.setSelectionRange(start + f.before.length, start + f.before.length + inner.length);
    });
  };
  const conflict = fieldError(save.error, "expectedRevision");
  return (
    <form onSubmit={submit} noValidate aria-labelledby="editor-title">
      <h1 id="editor-title">{article ? `Edit “${article.title}”` : "New article"}</h1>
      <ErrorMessage
        messages={[...formErrors(save.error, [...FIELDS, "expectedRevision"]), ...(conflict ? [conflict] : [])]}
      />
      <Field label="Title" error={fieldError(save.error, "title")}>
        {(props) => <input {...props} value={title} onChange={(event) => setTitle(event.target.value)} />}
      </Field>
      <div className="row">
        <Field label="Kind" error={fieldError(save.error, "kind")}>
          {(props) => (
            <select {...props} value={kind} onChange={(event) => setKind(event.target.value as ArticleKind)}>
              {KINDS.map((k) => (
                <option key={k} value={k}>
                  {k}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Techniques" hint="ATT&CK ids, e.g. T1003.001, T1059" error={fieldError(save.error, "techniques")}>
          {(props) => <input {...props} value={techniques} onChange={(event) => setTechniques(event.target.value)} />}
        </Field>
        <Field label="Tags" hint="Separated by commas" error={fieldError(save.error, "tags")}>
          {(props) => <input {...props} value={tags} onChange={(event) => setTags(event.target.value)} />}
        </Field>
      </div>
      <div className="editor">
        <div>
          <fieldset className="format-buttons">
            <legend className="visually-hidden">Formatting</legend>
            {FORMATS.map((f) => (
              <button key={f.label} type="button" className="secondary" onClick={() => format(f)}>
                {f.label}
              </button>
            ))}
          </fieldset>
          <Field
            label="Body (markdown)"
            hint="No HTML: it shows as text. Links: http, https and mailto."
            error={fieldError(save.error, "body")}
          >
            {(props) => (
              <textarea
                {...props}
                ref={textarea}
                rows={18}
                className="markdown-source"
                value={body}
                onChange={(event) => setBody(event.target.value)}
              />
            )}
          </Field>
        </div>
        <section aria-labelledby="preview-title" className="preview">
          <h2 id="preview-title">Preview</h2>
          {preview.trim() ? (
            <Markdown source={preview} />
          ) : (
            <p className="muted">The preview shows here as you type.</p>
          )}
        </section>
      </div>
      <div className="actions">
        <button type="submit" disabled={save.isPending}>
          Save article
        </button>
        <Link to={article ? `/orgs/${orgId}/knowledge/${article.id}` : `/orgs/${orgId}/knowledge`}>Cancel</Link>
        {conflict && article ? (
          <span>Your text stays here: copy it, reload the article, and apply your change again.</span>
        ) : null}
      </div>
    </form>
  );
}

/** /knowledge/new and /knowledge/:articleId/edit. */
export default function ArticleEditorPage() {
  const trpc = useTRPC();
  const { articleId } = useParams();
  const article = useQuery({ ...trpc.kb.articles.get.queryOptions({ id: articleId ?? "" }), enabled: !!articleId });
  usePageTitle(articleId ? `Edit ${article.data?.title ?? "article"}` : "New article");
  if (!articleId) return <Editor />;
  if (article.isPending) return <Loading what="the article" />;
  if (article.isError) {
    return (
      <>
        <h1>Edit article</h1>
        <ErrorMessage messages={problemsOf(article.error).map((p) => p.message)} />
      </>
    );
  }
  return <Editor key={article.data.id} article={article.data} />;
}
