/** The red team's side of an activity: what was run, when, from where, against what, and what defence was expected. */
import type { RouterInputs } from "@assay/client";
import { useMutation } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { fieldError, formErrors, useTRPC } from "../api";
import { ErrorMessage, Field } from "../components/ui";
import {
  type Activity,
  fromLocalInput,
  orNull,
  SEVERITIES,
  type Severity,
  toLocalInput,
  useActivityUpdate,
} from "./shared";
import { ChoiceField, DateTimeField, SaveRow } from "./side-fields";

type RedInput = RouterInputs["activities"]["updateRed"];

/** Red's fields, enabled when `editable` (the role and status allow writing them). */
export function RedForm({ activity, editable }: { activity: Activity; editable: boolean }) {
  const trpc = useTRPC();
  const updated = useActivityUpdate();
  const red = activity.red;
  const [command, setCommand] = useState(red.command ?? "");
  const [executedAt, setExecutedAt] = useState(toLocalInput(red.executedAt));
  const [executedBy, setExecutedBy] = useState(red.executedBy ?? "");
  const [source, setSource] = useState(red.source ?? "");
  const [target, setTarget] = useState(red.target ?? "");
  const [expect, setExpect] = useState(red.expectations);
  const save = useMutation(trpc.activities.updateRed.mutationOptions({ onSuccess: updated }));
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const input: RedInput = {
      id: activity.id,
      command: orNull(command),
      executedAt: fromLocalInput(executedAt),
      executedBy: orNull(executedBy),
      source: orNull(source),
      target: orNull(target),
      expectations: expect,
    };
    save.mutate(input);
  };
  const err = (field: string) => fieldError(save.error, field);
  const check = (key: "logged" | "prevented" | "alerted" | "notified", label: string) => (
    <label className="check">
      <input
        type="checkbox"
        checked={expect[key]}
        onChange={(event) => setExpect({ ...expect, [key]: event.target.checked })}
      />
      {label}
    </label>
  );
  return (
    <form onSubmit={submit} noValidate aria-labelledby="red-title" className="panel side red">
      <h2 id="red-title">Red team</h2>
      {editable ? null : <p className="muted">Read-only for your role at this stage.</p>}
      <fieldset disabled={!editable}>
        <legend className="visually-hidden">Red team fields</legend>
        <ErrorMessage
          messages={formErrors(save.error, ["command", "executedAt", "executedBy", "source", "target", "expectations"])}
        />
        <Field label="Command" error={err("command")}>
          {(props) => (
            <textarea {...props} rows={3} value={command} onChange={(event) => setCommand(event.target.value)} />
          )}
        </Field>
        <div className="row">
          <DateTimeField label="Executed at" error={err("executedAt")} value={executedAt} onChange={setExecutedAt} />
          <Field label="Executed by" error={err("executedBy")}>
            {(props) => <input {...props} value={executedBy} onChange={(event) => setExecutedBy(event.target.value)} />}
          </Field>
        </div>
        <div className="row">
          <Field label="Source" error={err("source")}>
            {(props) => <input {...props} value={source} onChange={(event) => setSource(event.target.value)} />}
          </Field>
          <Field label="Target" error={err("target")}>
            {(props) => <input {...props} value={target} onChange={(event) => setTarget(event.target.value)} />}
          </Field>
        </div>
        <fieldset className="expectations">
          <legend>Expected defence</legend>
          {check("prevented", "Prevented")}
          {check("alerted", "Alerted")}
          {check("logged", "Logged")}
          {check("notified", "Stakeholder notified")}
          <ChoiceField
            label="Expected severity"
            error={err("expectedSeverity")}
            value={expect.expectedSeverity ?? ""}
            onChange={(value) => setExpect({ ...expect, expectedSeverity: (value || null) as Severity | null })}
            choices={SEVERITIES}
            emptyLabel="None"
          />
        </fieldset>
        <SaveRow editable={editable} pending={save.isPending} saved={save.isSuccess} label="Save red fields" />
      </fieldset>
    </form>
  );
}
