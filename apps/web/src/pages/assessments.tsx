/** Assessments of the organization: filters, pages, and a form to create one (you become its lead). */
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { Link, useNavigate, useParams, useSearchParams } from "react-router";
import { fieldError, formErrors, problemsOf, useTRPC } from "../api";
import { Empty, ErrorMessage, Field, Loading, StatusBadge, usePageTitle } from "../components/ui";

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
        <button type="button" onClick={() => setCreating(!creating)} aria-expanded={creating}>
          {creating ? "Close the form" : "New assessment"}
        </button>
      </div>
      {creating ? <CreateAssessment onCreated={(id) => navigate(`/orgs/${orgId}/assessments/${id}`)} /> : null}
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
          <nav aria-label="Pages" className="pager">
            <button
              type="button"
              className="secondary"
              disabled={!list.data.pagination.hasPrev}
              onClick={() => setFilter("page", String(page - 1))}
            >
              Previous
            </button>
            <span>
              Page {list.data.pagination.page} of {Math.max(1, list.data.pagination.totalPages)}
            </span>
            <button
              type="button"
              className="secondary"
              disabled={!list.data.pagination.hasNext}
              onClick={() => setFilter("page", String(page + 1))}
            >
              Next
            </button>
          </nav>
        </>
      )}
    </>
  );
}
