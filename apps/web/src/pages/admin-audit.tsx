/**
 * Administration, the audit log (audit.list): newest first, filtered by event type (exact, or a
 * prefix ending in *), actor, target and time range, in pages; the filters stay in the URL.
 */
import type { RouterOutputs } from "@assay/client";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { Link, useSearchParams } from "react-router";
import { fieldError, formErrors, useTRPC } from "../api";
import { Empty, ErrorMessage, Field, formatDate, Loading, Pager, usePageTitle } from "../components/ui";

type AuditEvent = RouterOutputs["audit"]["list"]["data"][number];

const FIELDS = ["type", "actorId", "targetId", "from", "to"];

/** The account a session event is about (its metadata's userId), if it names one. */
function ownerOf(metadata: unknown): string | undefined {
  const userId = (metadata as { userId?: unknown } | null)?.userId;
  return typeof userId === "string" ? userId : undefined;
}

/** A datetime-local value ("2025-11-04T10:00", the reader's time zone) as an instant, or undefined. */
function instant(local: string): string | undefined {
  const date = new Date(local);
  return local && !Number.isNaN(date.getTime()) ? date.toISOString() : undefined;
}

export default function AuditPage() {
  usePageTitle("Audit log");
  const trpc = useTRPC();
  const [params, setParams] = useSearchParams();
  const filters = {
    type: params.get("type") ?? "",
    actor: params.get("actor") ?? "",
    target: params.get("target") ?? "",
    from: params.get("from") ?? "",
    to: params.get("to") ?? "",
  };
  const page = Math.max(1, Number(params.get("page")) || 1);
  const [draft, setDraft] = useState(filters);
  // Back and forward change the URL under the form: show the filters it now holds.
  const [shownFor, setShownFor] = useState(params.toString());
  if (shownFor !== params.toString()) {
    setShownFor(params.toString());
    setDraft(filters);
  }
  const users = useQuery(trpc.admin.users.list.queryOptions({ pageSize: 100 }));
  const names = new Map(users.data?.data.map((u) => [u.id, `${u.name} (${u.email})`]));
  const from = instant(filters.from);
  const to = instant(filters.to);
  const events = useQuery({
    ...trpc.audit.list.queryOptions({
      page,
      pageSize: 25,
      ...(filters.type ? { type: filters.type } : {}),
      ...(filters.actor ? { actorId: filters.actor } : {}),
      ...(filters.target ? { targetId: filters.target } : {}),
      ...(from ? { from } : {}),
      ...(to ? { to } : {}),
    }),
    placeholderData: keepPreviousData,
  });
  const apply = (next: typeof filters, nextPage = 1) => {
    const search = new URLSearchParams();
    for (const [name, value] of Object.entries(next)) if (value.trim()) search.set(name, value.trim());
    if (nextPage > 1) search.set("page", String(nextPage));
    setParams(search);
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    apply(draft);
  };
  const set = (name: keyof typeof filters) => (event: { target: { value: string } }) =>
    setDraft({ ...draft, [name]: event.target.value });
  const who = (id: string | null) =>
    id === null ? <span className="muted">system</span> : <Link to={`/admin/users/${id}`}>{names.get(id) ?? id}</Link>;
  const target = (e: AuditEvent) => {
    const owner = e.targetType === "session" ? ownerOf(e.metadata) : undefined;
    if (e.targetType === "user" && e.targetId) return <>user {who(e.targetId)}</>;
    if (owner) return <>session of {who(owner)}</>;
    if (!e.targetId) return "—";
    return (
      <>
        {e.targetType ?? "target"} <code className="secret">{e.targetId}</code>
      </>
    );
  };
  const filtered = Object.values(filters).some(Boolean);
  return (
    <>
      <h1>Audit log</h1>
      <search>
        <form className="filters" onSubmit={submit} noValidate aria-label="Filter the audit log">
          <Field label="Event type" error={fieldError(events.error, "type")}>
            {(props) => (
              <input {...props} placeholder="auth.* or session.revoked" value={draft.type} onChange={set("type")} />
            )}
          </Field>
          <Field label="Actor" error={fieldError(events.error, "actorId")}>
            {(props) => (
              <select {...props} value={draft.actor} onChange={set("actor")}>
                <option value="">Anyone</option>
                {draft.actor && !names.has(draft.actor) ? <option value={draft.actor}>{draft.actor}</option> : null}
                {users.data?.data.map((u) => (
                  <option key={u.id} value={u.id}>
                    {u.name} ({u.email})
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field label="Target id" error={fieldError(events.error, "targetId")}>
            {(props) => <input {...props} value={draft.target} onChange={set("target")} />}
          </Field>
          <Field label="From" error={fieldError(events.error, "from")}>
            {(props) => <input {...props} type="datetime-local" value={draft.from} onChange={set("from")} />}
          </Field>
          <Field label="To" error={fieldError(events.error, "to")}>
            {(props) => <input {...props} type="datetime-local" value={draft.to} onChange={set("to")} />}
          </Field>
          <div className="actions">
            <button type="submit" className="secondary">
              Apply
            </button>
            {filtered ? (
              <button
                type="button"
                className="link"
                onClick={() => {
                  const empty = { type: "", actor: "", target: "", from: "", to: "" };
                  setDraft(empty);
                  apply(empty);
                }}
              >
                Clear filters
              </button>
            ) : null}
          </div>
        </form>
      </search>
      {events.isPending ? (
        <Loading what="audit events" />
      ) : events.isError ? (
        <ErrorMessage messages={formErrors(events.error, FIELDS)} />
      ) : events.data.data.length === 0 ? (
        <Empty>{filtered ? "No event matches these filters." : "No events recorded yet."}</Empty>
      ) : (
        <>
          <table className="table compact">
            <caption className="visually-hidden">Audit events ({events.data.pagination.total} in all)</caption>
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Event</th>
                <th scope="col">Actor</th>
                <th scope="col">Target</th>
                <th scope="col">Address</th>
                <th scope="col">Details</th>
              </tr>
            </thead>
            <tbody>
              {events.data.data.map((e) => (
                <tr key={e.id}>
                  <td>{formatDate(e.createdAt)}</td>
                  <td>
                    <code>{e.type}</code>
                  </td>
                  <td>{who(e.actorId)}</td>
                  <td>{target(e)}</td>
                  <td>{e.ip ?? "—"}</td>
                  <td>
                    {e.metadata === null || e.metadata === undefined ? (
                      "—"
                    ) : (
                      <details>
                        <summary>Details</summary>
                        <pre className="json">{JSON.stringify(e.metadata, null, 2)}</pre>
                      </details>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <Pager
            label="Pages"
            pagination={events.data.pagination}
            onPage={(next) => apply(filters, next)}
            previous="Newer"
            next="Older"
          />
        </>
      )}
    </>
  );
}
