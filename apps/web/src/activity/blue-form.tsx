/**
 * The blue team's side of an activity: the outcome (by hand, or derived from the outcomes per
 * defensive control), when and by what it was detected, the alert, notes.
 */
import type { RouterInputs } from "@assay/client";
import { useMutation } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { fieldError, formErrors, useTRPC } from "../api";
import { ErrorMessage, Field } from "../components/ui";
import { ControlOutcomes, type ControlRow, controlOutcomesInput, rowsOf } from "./control-outcomes";
import {
  type Activity,
  fromLocalInput,
  OUTCOMES,
  type Outcome,
  orNull,
  SEVERITIES,
  type Severity,
  toLocalInput,
  useActivityUpdate,
} from "./shared";
import { ChoiceField, DateTimeField, SaveRow } from "./side-fields";

type BlueInput = RouterInputs["activities"]["updateBlue"];

/** Blue's fields, enabled when `editable` (the role and status allow writing them). */
export function BlueForm({ activity, editable }: { activity: Activity; editable: boolean }) {
  const trpc = useTRPC();
  const updated = useActivityUpdate();
  const blue = activity.blue;
  const [outcome, setOutcome] = useState<string>(blue.outcome ?? "");
  const [detectedAt, setDetectedAt] = useState(toLocalInput(blue.detectedAt));
  const [detectionSource, setDetectionSource] = useState(blue.detectionSource ?? "");
  const [alertSeverity, setAlertSeverity] = useState<string>(blue.alertSeverity ?? "");
  const [notifiedAt, setNotifiedAt] = useState(toLocalInput(blue.notifiedAt));
  const [notes, setNotes] = useState(blue.notes);
  const [controls, setControls] = useState<ControlRow[]>(() => rowsOf(activity));
  const save = useMutation(trpc.activities.updateBlue.mutationOptions({ onSuccess: updated }));
  const submit = (event: FormEvent) => {
    event.preventDefault();
    // The outcome and detection time are sent only when blue changed them: sending the derived
    // values back would turn them into values set by hand.
    const controlsChanged = JSON.stringify(controls) !== JSON.stringify(rowsOf(activity));
    const input: BlueInput = {
      id: activity.id,
      ...(outcome === (blue.outcome ?? "") ? {} : { outcome: (outcome || null) as Outcome | null }),
      ...(detectedAt === toLocalInput(blue.detectedAt) ? {} : { detectedAt: fromLocalInput(detectedAt) }),
      detectionSource: orNull(detectionSource),
      alertSeverity: (alertSeverity || null) as Severity | null,
      notifiedAt: fromLocalInput(notifiedAt),
      notes,
      ...(controlsChanged ? { controlOutcomes: controlOutcomesInput(controls) } : {}),
    };
    save.mutate(input);
  };
  const err = (field: string) => fieldError(save.error, field);
  return (
    <form onSubmit={submit} noValidate aria-labelledby="blue-title" className="panel side blue">
      <h2 id="blue-title">Blue team</h2>
      {editable ? null : <p className="muted">Read-only for your role at this stage.</p>}
      <fieldset disabled={!editable}>
        <legend className="visually-hidden">Blue team fields</legend>
        <ErrorMessage
          messages={formErrors(save.error, [
            "outcome",
            "detectedAt",
            "detectionSource",
            "alertSeverity",
            "notifiedAt",
            "notes",
          ])}
        />
        <ChoiceField
          label="Outcome"
          error={err("outcome")}
          value={outcome}
          onChange={setOutcome}
          choices={OUTCOMES}
          emptyLabel={blue.controlOutcomes.length > 0 ? "Follow the controls" : "Not recorded"}
        />
        {blue.controlOutcomes.length > 0 ? (
          <p className="muted">
            {blue.outcomeSetByHand
              ? "Set by hand; choose “Follow the controls” to derive it from the controls again."
              : "Derived from the controls below (the best outcome wins)."}
          </p>
        ) : null}
        <div className="row">
          <DateTimeField label="Detected at" error={err("detectedAt")} value={detectedAt} onChange={setDetectedAt} />
          <Field label="Detection source" error={err("detectionSource")}>
            {(props) => (
              <input {...props} value={detectionSource} onChange={(event) => setDetectionSource(event.target.value)} />
            )}
          </Field>
        </div>
        <div className="row">
          <ChoiceField
            label="Alert severity"
            error={err("alertSeverity")}
            value={alertSeverity}
            onChange={setAlertSeverity}
            choices={SEVERITIES}
            emptyLabel="None"
          />
          <DateTimeField label="Notified at" error={err("notifiedAt")} value={notifiedAt} onChange={setNotifiedAt} />
        </div>
        <Field label="Notes" error={err("notes")}>
          {(props) => <textarea {...props} rows={3} value={notes} onChange={(event) => setNotes(event.target.value)} />}
        </Field>
        <ControlOutcomes rows={controls} onChange={setControls} error={save.error} editable={editable} />
        <SaveRow editable={editable} pending={save.isPending} saved={save.isSuccess} label="Save blue fields" />
      </fieldset>
    </form>
  );
}
