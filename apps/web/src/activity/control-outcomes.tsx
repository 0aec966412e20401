/**
 * Blue's outcome per defensive control (the EDR blocked it, the SIEM alerted, the proxy missed
 * it): one row per control of the organization, edited inside the blue form and sent as
 * activities.updateBlue's controlOutcomes. Unless blue sets the overall outcome by hand, the
 * server derives it from these rows (the best outcome wins, the earliest detection counts).
 */
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { fieldError, useTRPC } from "../api";
import { Field } from "../components/ui";
import { type Activity, fromLocalInput, OUTCOMES, type Outcome, orNull, toLocalInput } from "./shared";
import { ChoiceField, DateTimeField } from "./side-fields";

export interface ControlRow {
  controlId: string;
  controlName: string;
  outcome: string;
  detectedAt: string;
  ruleName: string;
  notes: string;
}

/** The rows of an activity as loaded (local date-times, empty strings for none). */
export function rowsOf(activity: Activity): ControlRow[] {
  return activity.blue.controlOutcomes.map((o) => ({
    controlId: o.controlId,
    controlName: o.controlName,
    outcome: o.outcome,
    detectedAt: toLocalInput(o.detectedAt),
    ruleName: o.ruleName ?? "",
    notes: o.notes,
  }));
}

/** The rows as updateBlue takes them. */
export function controlOutcomesInput(rows: ControlRow[]) {
  return rows.map((row) => ({
    controlId: row.controlId,
    outcome: row.outcome as Outcome,
    detectedAt: fromLocalInput(row.detectedAt),
    ruleName: orNull(row.ruleName),
    notes: row.notes,
  }));
}

/** The editor of `rows`; `error` is the save's error, for messages next to each row's fields. */
export function ControlOutcomes({
  rows,
  onChange,
  error,
  editable,
}: {
  rows: ControlRow[];
  onChange(rows: ControlRow[]): void;
  error: unknown;
  editable: boolean;
}) {
  const trpc = useTRPC();
  const controls = useQuery({ ...trpc.controls.list.queryOptions({ pageSize: 100 }), enabled: editable });
  const [adding, setAdding] = useState("");
  const unused = (controls.data?.data ?? []).filter((c) => !rows.some((r) => r.controlId === c.id));
  const set = (index: number, patch: Partial<ControlRow>) =>
    onChange(rows.map((row, i) => (i === index ? { ...row, ...patch } : row)));
  const add = () => {
    const control = unused.find((c) => c.id === adding);
    if (!control) return;
    onChange([
      ...rows,
      { controlId: control.id, controlName: control.name, outcome: "alerted", detectedAt: "", ruleName: "", notes: "" },
    ]);
    setAdding("");
  };
  return (
    <fieldset className="control-outcomes">
      <legend>Per defensive control</legend>
      {rows.length === 0 ? <p className="muted">No control recorded.</p> : null}
      {rows.map((row, index) => {
        const err = (field: string) => fieldError(error, `controlOutcomes.${index}.${field}`);
        return (
          <fieldset key={row.controlId} className="control-row">
            <legend>{row.controlName}</legend>
            <div className="row">
              <ChoiceField
                label={`Outcome (${row.controlName})`}
                error={err("outcome")}
                value={row.outcome}
                onChange={(outcome) => set(index, { outcome })}
                choices={OUTCOMES}
                emptyLabel="Choose…"
              />
              <DateTimeField
                label={`Detected at (${row.controlName})`}
                error={err("detectedAt")}
                value={row.detectedAt}
                onChange={(detectedAt) => set(index, { detectedAt })}
              />
              <Field label={`Rule (${row.controlName})`} error={err("ruleName")}>
                {(props) => (
                  <input
                    {...props}
                    value={row.ruleName}
                    onChange={(event) => set(index, { ruleName: event.target.value })}
                  />
                )}
              </Field>
            </div>
            {editable ? (
              <button type="button" className="secondary" onClick={() => onChange(rows.filter((_, i) => i !== index))}>
                Remove {row.controlName}
              </button>
            ) : null}
          </fieldset>
        );
      })}
      {editable ? (
        controls.data && unused.length === 0 && rows.length === 0 ? (
          <p className="muted">The organization has no defensive controls yet.</p>
        ) : unused.length > 0 ? (
          <div className="row">
            <Field label="Control" error={undefined}>
              {(props) => (
                <select {...props} value={adding} onChange={(event) => setAdding(event.target.value)}>
                  <option value="">Choose a control…</option>
                  {unused.map((c) => (
                    <option key={c.id} value={c.id}>
                      {c.name} ({c.kind})
                    </option>
                  ))}
                </select>
              )}
            </Field>
            <button type="button" className="secondary" disabled={!adding} onClick={add}>
              Add control
            </button>
          </div>
        ) : null
      ) : null}
    </fieldset>
  );
}
