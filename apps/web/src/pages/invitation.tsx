/**
 * The page the invitation mail links to (/invitations/accept?token=…), open without a session.
 * Signed out, it offers sign-in (which comes back here) and, when the server takes sign-ups, a
 * new account; signed in, it accepts the invitation (then opens the organization's
 * assessments) or declines it, as that account. The server tells nothing about an invitation
 * to whoever holds its link (only the invited address may answer), so neither does this page.
 */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, type ReactNode, useState } from "react";
import { Link, useLocation, useNavigate, useSearchParams } from "react-router";
import { fieldError, formErrors, problemsOf, useTRPC } from "../api";
import { ErrorMessage, Field, Loading, usePageTitle } from "../components/ui";
import { acceptTokens, clearSession, type User, useSession } from "../session";

/** A link's token: 43 base64url characters (the server's randomToken). */
const LINK_TOKEN = /^[\w-]{43}$/;

function Register() {
  const trpc = useTRPC();
  const [name, setName] = useState("");
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const register = useMutation(trpc.auth.register.mutationOptions({ onSuccess: acceptTokens }));
  const submit = (event: FormEvent) => {
    event.preventDefault();
    register.mutate({ name, email, password });
  };
  return (
    <form onSubmit={submit} noValidate aria-labelledby="register-title">
      <h2 id="register-title">New to Assay?</h2>
      <ErrorMessage messages={formErrors(register.error, ["name", "email", "password"])} />
      <Field label="Your name" error={fieldError(register.error, "name")}>
        {(props) => (
          <input
            {...props}
            name="name"
            autoComplete="name"
            value={name}
            onChange={(event) => setName(event.target.value)}
            required
          />
        )}
      </Field>
      <Field label="Email (the invited address)" error={fieldError(register.error, "email")}>
        {(props) => (
          <input
            {...props}
            type="email"
            name="email"
            autoComplete="email"
            value={email}
            onChange={(event) => setEmail(event.target.value)}
            required
          />
        )}
      </Field>
      <Field
        label="New password"
        hint="12 characters or more, hard to guess (a few unrelated words work well)."
        error={fieldError(register.error, "password")}
      >
        {(props) => (
          <input
            {...props}
            type="password"
            name="password"
            autoComplete="new-password"
            value={password}
            onChange={(event) => setPassword(event.target.value)}
            required
          />
        )}
      </Field>
      <div className="actions">
        <button type="submit" disabled={register.isPending}>
          {register.isPending ? "Creating the account…" : "Create account"}
        </button>
      </div>
    </form>
  );
}

function SignedOut() {
  const trpc = useTRPC();
  const location = useLocation();
  const info = useQuery(trpc.system.info.queryOptions());
  return (
    <>
      <p>
        You have been invited to an organization on Assay. Sign in with the address the invitation was sent to, then
        accept or decline it.
      </p>
      <p>
        <Link to="/sign-in" state={{ from: location.pathname + location.search }}>
          Sign in to answer the invitation
        </Link>
      </p>
      {info.data?.registrationOpen ? (
        <Register />
      ) : info.data ? (
        <p className="muted">No account yet? Ask the person who invited you to have one created for this address.</p>
      ) : null}
    </>
  );
}

function Answer({ token, user }: { token: string; user: User }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const accept = useMutation(
    trpc.invitations.accept.mutationOptions({
      onSuccess: async (org) => {
        await queryClient.invalidateQueries({ queryKey: trpc.orgs.list.queryKey() });
        // Replaced: Back does not return to a link that is spent now.
        navigate(`/orgs/${org.id}/assessments`, { replace: true });
      },
    }),
  );
  const decline = useMutation(trpc.invitations.decline.mutationOptions());
  const logout = useMutation(
    trpc.auth.logout.mutationOptions({
      onSettled: () => {
        clearSession();
        queryClient.clear();
      },
    }),
  );
  if (decline.isSuccess) {
    return (
      <>
        <p role="status">You declined the invitation; its link no longer works.</p>
        <p>
          <Link to="/">Open Assay</Link>
        </p>
      </>
    );
  }
  const busy = accept.isPending || decline.isPending || logout.isPending;
  return (
    <>
      <p>
        You have been invited to an organization on Assay. You are signed in as <strong>{user.name}</strong> (
        {user.email}); only the address the invitation was sent to can answer it.
      </p>
      <ErrorMessage messages={problemsOf(accept.error ?? decline.error).map((p) => p.message)} />
      <div className="actions">
        <button type="button" onClick={() => accept.mutate({ token })} disabled={busy}>
          {accept.isPending ? "Accepting…" : "Accept invitation"}
        </button>
        <button type="button" className="secondary" onClick={() => decline.mutate({ token })} disabled={busy}>
          {decline.isPending ? "Declining…" : "Decline"}
        </button>
      </div>
      <p>
        <button type="button" className="link" onClick={() => logout.mutate()} disabled={busy}>
          Sign in with another account
        </button>
      </p>
    </>
  );
}

export default function InvitationPage() {
  usePageTitle("Join an organization");
  const session = useSession();
  const [search] = useSearchParams();
  const token = search.get("token") ?? "";
  let body: ReactNode;
  if (!LINK_TOKEN.test(token)) {
    body = (
      <>
        <ErrorMessage messages={["This invitation link is incomplete or damaged."]} />
        <p className="muted">Ask for a new invitation if you still need one.</p>
      </>
    );
  } else if (session.status === "restoring") {
    body = <Loading what="your session" />;
  } else if (session.status === "signed-out") {
    body = <SignedOut />;
  } else {
    body = <Answer token={token} user={session.user} />;
  }
  return (
    <main id="main" className="sign-in">
      <div className="card">
        <h1>Join an organization</h1>
        {body}
      </div>
    </main>
  );
}
