/** Your signed-in devices: each session with its device and address; revoke one, or all the others. */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { formErrors, problemsOf, useTRPC } from "../api";
import { ErrorMessage, formatDate, Loading, RevokeSessionButton } from "../components/ui";

/** The signed-in devices panel. */
export function Sessions() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const sessions = useQuery(trpc.sessions.list.queryOptions({ pageSize: 50 }));
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.sessions.list.queryKey() });
  const revoke = useMutation(trpc.sessions.revoke.mutationOptions({ onSuccess: refresh }));
  const revokeOthers = useMutation(trpc.sessions.revokeOthers.mutationOptions({ onSuccess: refresh }));
  return (
    <section aria-labelledby="sessions-title" className="panel">
      <h2 id="sessions-title">Signed-in devices</h2>
      {sessions.isPending ? (
        <Loading what="sessions" />
      ) : sessions.isError ? (
        <ErrorMessage messages={problemsOf(sessions.error).map((p) => p.message)} />
      ) : (
        <table className="table">
          <caption className="visually-hidden">Sessions</caption>
          <thead>
            <tr>
              <th scope="col">Device</th>
              <th scope="col">Address</th>
              <th scope="col">Signed in</th>
              <th scope="col">Last used</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {sessions.data.data.map((s) => (
              <tr key={s.id}>
                <td>
                  {s.device}
                  {s.current ? <strong> (this device)</strong> : null}
                </td>
                <td>{s.ip ?? "—"}</td>
                <td>{formatDate(s.createdAt)}</td>
                <td>{formatDate(s.lastUsedAt)}</td>
                <td>
                  {s.current ? null : (
                    <RevokeSessionButton
                      session={s}
                      pending={revoke.isPending}
                      onRevoke={() => revoke.mutate({ id: s.id })}
                    />
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <ErrorMessage messages={formErrors(revoke.error ?? revokeOthers.error, [])} />
      <div className="actions">
        <button
          type="button"
          className="secondary"
          onClick={() => revokeOthers.mutate()}
          disabled={revokeOthers.isPending}
        >
          Sign out all other devices
        </button>
        {revokeOthers.data ? (
          <span role="status">{revokeOthers.data.revokedSessions} session(s) signed out</span>
        ) : null}
      </div>
    </section>
  );
}
