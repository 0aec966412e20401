/**
 * Assessments of the organization: filters, pages, a form to create one (you become its lead),
 * and the import of an assessment JSON document (exports.assessmentJson's) as a new one.
 */
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useRef, useState } from "react";
import { Link, useNavigate, useParams, useSearchParams } from "react-router";
import { fieldError, formErrors, problemsOf, useTRPC } from "../api";
import { Empty, ErrorMessage, Field, Loading, Pager, StatusBadge, usePageTitle } from "../components/ui";

const STATUSES = ["planned", "in_progress", "completed", "archived"] as const;
type Status = (typeof STATUSES)[number];
const SORTS = ["createdAt", "name", "startDate"] as const;
type Sort = (typeof SORTS)[number];
const SORT_LABELS: Record<Sort, string> = { createdAt: "Newest first", name: "Name", startDate: "Start date" };

function CreateAssessment({ onCreated }: { onCreated: (id: string) => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [name, setName] = useState("");
  const [description, setDescription] = useState("");
  const [startDate, setStartDate] = useState("");
  const [endDate, setEndDate] = useState("");
  const create = useMutation(
    trpc.assessments.create.mutationOptions({
      onSuccess: async (assessment) => {
        await queryClient.invalidateQueries({ queryKey: trpc.assessments.list.queryKey() });
        onCreated(assessment.id);
      },
    }),
  );
  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate({
      name,
      description,
      ...(startDate ? { startDate } : {}),
      ...(endDate ? { endDate } : {}),
    });
  };
  const fields = ["name", "description", "startDate", "endDate"];
  return (
    <form onSubmit={submit} noValidate aria-labelledby="new-assessment" className="panel">
      <h2 id="new-assessment">New assessment</h2>
      <ErrorMessage messages={formErrors(create.error, fields)} />
      <Field label="Name" error={fieldError(create.error, "name")}>
        {(props) => <input {...props} value={name} onChange={(event) => setName(event.target.value)} />}
      </Field>
      <Field label="Description" error={fieldError(create.error, "description")}>
        {(props) => (
          <textarea {...props} rows={3} value={description} onChange={(event) => setDescription(event.target.value)} />
        )}
      </Field>
      <div className="row">
        <Field label="Start date" error={fieldError(create.error, "startDate")}>
          {(props) => (
            <input {...props} type="date" value={startDate} onChange={(event) => setStartDate(event.target.value)} />
          )}
        </Field>
        <Field label="End date" error={fieldError(create.error, "endDate")}>
          {(props) => (
            <input {...props} type="date" value={endDate} onChange={(event) => setEndDate(event.target.value)} />
          )}
        </Field>
      </div>
      <div className="actions">
        <button type="submit" disabled={create.isPending}>
          Create assessment
        </button>
      </div>
    </form>
  );
}

const count = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** Reads an "assay.assessment" JSON file and imports it as a new assessment; problems name their path in the document. */
function ImportAssessment({ orgId }: { orgId: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [file, setFile] = useState<File | null>(null);
  const [name, setName] = useState("");
  const [unreadable, setUnreadable] = useState<string | undefined>();
  const fileInput = useRef<HTMLInputElement>(null);
  const importing = useMutation(
    trpc.imports.assessmentJson.mutationOptions({
      onSuccess: async () => {
        setFile(null);
        setName("");
        if (fileInput.current) fileInput.current.value = "";
        await queryClient.invalidateQueries({ queryKey: trpc.assessments.list.queryKey() });
      },
    }),
  );
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setUnreadable(undefined);
    importing.reset();
    if (!file) {
      setUnreadable("Choose an assessment JSON file");
      return;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(await file.text());
    } catch (error) {
      setUnreadable(`The file is not JSON: ${error instanceof Error ? error.message : String(error)}`);
      return;
    }
    importing.mutate({ document: parsed, ...(name.trim() ? { name: name.trim() } : {}) });
  };
  const result = importing.data;
  return (
    <form onSubmit={submit} noValidate aria-labelledby="import-assessment" className="panel">
      <h2 id="import-assessment">Import an assessment</h2>
      <p className="muted">
        A JSON document exported from Assay (Reports and exports › Download JSON) becomes a new assessment; you become
        its lead.
      </p>
      {result ? (
        <div className="notice" role="status">
          <p>
            Imported <Link to={`/orgs/${orgId}/assessments/${result.assessment.id}`}>{result.assessment.name}</Link>:{" "}
            {count(result.created.activities, "activity", "activities")},{" "}
            {count(result.created.groups, "phase", "phases")}, {count(result.created.comments, "comment", "comments")}.
          </p>
          {result.warnings.length > 0 ? (
            <ul>
              {result.warnings.map((w) => (
                <li key={`${w.field}: ${w.message}`}>
                  {w.field}: {w.message}
                </li>
              ))}
            </ul>
          ) : null}
        </div>
      ) : null}
      <ErrorMessage messages={formErrors(importing.error, ["name", "document"])} />
      <div className="row">
        <Field label="Assessment file (JSON)" error={unreadable ?? fieldError(importing.error, "document")}>
          {(props) => (
            <input
              {...props}
              ref={fileInput}
              type="file"
              accept="application/json,.json"
              onChange={(event) => {
                setUnreadable(undefined);
                setFile(event.target.files?.[0] ?? null);
              }}
            />
          )}
        </Field>
        <Field
          label="New name"
          hint="Optional: the document's name by default"
          error={fieldError(importing.error, "name")}
        >
          {(props) => <input {...props} value={name} onChange={(event) => setName(event.target.value)} />}
        </Field>
      </div>
      <div className="actions">
        <button type="submit" disabled={importing.isPending}>
          {importing.isPending ? "Importing…" : "Import assessment"}
        </button>
      </div>
    </form>
  );
}

