/** Administration, users: search, role and status filters and pages (kept in the URL); deactivate and reactivate. */
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { Link, useSearchParams } from "react-router";
import { AccountBadges, ActiveToggle, ROLES, type Role } from "../admin/account";
import { problemsOf, useTRPC } from "../api";
import { Empty, ErrorMessage, formatDate, Loading, Pager, usePageTitle } from "../components/ui";

const STATUSES = { active: "Active", deactivated: "Deactivated" } as const;

export default function AdminUsersPage() {
  usePageTitle("Users");
  const trpc = useTRPC();
  const [params, setParams] = useSearchParams();
  const q = params.get("q") ?? "";
  const roleParam = params.get("role") ?? "";
  const role = (ROLES as readonly string[]).includes(roleParam) ? (roleParam as Role) : undefined;
  const status = params.get("status") ?? "";
  const page = Math.max(1, Number(params.get("page")) || 1);
  const [search, setSearch] = useState(q);
  const users = useQuery({
    ...trpc.admin.users.list.queryOptions({
      page,
      pageSize: 25,
      ...(q ? { q } : {}),
      ...(role ? { role } : {}),
      ...(status === "active" ? { active: true } : status === "deactivated" ? { active: false } : {}),
    }),
    placeholderData: keepPreviousData,
  });
  const setFilter = (name: string, value: string) => {
    const next = new URLSearchParams(params);
    if (value) next.set(name, value);
    else next.delete(name);
    if (name !== "page") next.delete("page");
    setParams(next);
  };
  return (
    <>
      <h1>Users</h1>
      <search>
        <form
          className="filters"
          onSubmit={(event) => {
            event.preventDefault();
            setFilter("q", search.trim());
          }}
        >
          <div className="field">
            <label htmlFor="users-q">Name or email</label>
            <input id="users-q" type="search" value={search} onChange={(event) => setSearch(event.target.value)} />
          </div>
          <div className="field">
            <label htmlFor="users-role">Role</label>
            <select id="users-role" value={role ?? ""} onChange={(event) => setFilter("role", event.target.value)}>
              <option value="">Any</option>
              {ROLES.map((r) => (
                <option key={r} value={r}>
                  {r}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor="users-status">Status</label>
            <select id="users-status" value={status} onChange={(event) => setFilter("status", event.target.value)}>
              <option value="">Any</option>
              {Object.entries(STATUSES).map(([value, label]) => (
                <option key={value} value={value}>
                  {label}
                </option>
              ))}
            </select>
          </div>
          <button type="submit" className="secondary">
            Apply
          </button>
        </form>
      </search>
      {users.isPending ? (
        <Loading what="users" />
      ) : users.isError ? (
        <ErrorMessage messages={problemsOf(users.error).map((p) => p.message)} />
      ) : users.data.data.length === 0 ? (
        <Empty>No account matches these filters.</Empty>
      ) : (
        <>
          <table className="table">
            <caption className="visually-hidden">Users ({users.data.pagination.total} in all)</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Email</th>
                <th scope="col">Role</th>
                <th scope="col">Status</th>
                <th scope="col">Last sign-in</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {users.data.data.map((user) => (
                <tr key={user.id}>
                  <td>
                    <Link to={`/admin/users/${user.id}`}>{user.name}</Link>
                  </td>
                  <td>{user.email}</td>
                  <td>{user.role}</td>
                  <td>
                    <AccountBadges user={user} />
                  </td>
                  <td>{formatDate(user.lastLoginAt)}</td>
                  <td>
                    <ActiveToggle user={user} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <Pager label="Pages" pagination={users.data.pagination} onPage={(next) => setFilter("page", String(next))} />
        </>
      )}
    </>
  );
}
