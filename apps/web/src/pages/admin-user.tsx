/**
 * Administration, one account: its global role, deactivate or reactivate, end a sign-in
 * lockout, and its sessions — revoke one, and the account's next call with it is refused.
 */
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { Link, useParams } from "react-router";
import { AccountBadges, ActiveToggle, type AdminUser, ROLES, type Role } from "../admin/account";
import { fieldError, formErrors, problemsOf, useTRPC } from "../api";
import {
  Empty,
  ErrorMessage,
  Field,
  formatDate,
  Loading,
  Pager,
  RevokeSessionButton,
  StatusBadge,
  usePageTitle,
} from "../components/ui";

function RoleForm({ user }: { user: AdminUser }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [role, setRole] = useState<Role>(user.role);
  const save = useMutation(
    trpc.admin.users.setRole.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.admin.users.pathKey() }),
    }),
  );
  const submit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate({ id: user.id, role });
  };
  return (
    <form noValidate onSubmit={submit} className="inline-form" aria-label="Global role">
      <ErrorMessage messages={formErrors(save.error, ["role"])} />
      <Field label="Global role" error={fieldError(save.error, "role")}>
        {(props) => (
          <select {...props} value={role} onChange={(event) => setRole(event.target.value as Role)}>
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {r}
              </option>
            ))}
          </select>
        )}
      </Field>
      <button type="submit" disabled={save.isPending || role === user.role}>
        Save role
      </button>
      {save.isSuccess && role === user.role ? (
        <span className="saved" role="status">
          Saved
        </span>
      ) : null}
    </form>
  );
}

function UserSessions({ user }: { user: AdminUser }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [all, setAll] = useState(false);
  const [page, setPage] = useState(1);
  const sessions = useQuery({
    ...trpc.admin.sessions.list.queryOptions({ userId: user.id, page, pageSize: 20, ...(all ? {} : { active: true }) }),
    placeholderData: keepPreviousData,
  });
  const revoke = useMutation(
    trpc.admin.sessions.revoke.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.admin.sessions.pathKey() }),
    }),
  );
  return (
    <section aria-labelledby="user-sessions" className="panel">
      <div className="page-head">
        <h2 id="user-sessions">Sessions</h2>
        <label className="check">
          <input
            type="checkbox"
            checked={all}
            onChange={(event) => {
              setAll(event.target.checked);
              setPage(1);
            }}
          />
          Include ended sessions
        </label>
      </div>
      <ErrorMessage messages={formErrors(revoke.error, [])} />
      {sessions.isPending ? (
        <Loading what="sessions" />
      ) : sessions.isError ? (
        <ErrorMessage messages={problemsOf(sessions.error).map((p) => p.message)} />
      ) : sessions.data.data.length === 0 ? (
        <Empty>{all ? "This account has never signed in." : "No active session."}</Empty>
      ) : (
        <>
          <table className="table">
            <caption className="visually-hidden">Sessions of {user.name}</caption>
            <thead>
              <tr>
                <th scope="col">Device</th>
                <th scope="col">Address</th>
                <th scope="col">Signed in</th>
                <th scope="col">Last used</th>
                <th scope="col">State</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {sessions.data.data.map((s) => {
                const ended = s.revokedAt !== null || new Date(s.expiresAt).getTime() <= Date.now();
                return (
                  <tr key={s.id}>
                    <td>
                      {s.device}
                      {s.current ? <strong> (your session)</strong> : null}
                    </td>
                    <td>{s.ip ?? "—"}</td>
                    <td>{formatDate(s.createdAt)}</td>
                    <td>{formatDate(s.lastUsedAt)}</td>
                    <td>
                      {s.revokedAt ? (
                        <>
                          <StatusBadge status="revoked" /> {formatDate(s.revokedAt)}
                          {s.revokedReason ? ` (${s.revokedReason})` : ""}
                        </>
                      ) : ended ? (
                        <StatusBadge status="expired" />
                      ) : (
                        <StatusBadge status="active" />
                      )}
                    </td>
                    <td>
                      {ended || s.current ? null : (
                        <RevokeSessionButton
                          session={s}
                          pending={revoke.isPending}
                          onRevoke={() => revoke.mutate({ id: s.id })}
                        />
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
          {sessions.data.pagination.totalPages > 1 ? (
            <Pager label="Pages of sessions" pagination={sessions.data.pagination} onPage={setPage} />
          ) : null}
        </>
      )}
    </section>
  );
}

export default function AdminUserPage() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { userId = "" } = useParams();
  const user = useQuery(trpc.admin.users.get.queryOptions({ id: userId }));
  const unlock = useMutation(
    trpc.admin.users.unlock.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.admin.users.pathKey() }),
    }),
  );
  usePageTitle(user.data?.name ?? "User");
  const breadcrumb = (name: string) => (
    <nav aria-label="Breadcrumb" className="breadcrumb">
      <Link to="/admin/users">Users</Link> / <span aria-current="page">{name}</span>
    </nav>
  );
  if (user.isPending) return <Loading what="the account" />;
  if (user.isError) {
    return (
      <>
        {breadcrumb("User")}
        <h1>User</h1>
        <ErrorMessage messages={problemsOf(user.error).map((p) => p.message)} />
      </>
    );
  }
  const u = user.data;
  return (
    <>
      {breadcrumb(u.name)}
      <div className="page-head">
        <h1>{u.name}</h1>
        <AccountBadges user={u} />
      </div>
      <p className="muted">
        {u.email} · created {formatDate(u.createdAt)} · last sign-in {formatDate(u.lastLoginAt)}
        {u.hasPassword ? "" : " · signs in through a provider only"} ·{" "}
        <Link to={`/admin/audit?actor=${u.id}`}>Audit events by {u.name}</Link> ·{" "}
        <Link to={`/admin/audit?target=${u.id}`}>about {u.name}</Link>
      </p>
      <section aria-labelledby="user-access" className="panel">
        <h2 id="user-access">Access</h2>
        {u.deletedAt ? (
          <p>This account was deleted {formatDate(u.deletedAt)}; its personal data is anonymised.</p>
        ) : (
          <>
            <RoleForm user={u} />
            <div className="actions">
              <ActiveToggle user={u} />
              {u.isLocked ? (
                <button
                  type="button"
                  className="secondary"
                  disabled={unlock.isPending}
                  onClick={() => unlock.mutate({ id: u.id })}
                >
                  End the sign-in lockout (until {formatDate(u.lockedUntil)})
                </button>
              ) : null}
            </div>
            <ErrorMessage messages={formErrors(unlock.error, [])} />
          </>
        )}
      </section>
      <UserSessions user={u} />
    </>
  );
}
