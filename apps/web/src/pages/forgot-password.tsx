/**
 * "Forgot your password?" (/forgot-password, open without a session): asks auth.requestPasswordReset
 * to mail a reset link. The answer is the same whether or not the address has an account, so
 * the page never tells which addresses exist.
 */
import { useMutation } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { Link } from "react-router";
import { fieldError, formErrors, useTRPC } from "../api";
import { EmailField, ErrorMessage, usePageTitle } from "../components/ui";

export default function ForgotPasswordPage() {
  usePageTitle("Forgot your password?");
  const trpc = useTRPC();
  const [email, setEmail] = useState("");
  const request = useMutation(trpc.auth.requestPasswordReset.mutationOptions());
  const submit = (event: FormEvent) => {
    event.preventDefault();
    request.mutate({ email: email.trim() });
  };
  return (
    <main id="main" className="sign-in">
      <div className="card">
        <h1>Forgot your password?</h1>
        {request.isSuccess ? (
          <p role="status">
            If an account uses {email.trim()}, a mail with a reset link is on its way. The link works once and expires
            soon.
          </p>
        ) : (
          <form onSubmit={submit} noValidate>
            <p>Type the email address of your account; we mail you a link to choose a new password.</p>
            <ErrorMessage messages={formErrors(request.error, ["email"])} />
            <EmailField value={email} onChange={setEmail} error={fieldError(request.error, "email")} />
            <div className="actions">
              <button type="submit" disabled={request.isPending}>
                {request.isPending ? "Sending…" : "Mail me a reset link"}
              </button>
            </div>
          </form>
        )}
        <p className="muted">
          <Link to="/sign-in">Back to sign in</Link>
        </p>
      </div>
    </main>
  );
}
