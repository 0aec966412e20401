/** Small accessible building blocks: labelled fields with their API error, states, alerts. */
import { type ReactNode, useEffect, useId } from "react";

/** Names the browser tab after the page (screen readers announce it on navigation). */
export function usePageTitle(title: string): void {
  useEffect(() => {
    document.title = title ? `${title} · Assay` : "Assay";
  }, [title]);
}

interface FieldProps {
  label: string;
  error?: string | undefined;
  hint?: string;
  children: (props: { id: string; "aria-invalid"?: true; "aria-describedby"?: string }) => ReactNode;
}

/** A label, a control, and the API's message for it right below. */
export function Field({ label, error, hint, children }: FieldProps) {
  const id = useId();
  const describedBy = [hint ? `${id}-hint` : null, error ? `${id}-error` : null].filter(Boolean).join(" ");
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {children({
        id,
        ...(error ? { "aria-invalid": true as const } : {}),
        ...(describedBy ? { "aria-describedby": describedBy } : {}),
      })}
      {hint ? (
        <p className="hint" id={`${id}-hint`}>
          {hint}
        </p>
      ) : null}
      {error ? (
        <p className="field-error" id={`${id}-error`}>
          {error}
        </p>
      ) : null}
    </div>
  );
}

/** A polite live status while `what` loads. */
export function Loading({ what }: { what: string }) {
  return (
    <p className="state" role="status" aria-live="polite">
      Loading {what}…
    </p>
  );
}

/** What a list says when it has nothing to show. */
export function Empty({ children }: { children: ReactNode }) {
  return <p className="state empty">{children}</p>;
}

/** Messages that are not about one field, announced as an alert. */
export function ErrorMessage({ messages }: { messages: readonly string[] }) {
  if (messages.length === 0) return null;
  return (
    <div className="alert" role="alert">
      {messages.map((message) => (
        <p key={message}>{message}</p>
      ))}
    </div>
  );
}

/** A status (workflow, evaluation, key...) as a small coloured label. */
export function StatusBadge({ status }: { status: string }) {
  return <span className={`badge badge-${status}`}>{status.replace(/_/g, " ")}</span>;
}

/** A date-time in the reader's locale, or a dash. */
export function formatDate(value: string | null | undefined): string {
  return value ? new Date(value).toLocaleString() : "—";
}

/** What a paged list answers about its pages. */
export interface PageInfo {
  page: number;
  totalPages: number;
  hasPrev: boolean;
  hasNext: boolean;
}

/** Previous / "Page N of M" / Next under a paged list (newest-first lists say Newer / Older); `onPage` gets the page to show. */
export function Pager({
  label,
  pagination,
  onPage,
  previous = "Previous",
  next = "Next",
}: {
  label: string;
  pagination: PageInfo;
  onPage: (page: number) => void;
  previous?: string;
  next?: string;
}) {
  return (
    <nav aria-label={label} className="pager">
      <button
        type="button"
        className="secondary"
        disabled={!pagination.hasPrev}
        onClick={() => onPage(pagination.page - 1)}
      >
        {previous}
      </button>
      <span>
        Page {pagination.page} of {Math.max(1, pagination.totalPages)}
      </span>
      <button
        type="button"
        className="secondary"
        disabled={!pagination.hasNext}
        onClick={() => onPage(pagination.page + 1)}
      >
        {next}
      </button>
    </nav>
  );
}

/** The Revoke button of one signed-in session, named after its device and sign-in time for screen readers. */
export function RevokeSessionButton({
  session,
  pending,
  onRevoke,
}: {
  session: { device: string; createdAt: string };
  pending: boolean;
  onRevoke(): void;
}) {
  return (
    <button
      type="button"
      className="secondary"
      disabled={pending}
      onClick={onRevoke}
      aria-label={`Revoke the session of ${session.device}, signed in ${formatDate(session.createdAt)}`}
    >
      Revoke
    </button>
  );
}

/** The account's email address (the sign-in name browsers and password managers fill in). */
export function EmailField({
  value,
  onChange,
  error,
}: {
  value: string;
  onChange(value: string): void;
  error: string | undefined;
}) {
  return (
    <Field label="Email" error={error}>
      {(props) => (
        <input
          {...props}
          type="email"
          name="email"
          autoComplete="username"
          value={value}
          onChange={(event) => onChange(event.target.value)}
          required
        />
      )}
    </Field>
  );
}
