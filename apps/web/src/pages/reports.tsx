/**
 * An assessment's reports and exports. Reports: generate one (format, and a report template of
 * the organization or a global one, or the built-in default), the list with each one's status
 * (polled while one is pending or running), download a completed one, delete. Exports: the
 * assessment as JSON, its activities as CSV, an ATT&CK Navigator layer, each saved as a file.
 */
import type { RouterInputs, RouterOutputs } from "@assay/client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { Link, useParams } from "react-router";
import { fieldError, formErrors, problemsOf, useTRPC, useTRPCClient } from "../api";
import { Empty, ErrorMessage, Field, formatDate, Loading, StatusBadge, usePageTitle } from "../components/ui";
import { fetchBlob, fileNameOf, formatBytes, saveBlob, saveText } from "../files";

type Format = RouterInputs["reports"]["generate"]["format"];
type Report = RouterOutputs["reports"]["list"]["data"][number];
const FORMATS: { value: Format; label: string }[] = [
  { value: "html", label: "HTML" },
  { value: "docx", label: "Word (DOCX)" },
  { value: "pdf", label: "PDF" },
];
const UNFINISHED = new Set<Report["status"]>(["pending", "running"]);
/** How often the list is read again while a report is being generated. */
const POLL_MS = 1500;

function GenerateReport({ assessmentId }: { assessmentId: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const templates = useQuery(trpc.templates.report.list.queryOptions({ pageSize: 100 }));
  const [format, setFormat] = useState<Format>("html");
  const [templateId, setTemplateId] = useState("");
  const generate = useMutation(
    trpc.reports.generate.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.reports.list.queryKey() }),
    }),
  );
  const submit = (event: FormEvent) => {
    event.preventDefault();
    generate.mutate({ assessmentId, format, ...(templateId ? { templateId } : {}) });
  };
  return (
    <form noValidate onSubmit={submit} aria-labelledby="generate-title">
      <h3 id="generate-title">Generate a report</h3>
      <ErrorMessage messages={formErrors(generate.error, ["format", "templateId"])} />
      <div className="inline-form">
        <Field label="Format" error={fieldError(generate.error, "format")}>
          {(props) => (
            <select {...props} value={format} onChange={(event) => setFormat(event.target.value as Format)}>
              {FORMATS.map((f) => (
                <option key={f.value} value={f.value}>
                  {f.label}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field
          label="Template"
          error={
            fieldError(generate.error, "templateId") ??
            (templates.isError ? "The templates could not be loaded" : undefined)
          }
        >
          {(props) => (
            <select
              {...props}
              value={templateId}
              onChange={(event) => setTemplateId(event.target.value)}
              disabled={templates.isPending}
            >
              <option value="">{templates.isPending ? "Loading templates…" : "Built-in default"}</option>
              {templates.data?.data.map((t) => (
                <option key={t.id} value={t.id}>
                  {t.name} ({t.format}, {t.scope === "global" ? "global" : "this organization"})
                </option>
              ))}
            </select>
          )}
        </Field>
        <button type="submit" disabled={generate.isPending}>
          Generate report
        </button>
      </div>
    </form>
  );
}

function ReportList({ assessmentId, orgId }: { assessmentId: string; orgId: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const reports = useQuery({
    ...trpc.reports.list.queryOptions({ assessmentId, pageSize: 50 }),
    refetchInterval: (query) => (query.state.data?.data.some((r) => UNFINISHED.has(r.status)) ? POLL_MS : false),
  });
  const remove = useMutation(
    trpc.reports.delete.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.reports.list.queryKey() }),
    }),
  );
  const download = useMutation({
    mutationFn: async (report: Report) => saveBlob(await fetchBlob(report.downloadPath, orgId), report.fileName),
  });
  if (reports.isPending) return <Loading what="reports" />;
  if (reports.isError) return <ErrorMessage messages={problemsOf(reports.error).map((p) => p.message)} />;
  if (reports.data.data.length === 0) return <Empty>No reports yet: generate the first one below.</Empty>;
  return (
    <>
      <div className="table-scroll">
        <table className="table">
          <caption className="visually-hidden">Reports, newest first</caption>
          <thead>
            <tr>
              <th scope="col">Requested</th>
              <th scope="col">Format</th>
              <th scope="col">Status</th>
              <th scope="col">Size</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {reports.data.data.map((r) => (
              <tr key={r.id}>
                <td>{formatDate(r.createdAt)}</td>
                <td>{r.format.toUpperCase()}</td>
                <td>
                  <StatusBadge status={r.status} />
                  {r.status === "failed" && r.error ? <p className="field-error">{r.error}</p> : null}
                </td>
                <td>{formatBytes(r.sizeBytes)}</td>
                <td className="actions">
                  {r.status === "completed" ? (
                    <button
                      type="button"
                      disabled={download.isPending && download.variables?.id === r.id}
                      onClick={() => download.mutate(r)}
                      aria-label={`Download the ${r.format.toUpperCase()} report of ${formatDate(r.createdAt)}`}
                    >
                      Download
                    </button>
                  ) : null}
                  <button
                    type="button"
                    className="secondary"
                    disabled={remove.isPending && remove.variables?.id === r.id}
                    onClick={() => remove.mutate({ id: r.id })}
                    aria-label={`Delete the ${r.format.toUpperCase()} report of ${formatDate(r.createdAt)}`}
                  >
                    Delete
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {reports.data.data.some((r) => UNFINISHED.has(r.status)) ? (
        <p className="muted" role="status">
          Generating… the list refreshes by itself.
        </p>
      ) : null}
      <ErrorMessage messages={[...formErrors(download.error, []), ...formErrors(remove.error, [])]} />
    </>
  );
}

type ExportKind = "json" | "csv" | "layer";

function Exports({ assessmentId, name }: { assessmentId: string; name: string }) {
  const client = useTRPCClient();
  const save = useMutation({
    mutationFn: async (kind: ExportKind) => {
      if (kind === "csv") {
        const file = await client.exports.activitiesCsv.query({ assessmentId });
        saveText(file.content, file.filename, file.contentType);
      } else if (kind === "json") {
        const exported = await client.exports.assessmentJson.query({ assessmentId });
        saveText(JSON.stringify(exported, null, 2), fileNameOf(name, "assessment.json"), "application/json");
      } else {
        const layer = await client.exports.navigatorLayer.query({ assessmentId });
        saveText(JSON.stringify(layer, null, 2), fileNameOf(layer.name, "navigator-layer.json"), "application/json");
      }
    },
  });
  const button = (kind: ExportKind, label: string) => (
    <button
      type="button"
      className="secondary"
      disabled={save.isPending && save.variables === kind}
      onClick={() => save.mutate(kind)}
    >
      {label}
    </button>
  );
  return (
    <section aria-labelledby="exports-title" className="panel">
      <h2 id="exports-title">Exports</h2>
      <p className="muted">
        The whole assessment as a JSON document (the assessments page imports it back), its activities as CSV, or an
        ATT&CK Navigator layer scored by outcome.
      </p>
      <div className="actions">
        {button("json", "Download JSON")}
        {button("csv", "Download CSV")}
        {button("layer", "Download ATT&CK Navigator layer")}
      </div>
      <ErrorMessage messages={formErrors(save.error, [])} />
    </section>
  );
}

export default function ReportsPage() {
  const trpc = useTRPC();
  const { orgId = "", assessmentId = "" } = useParams();
  const assessment = useQuery(trpc.assessments.get.queryOptions({ id: assessmentId }));
  usePageTitle(assessment.data ? `Reports · ${assessment.data.name}` : "Reports");
  if (assessment.isPending) return <Loading what="the assessment" />;
  if (assessment.isError) {
    return (
      <>
        <h1>Reports and exports</h1>
        <ErrorMessage messages={problemsOf(assessment.error).map((p) => p.message)} />
      </>
    );
  }
  const a = assessment.data;
  return (
    <>
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <Link to={`/orgs/${orgId}/assessments`}>Assessments</Link> /{" "}
        <Link to={`/orgs/${orgId}/assessments/${a.id}`}>{a.name}</Link> / <span aria-current="page">Reports</span>
      </nav>
      <h1>Reports and exports</h1>
      <p className="muted">
        {a.name} · your role: <strong>{a.role}</strong>
      </p>
      <section aria-labelledby="reports-title" className="panel">
        <h2 id="reports-title">Reports</h2>
        <ReportList assessmentId={a.id} orgId={orgId} />
        <GenerateReport assessmentId={a.id} />
      </section>
      <Exports assessmentId={a.id} name={a.name} />
    </>
  );
}
