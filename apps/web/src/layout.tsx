/** The signed-in frame: a skip link, the header with the main navigation and the organization switcher, and <main>. */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef } from "react";
import { Link, NavLink, Outlet, useLocation, useMatch, useNavigate } from "react-router";
import { useTRPC } from "./api";
import { lastOrganization } from "./org-memory";
import { isGlobalAdmin } from "./permissions";
import { clearSession, useSession } from "./session";

function OrganizationSwitcher({ current }: { current: string | null }) {
  const trpc = useTRPC();
  const navigate = useNavigate();
  const orgs = useQuery(trpc.orgs.list.queryOptions({ pageSize: 100 }));
  if (!orgs.data) return null;
  const list = orgs.data.data;
  return (
    <div className="org-switcher">
      <label htmlFor="org-switcher">Organization</label>
      <select
        id="org-switcher"
        value={current ?? ""}
        onChange={(event) => {
          const id = event.target.value;
          if (id === "*") navigate("/orgs");
          else if (id) navigate(`/orgs/${id}/assessments`);
        }}
      >
        {current === null ? <option value="">Choose…</option> : null}
        {list.map((org) => (
          <option key={org.id} value={org.id}>
            {org.name}
          </option>
        ))}
        <option value="*">Manage organizations…</option>
      </select>
    </div>
  );
}

/** The frame of every signed-in page. */
export function Shell() {
  const trpc = useTRPC();
  const session = useSession();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const match = useMatch("/orgs/:orgId/*");
  const { pathname } = useLocation();
  const main = useRef<HTMLElement>(null);
  const firstPath = useRef(pathname);
  // After a client-side navigation, focus moves to the new page's content, as a page load would.
  useEffect(() => {
    if (pathname !== firstPath.current) main.current?.focus();
  }, [pathname]);
  const orgId = match?.params.orgId ?? lastOrganization();
  const logout = useMutation(
    trpc.auth.logout.mutationOptions({
      onSettled: () => {
        clearSession();
        queryClient.clear();
        navigate("/sign-in");
      },
    }),
  );
  const link = (to: string, label: string) => (
    <li>
      <NavLink to={to}>{label}</NavLink>
    </li>
  );
  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="top">
        <Link className="brand" to="/">
          Assay
        </Link>
        <nav aria-label="Main">
          <ul>
            {orgId ? (
              <>
                {link(`/orgs/${orgId}/assessments`, "Assessments")}
                {link(`/orgs/${orgId}/statistics`, "Statistics")}
                {link(`/orgs/${orgId}/coverage`, "ATT&CK coverage")}
                {link(`/orgs/${orgId}/executions`, "Executions")}
                {link(`/orgs/${orgId}/knowledge`, "Knowledge base")}
                {link(`/orgs/${orgId}/templates`, "Templates")}
              </>
            ) : (
              link("/orgs", "Organizations")
            )}
            {link("/account", "Account")}
            {session.status === "signed-in" && isGlobalAdmin(session.user) ? link("/admin", "Admin") : null}
          </ul>
        </nav>
        <OrganizationSwitcher current={match?.params.orgId ?? null} />
        <div className="who">
          <span>{session.status === "signed-in" ? session.user.name : ""}</span>
          <button type="button" className="secondary" onClick={() => logout.mutate()} disabled={logout.isPending}>
            Sign out
          </button>
        </div>
      </header>
      <main id="main" tabIndex={-1} ref={main}>
        <Outlet />
      </main>
    </>
  );
}
