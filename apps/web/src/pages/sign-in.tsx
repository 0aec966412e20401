/** Sign-in: email and password, then (with a second factor) an authenticator code or a recovery code. */
import type { RouterOutputs } from "@assay/client";
import { useMutation, useQuery } from "@tanstack/react-query";
import { type FormEvent, useEffect, useRef, useState } from "react";
import { Link, Navigate, useLocation, useNavigate, useSearchParams } from "react-router";
import { fieldError, formErrors, useTRPC } from "../api";
import { EmailField, ErrorMessage, Field, usePageTitle } from "../components/ui";
import { acceptTokens, useSession } from "../session";

type LoginResult = RouterOutputs["auth"]["login"];

const OIDC_ERRORS: Record<string, string> = {
  access_denied: "The sign-in was cancelled at the provider.",
  email_unverified: "The provider has not verified your email address.",
  registration_closed: "No account uses this identity, and registration is closed.",
  account_disabled: "This account is deactivated.",
  identity_in_use: "This identity is linked to another account.",
};

function SecondStep({ challenge, onDone }: { challenge: string; onDone: (result: LoginResult) => void }) {
  const trpc = useTRPC();
  const [useRecovery, setUseRecovery] = useState(false);
  const [value, setValue] = useState("");
  const input = useRef<HTMLInputElement>(null);
  const verify = useMutation(trpc.auth.verifyMfa.mutationOptions({ onSuccess: onDone }));
  useEffect(() => input.current?.focus(), []);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    verify.mutate(useRecovery ? { challenge, recoveryCode: value.trim() } : { challenge, code: value.trim() });
  };
  const field = useRecovery ? "recoveryCode" : "code";
  return (
    <form onSubmit={submit} noValidate aria-labelledby="mfa-title">
      <h2 id="mfa-title">Second step</h2>
      <p>
        {useRecovery
          ? "Enter one of your recovery codes (each works once)."
          : "Enter the 6-digit code from your authenticator app."}
      </p>
      <ErrorMessage messages={formErrors(verify.error, [field, "challenge"])} />
      <Field label={useRecovery ? "Recovery code" : "Authentication code"} error={fieldError(verify.error, field)}>
        {(props) => (
          <input
            {...props}
            ref={input}
            name={field}
            autoComplete="one-time-code"
            inputMode={useRecovery ? "text" : "numeric"}
            value={value}
            onChange={(event) => setValue(event.target.value)}
            required
          />
        )}
      </Field>
      <div className="actions">
        <button type="submit" disabled={verify.isPending}>
          {verify.isPending ? "Verifying…" : "Verify"}
        </button>
        <button
          type="button"
          className="link"
          onClick={() => {
            setUseRecovery(!useRecovery);
            setValue("");
            verify.reset();
          }}
        >
          {useRecovery ? "Use an authenticator code" : "Use a recovery code"}
        </button>
      </div>
    </form>
  );
}

/** The sign-in page (eagerly loaded: it is the first page most visits see). */
export function SignInPage() {
  const trpc = useTRPC();
  const session = useSession();
  const navigate = useNavigate();
  const location = useLocation();
  const from = (location.state as { from?: string } | null)?.from ?? "/";
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [challenge, setChallenge] = useState<string | null>(null);
  usePageTitle("Sign in");
  const done = (result: LoginResult) => {
    if (result.mfaRequired) {
      setChallenge(result.challenge);
      return;
    }
    acceptTokens(result);
    navigate(from, { replace: true });
  };
  const login = useMutation(trpc.auth.login.mutationOptions({ onSuccess: done }));
  // Federated sign-in: the provider's round trip ends here with ?code= (one-time) or ?error=.
  const [search] = useSearchParams();
  const providers = useQuery(trpc.oidc.providers.queryOptions());
  const exchange = useMutation(trpc.auth.exchangeOidcCode.mutationOptions({ onSuccess: done }));
  const exchanged = useRef(false);
  const oidcCode = search.get("code");
  const oidcError = search.get("error");
  useEffect(() => {
    if (!oidcCode || exchanged.current) return;
    exchanged.current = true;
    exchange.mutate({ code: oidcCode });
  }, [oidcCode, exchange]);
  if (session.status === "signed-in" && !login.isSuccess) return <Navigate to={from} replace />;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    login.mutate({ email, password });
  };
  return (
    <main id="main" className="sign-in">
      <div className="card">
        <h1>Sign in to Assay</h1>
        {session.status === "signed-out" && session.reason ? <p className="notice">{session.reason}</p> : null}
        {challenge ? (
          <SecondStep challenge={challenge} onDone={done} />
        ) : (
          <form onSubmit={submit} noValidate>
            {oidcError ? (
              <ErrorMessage
                messages={[OIDC_ERRORS[oidcError] ?? "Sign-in with the provider failed. Please try again."]}
              />
            ) : null}
            <ErrorMessage messages={formErrors(exchange.error, [])} />
            <ErrorMessage messages={formErrors(login.error, ["email", "password"])} />
            <EmailField value={email} onChange={setEmail} error={fieldError(login.error, "email")} />
            <Field label="Password" error={fieldError(login.error, "password")}>
              {(props) => (
                <input
                  {...props}
                  type="password"
                  name="password"
                  autoComplete="current-password"
                  value={password}
                  onChange={(event) => setPassword(event.target.value)}
                  required
                />
              )}
            </Field>
            <div className="actions">
              <button type="submit" disabled={login.isPending}>
                {login.isPending ? "Signing in…" : "Sign in"}
              </button>
              <Link to="/forgot-password">Forgot your password?</Link>
            </div>
            {providers.data && providers.data.length > 0 ? (
              <ul className="providers">
                {providers.data.map((provider) => (
                  <li key={provider.id}>
                    <a
                      href={`${provider.startPath}?returnTo=${encodeURIComponent(`${window.location.origin}/sign-in`)}`}
                    >
                      Sign in with {provider.name}
                    </a>
                  </li>
                ))}
              </ul>
            ) : null}
          </form>
        )}
      </div>
    </main>
  );
}
