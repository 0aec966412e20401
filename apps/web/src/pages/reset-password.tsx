/**
 * The page the password-reset mail links to (/reset-password?token=…), open without a session:
 * a new password, typed twice, set through auth.resetPassword (the policy's refusal shows next
 * to the field), then a link to sign in with it.
 */
import { useMutation } from "@tanstack/react-query";
import { type FormEvent, type ReactNode, useState } from "react";
import { Link, useSearchParams } from "react-router";
import { fieldError, formErrors, problemsOf, useTRPC } from "../api";
import { ErrorMessage, Field, usePageTitle } from "../components/ui";

/** A link's token: 43 base64url characters (the server's randomToken). */
const LINK_TOKEN = /^[\w-]{43}$/;
const FIELDS = ["newPassword", "token"];

export default function ResetPasswordPage() {
  usePageTitle("Reset your password");
  const trpc = useTRPC();
  const [search] = useSearchParams();
  const token = search.get("token") ?? "";
  const [newPassword, setNewPassword] = useState("");
  const [confirmPassword, setConfirmPassword] = useState("");
  const [differ, setDiffer] = useState(false);
  const reset = useMutation(trpc.auth.resetPassword.mutationOptions());
  // A spent, expired or unknown link cannot be retried; a refused password can.
  const linkProblem = problemsOf(reset.error).find((p) => p.field === "token")?.message;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const same = newPassword === confirmPassword;
    setDiffer(!same);
    if (same) reset.mutate({ token, newPassword });
  };
  let body: ReactNode;
  if (!LINK_TOKEN.test(token)) {
    body = <ErrorMessage messages={["This reset link is incomplete or damaged."]} />;
  } else if (reset.isSuccess) {
    body = (
      <>
        <p role="status">Your password was changed and every session was signed out. Sign in with the new password.</p>
        <p>
          <Link to="/sign-in">Sign in</Link>
        </p>
      </>
    );
  } else if (linkProblem) {
    body = <ErrorMessage messages={[linkProblem]} />;
  } else {
    body = (
      <form onSubmit={submit} noValidate>
        <p>Choose a new password for your Assay account. Every device signed in to it will be signed out.</p>
        <ErrorMessage messages={formErrors(reset.error, FIELDS)} />
        <Field
          label="New password"
          hint="12 characters or more, hard to guess (a few unrelated words work well)."
          error={fieldError(reset.error, "newPassword")}
        >
          {(props) => (
            <input
              {...props}
              type="password"
              name="newPassword"
              autoComplete="new-password"
              value={newPassword}
              onChange={(event) => setNewPassword(event.target.value)}
              required
            />
          )}
        </Field>
        <Field label="The same again" error={differ ? "The two passwords differ; type the same one twice." : undefined}>
          {(props) => (
            <input
              {...props}
              type="password"
              name="confirmPassword"
              autoComplete="new-password"
              value={confirmPassword}
              onChange={(event) => setConfirmPassword(event.target.value)}
              required
            />
          )}
        </Field>
        <div className="actions">
          <button type="submit" disabled={reset.isPending}>
            {reset.isPending ? "Setting the password…" : "Set the new password"}
          </button>
        </div>
      </form>
    );
  }
  return (
    <main id="main" className="sign-in">
      <div className="card">
        <h1>Reset your password</h1>
        {body}
        {!reset.isSuccess && (linkProblem || !LINK_TOKEN.test(token)) ? (
          <p className="muted">
            <Link to="/forgot-password">Request a new reset link</Link>, or <Link to="/sign-in">sign in</Link> if you
            remember your password.
          </p>
        ) : null}
      </div>
    </main>
  );
}
