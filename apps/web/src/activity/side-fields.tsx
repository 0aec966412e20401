/** Field kinds the red and blue forms share: a date-time, a choice among values, and the save row. */
import { Field } from "../components/ui";

interface FieldBase {
  label: string;
  error: string | undefined;
  value: string;
  onChange(value: string): void;
}

/** A `datetime-local` input (local time; the form converts it to ISO 8601). */
export function DateTimeField({ label, error, value, onChange }: FieldBase) {
  return (
    <Field label={label} error={error}>
      {(props) => (
        <input {...props} type="datetime-local" value={value} onChange={(event) => onChange(event.target.value)} />
      )}
    </Field>
  );
}

/** A select over `choices`, with `emptyLabel` for "none". */
export function ChoiceField({
  label,
  error,
  value,
  onChange,
  choices,
  emptyLabel,
}: FieldBase & { choices: readonly string[]; emptyLabel: string }) {
  return (
    <Field label={label} error={error}>
      {(props) => (
        <select {...props} value={value} onChange={(event) => onChange(event.target.value)}>
          <option value="">{emptyLabel}</option>
          {choices.map((choice) => (
            <option key={choice} value={choice}>
              {choice.replace("_", " ")}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}

/** The save button and its "Saved" status, shown only to those who may write the side. */
export function SaveRow({
  editable,
  pending,
  saved,
  label,
}: {
  editable: boolean;
  pending: boolean;
  saved: boolean;
  label: string;
}) {
  if (!editable) return null;
  return (
    <div className="actions">
      <button type="submit" disabled={pending}>
        {label}
      </button>
      {saved ? (
        <span role="status" className="saved">
          Saved
        </span>
      ) : null}
    </div>
  );
}
