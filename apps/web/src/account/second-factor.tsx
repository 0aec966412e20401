/** Two-step sign-in: set up with a QR code, confirm with a first code (recovery codes shown once), turn off. */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { fieldError, formErrors, problemsOf, useTRPC } from "../api";
import { ErrorMessage, Field, Loading } from "../components/ui";

function RecoveryCodes({ codes }: { codes: string[] }) {
  return (
    <div className="notice" role="status">
      <p>
        <strong>Recovery codes</strong> — store them somewhere safe; each works once and they are shown only now.
      </p>
      <ul className="codes">
        {codes.map((code) => (
          <li key={code}>
            <code>{code}</code>
          </li>
        ))}
      </ul>
    </div>
  );
}

/** The two-step sign-in panel: set up, confirm, show recovery codes, turn off. */
export function SecondFactor() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const status = useQuery(trpc.mfa.status.queryOptions());
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.mfa.status.queryKey() });
  const setup = useMutation(trpc.mfa.setup.mutationOptions());
  const confirm = useMutation(trpc.mfa.confirm.mutationOptions({ onSuccess: refresh }));
  const disable = useMutation(
    trpc.mfa.disable.mutationOptions({
      onSuccess: () => {
        setup.reset();
        confirm.reset();
        return refresh();
      },
    }),
  );
  const [code, setCode] = useState("");
  const [password, setPassword] = useState("");
  const [disableCode, setDisableCode] = useState("");
  if (status.isPending) return <Loading what="your second factor" />;
  if (status.isError) return <ErrorMessage messages={problemsOf(status.error).map((p) => p.message)} />;
  const enabled = status.data.enabled;
  return (
    <section aria-labelledby="mfa-title" className="panel">
      <h2 id="mfa-title">Two-step sign-in</h2>
      {confirm.data ? <RecoveryCodes codes={confirm.data.recoveryCodes} /> : null}
      {enabled ? (
        <>
          <p>An authenticator app is set up for your account.</p>
          <form
            noValidate
            aria-label="Turn two-step sign-in off"
            onSubmit={(event: FormEvent) => {
              event.preventDefault();
              disable.mutate({ password, code: disableCode });
            }}
          >
            <ErrorMessage messages={formErrors(disable.error, ["password", "code"])} />
            <div className="row">
              <Field label="Current password" error={fieldError(disable.error, "password")}>
                {(props) => (
                  <input
                    {...props}
                    type="password"
                    autoComplete="current-password"
                    value={password}
                    onChange={(event) => setPassword(event.target.value)}
                  />
                )}
              </Field>
              <Field label="Code or recovery code" error={fieldError(disable.error, "code")}>
                {(props) => (
                  <input
                    {...props}
                    autoComplete="one-time-code"
                    value={disableCode}
                    onChange={(event) => setDisableCode(event.target.value)}
                  />
                )}
              </Field>
            </div>
            <div className="actions">
              <button type="submit" className="secondary" disabled={disable.isPending}>
                Turn off
              </button>
            </div>
          </form>
        </>
      ) : setup.data ? (
        <form
          noValidate
          aria-label="Confirm the authenticator app"
          onSubmit={(event: FormEvent) => {
            event.preventDefault();
            confirm.mutate({ code: code.trim() });
          }}
        >
          <p>Scan this code with your authenticator app, then enter the 6-digit code it shows.</p>
          <img
            className="qr"
            src={setup.data.qrCodeDataUrl}
            alt="QR code for your authenticator app"
            width="200"
            height="200"
          />
          <p>
            Or enter this key by hand: <code>{setup.data.secret}</code>
          </p>
          <ErrorMessage messages={formErrors(confirm.error, ["code"])} />
          <Field label="Authentication code" error={fieldError(confirm.error, "code")}>
            {(props) => (
              <input
                {...props}
                inputMode="numeric"
                autoComplete="one-time-code"
                value={code}
                onChange={(event) => setCode(event.target.value)}
              />
            )}
          </Field>
          <div className="actions">
            <button type="submit" disabled={confirm.isPending}>
              Confirm
            </button>
          </div>
        </form>
      ) : (
        <>
          <p>Protect your account with a code from an authenticator app at each sign-in.</p>
          <ErrorMessage messages={formErrors(setup.error, [])} />
          <button type="button" onClick={() => setup.mutate()} disabled={setup.isPending}>
            Set up an authenticator app
          </button>
        </>
      )}
    </section>
  );
}