export default function AssessmentsPage() {
  usePageTitle("Assessments");
  const trpc = useTRPC();
  const { orgId = "" } = useParams();
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const status = (STATUSES as readonly string[]).includes(params.get("status") ?? "")
    ? (params.get("status") as Status)
    : undefined;
  const q = params.get("q") ?? "";
  const page = Math.max(1, Number(params.get("page")) || 1);
  const sort = (SORTS as readonly string[]).includes(params.get("sort") ?? "")
    ? (params.get("sort") as Sort)
    : undefined;
  const from = params.get("from") ?? "";
  const to = params.get("to") ?? "";
  const [search, setSearch] = useState(q);
  const [creating, setCreating] = useState(false);
  const [importOpen, setImportOpen] = useState(false);
  const list = useQuery({
    ...trpc.assessments.list.queryOptions({
      page,
      pageSize: 20,
      ...(status ? { status } : {}),
      ...(q ? { q } : {}),
      ...(sort ? { sort, order: sort === "name" ? ("asc" as const) : ("desc" as const) } : {}),
      ...(from ? { startDate: from } : {}),
      ...(to ? { endDate: to } : {}),
    }),
    placeholderData: keepPreviousData,
  });
  const setFilter = (name: string, value: string) => {
    const next = new URLSearchParams(params);
    if (value) next.set(name, value);
    else next.delete(name);
    if (name !== "page") next.delete("page");
    setParams(next);
  };
  return (
    <>
      <div className="page-head">
        <h1>Assessments</h1>
        <div className="actions head-actions">
          <button type="button" onClick={() => setCreating(!creating)} aria-expanded={creating}>
            {creating ? "Close the form" : "New assessment"}
          </button>
          <button
            type="button"
            className="secondary"
            onClick={() => setImportOpen(!importOpen)}
            aria-expanded={importOpen}
          >
            {importOpen ? "Close the import" : "Import an assessment"}
          </button>
        </div>
      </div>
      {creating ? <CreateAssessment onCreated={(id) => navigate(`/orgs/${orgId}/assessments/${id}`)} /> : null}
      {importOpen ? <ImportAssessment orgId={orgId} /> : null}
      <search>
        <form
          className="filters"
          onSubmit={(event) => {
            event.preventDefault();
            setFilter("q", search.trim());
          }}
        >
          <div className="field">
            <label htmlFor="filter-q">Search</label>
            <input id="filter-q" type="search" value={search} onChange={(event) => setSearch(event.target.value)} />
          </div>
          <div className="field">
            <label htmlFor="filter-status">Status</label>
            <select
              id="filter-status"
              value={status ?? ""}
              onChange={(event) => setFilter("status", event.target.value)}
            >
              <option value="">Any</option>
              {STATUSES.map((s) => (
                <option key={s} value={s}>
                  {s.replace("_", " ")}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor="filter-from">Running from</label>
            <input
              id="filter-from"
              type="date"
              value={from}
              onChange={(event) => setFilter("from", event.target.value)}
            />
          </div>
          <div className="field">
            <label htmlFor="filter-to">to</label>
            <input id="filter-to" type="date" value={to} onChange={(event) => setFilter("to", event.target.value)} />
          </div>
          <div className="field">
            <label htmlFor="filter-sort">Sort by</label>
            <select
              id="filter-sort"
              value={sort ?? "createdAt"}
              onChange={(event) => setFilter("sort", event.target.value)}
            >
              {SORTS.map((s) => (
                <option key={s} value={s}>
                  {SORT_LABELS[s]}
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
        <Loading what="assessments" />
      ) : list.isError ? (
        <ErrorMessage messages={problemsOf(list.error).map((p) => p.message)} />
      ) : list.data.data.length === 0 ? (
        <Empty>
          {q || status || from || to
            ? "No assessment matches these filters."
            : "No assessments yet: create the first one."}
        </Empty>
      ) : (
        <>
          <table className="table">
            <caption className="visually-hidden">Assessments</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Status</th>
                <th scope="col">Your role</th>
                <th scope="col">Dates</th>
              </tr>
            </thead>
            <tbody>
              {list.data.data.map((a) => (
                <tr key={a.id}>
                  <td>
                    <Link to={`/orgs/${orgId}/assessments/${a.id}`}>{a.name}</Link>
                  </td>
                  <td>
                    <StatusBadge status={a.status} />
                  </td>
                  <td>{a.role}</td>
                  <td>
                    {a.startDate ? new Date(a.startDate).toLocaleDateString() : "—"} –{" "}
                    {a.endDate ? new Date(a.endDate).toLocaleDateString() : "—"}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <Pager label="Pages" pagination={list.data.pagination} onPage={(next) => setFilter("page", String(next))} />
        </>
      )}
    </>
  );
}
