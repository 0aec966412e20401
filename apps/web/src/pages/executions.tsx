/**
 * Executions: start a tool, list what ran, and follow one live (the executions.stream
 * subscription over Server-Sent Events, resuming after the last chunk on reconnect).
 */
import type { RouterOutputs } from "@assay/client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useSubscription } from "@trpc/tanstack-react-query";
import { type FormEvent, useState } from "react";
import { Link, useParams, useSearchParams } from "react-router";
import { fieldError, formErrors, problemsOf, useTRPC } from "../api";
import { Empty, ErrorMessage, Field, formatDate, Loading, StatusBadge, usePageTitle } from "../components/ui";

type Execution = RouterOutputs["executions"]["get"];
const FINAL = new Set(["completed", "failed", "cancelled", "timed_out"]);

function RunTool({ onStarted }: { onStarted: (id: string) => void }) {
  const trpc = useTRPC();
  const tools = useQuery(trpc.tools.list.queryOptions({ pageSize: 100 }));
  const [toolId, setToolId] = useState("");
  const [parameters, setParameters] = useState("{}");
  const [parseError, setParseError] = useState<string | undefined>();
  const start = useMutation(trpc.executions.start.mutationOptions({ onSuccess: (started) => onStarted(started.id) }));
  const submit = (event: FormEvent) => {
    event.preventDefault();
    let parsed: unknown;
    try {
      parsed = JSON.parse(parameters || "{}");
    } catch {
      setParseError("must be a JSON object");
      return;
    }
    setParseError(undefined);
    start.mutate({ toolId, parameters: parsed as Record<string, string> });
  };
  return (
    <form onSubmit={submit} noValidate aria-labelledby="run-title" className="panel">
      <h2 id="run-title">Run a tool</h2>
      <ErrorMessage messages={formErrors(start.error, ["toolId", "parameters"])} />
      <div className="row">
        <Field label="Tool" error={fieldError(start.error, "toolId")}>
          {(props) => (
            <select {...props} value={toolId} onChange={(event) => setToolId(event.target.value)}>
              <option value="">Choose a tool…</option>
              {tools.data?.data.map((tool) => (
                <option key={tool.id} value={tool.id}>
                  {tool.name}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field
          label="Parameters (JSON)"
          hint='e.g. {"script": "whoami"}'
          error={parseError ?? fieldError(start.error, "parameters")}
        >
          {(props) => <input {...props} value={parameters} onChange={(event) => setParameters(event.target.value)} />}
        </Field>
      </div>
      <div className="actions">
        <button type="submit" disabled={start.isPending || !toolId}>
          Run
        </button>
      </div>
    </form>
  );
}

function LiveOutput({ execution }: { execution: Execution }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [text, setText] = useState("");
  const [final, setFinal] = useState<Execution | null>(null);
  const sub = useSubscription(
    trpc.executions.stream.subscriptionOptions(
      { id: execution.id },
      {
        onData: (event) => {
          const payload = "data" in event && "id" in event ? event.data : event;
          if (payload.kind === "output") setText((current) => current + payload.data);
          else {
            setFinal(payload.execution);
            void queryClient.invalidateQueries({ queryKey: trpc.executions.list.queryKey() });
          }
        },
      },
    ),
  );
  const shown = final ?? execution;
  return (
    <section aria-labelledby="output-title" className="panel">
      <h2 id="output-title">
        {shown.toolName} <StatusBadge status={shown.status} />
      </h2>
      <p className="muted">
        <code>{shown.command}</code> · exit code {shown.exitCode ?? "—"} · started {formatDate(shown.startedAt)}
      </p>
      {shown.error ? <ErrorMessage messages={[shown.error]} /> : null}
      <pre className="output" role="log" aria-label="Output">
        {text || (FINAL.has(shown.status) ? "(no output)" : "Waiting for output…")}
      </pre>
      {sub.error ? <ErrorMessage messages={[sub.error.message]} /> : null}
    </section>
  );
}

export default function ExecutionsPage() {
  usePageTitle("Executions");
  const trpc = useTRPC();
  const { orgId = "" } = useParams();
  const [params, setParams] = useSearchParams();
  const selected = params.get("id") ?? "";
  const list = useQuery({
    ...trpc.executions.list.queryOptions({ pageSize: 50 }),
    refetchInterval: (query) => (query.state.data?.data.some((e) => !FINAL.has(e.status)) ? 3000 : false),
  });
  const current = useQuery({ ...trpc.executions.get.queryOptions({ id: selected }), enabled: !!selected });
  return (
    <>
      <h1>Executions</h1>
      <RunTool onStarted={(id) => setParams({ id })} />
      {selected ? (
        current.isPending ? (
          <Loading what="the execution" />
        ) : current.isError ? (
          <ErrorMessage messages={problemsOf(current.error).map((p) => p.message)} />
        ) : (
          <LiveOutput key={current.data.id} execution={current.data} />
        )
      ) : null}
      <section aria-labelledby="history-title">
        <h2 id="history-title">Recent executions</h2>
        {list.isPending ? (
          <Loading what="executions" />
        ) : list.isError ? (
          <ErrorMessage messages={problemsOf(list.error).map((p) => p.message)} />
        ) : list.data.data.length === 0 ? (
          <Empty>Nothing has run yet.</Empty>
        ) : (
          <table className="table">
            <caption className="visually-hidden">Recent executions</caption>
            <thead>
              <tr>
                <th scope="col">Tool</th>
                <th scope="col">Status</th>
                <th scope="col">Command</th>
                <th scope="col">Created</th>
                <th scope="col">Activity</th>
              </tr>
            </thead>
            <tbody>
              {list.data.data.map((e) => (
                <tr key={e.id}>
                  <td>
                    <Link to={`?id=${e.id}`} aria-current={e.id === selected ? "true" : undefined}>
                      {e.toolName}
                    </Link>
                  </td>
                  <td>
                    <StatusBadge status={e.status} />
                  </td>
                  <td>
                    <code>{e.command}</code>
                  </td>
                  <td>{formatDate(e.createdAt)}</td>
                  <td>{e.activityId ? <Link to={`/orgs/${orgId}/activities/${e.activityId}`}>Open</Link> : "—"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </>
  );
}
