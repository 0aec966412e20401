/**
 * The lead's settings of an assessment on its board: its status (planned, in progress,
 * completed, archived — archived ones leave the default list), what ingested alerts may do
 * (alertMatching: auto, suggest, off) and a copy of it (assessments.clone, optionally with
 * results), after which a link opens the copy's board.
 */
import type { RouterOutputs } from "@assay/client";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { Link } from "react-router";
import { fieldError, formErrors, useTRPC } from "../api";
import { ErrorMessage, Field } from "../components/ui";

type Assessment = RouterOutputs["assessments"]["get"];

const STATUSES = [
  ["planned", "Planned"],
  ["in_progress", "In progress"],
  ["completed", "Completed"],
  ["archived", "Archived"],
] as const;
const MATCHING = [
  ["suggest", "Suggest: blue accepts or rejects each match"],
  ["auto", "Automatic: matches fill the control outcomes"],
  ["off", "Off: alerts are stored, never matched"],
] as const;

function Settings({ assessment }: { assessment: Assessment }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [status, setStatus] = useState<string>(assessment.status);
  const [matching, setMatching] = useState<string>(assessment.alertMatching);
  const update = useMutation(
    trpc.assessments.update.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.assessments.pathKey() }),
    }),
  );
  const submit = (event: FormEvent) => {
    event.preventDefault();
    update.mutate({
      id: assessment.id,
      status: status as Assessment["status"],
      alertMatching: matching as Assessment["alertMatching"],
    });
  };
  return (
    <form onSubmit={submit} noValidate aria-label="Assessment settings">
      <ErrorMessage messages={formErrors(update.error, ["status", "alertMatching"])} />
      <Field label="Status" error={fieldError(update.error, "status")}>
        {(props) => (
          <select {...props} value={status} onChange={(event) => setStatus(event.target.value)}>
            {STATUSES.map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field label="Alert matching" error={fieldError(update.error, "alertMatching")}>
        {(props) => (
          <select {...props} value={matching} onChange={(event) => setMatching(event.target.value)}>
            {MATCHING.map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        )}
      </Field>
      <div className="actions">
        <button type="submit" disabled={update.isPending}>
          {update.isPending ? "Saving…" : "Save settings"}
        </button>
        {update.isSuccess && !update.isPending ? <span role="status">Saved.</span> : null}
      </div>
    </form>
  );
}

function CloneForm({ assessment, orgId }: { assessment: Assessment; orgId: string }) {
  const trpc = useTRPC();
  const [name, setName] = useState(`${assessment.name} (copy)`);
  const [withResults, setWithResults] = useState(false);
  const clone = useMutation(trpc.assessments.clone.mutationOptions());
  const submit = (event: FormEvent) => {
    event.preventDefault();
    clone.mutate({ id: assessment.id, name: name.trim(), withResults });
  };
  return (
    <form onSubmit={submit} noValidate aria-label="Copy the assessment">
      <ErrorMessage messages={formErrors(clone.error, ["name"])} />
      <Field label="Name of the copy" error={fieldError(clone.error, "name")}>
        {(props) => <input {...props} value={name} onChange={(event) => setName(event.target.value)} required />}
      </Field>
      <label className="check">
        <input type="checkbox" checked={withResults} onChange={(event) => setWithResults(event.target.checked)} /> Copy
        the results too (red and blue fields, evaluations, statuses)
      </label>
      <div className="actions">
        <button type="submit" disabled={clone.isPending}>
          {clone.isPending ? "Copying…" : "Copy the assessment"}
        </button>
      </div>
      {clone.data ? (
        <p role="status">
          Copied: <Link to={`/orgs/${orgId}/assessments/${clone.data.id}`}>{clone.data.name}</Link>
        </p>
      ) : null}
    </form>
  );
}

/** The lead's settings and copy forms, folded away until opened. */
export function AssessmentSettings({ assessment, orgId }: { assessment: Assessment; orgId: string }) {
  return (
    <details className="assessment-settings">
      <summary>Settings and copy</summary>
      <Settings assessment={assessment} />
      <CloneForm assessment={assessment} orgId={orgId} />
    </details>
  );
}
