/**
 * The administration area (global admins and superusers): its own navigation, and a plain
 * refusal for anyone else — the server refuses their calls anyway (roleProcedure("admin")).
 */
import { Suspense } from "react";
import { NavLink, Outlet } from "react-router";
import { ErrorMessage, Loading, usePageTitle } from "../components/ui";
import { isGlobalAdmin } from "../permissions";
import { useSession } from "../session";

function Refused() {
  usePageTitle("Administration");
  return (
    <>
      <h1>Administration</h1>
      <ErrorMessage messages={["Only administrators can open these pages."]} />
    </>
  );
}

export default function AdminArea() {
  const session = useSession();
  if (session.status !== "signed-in" || !isGlobalAdmin(session.user)) return <Refused />;
  return (
    <>
      <nav aria-label="Administration" className="subnav">
        <ul className="subnav-links">
          <li>
            <NavLink className="subnav-link" to="/admin/users">
              Users
            </NavLink>
          </li>
          <li>
            <NavLink className="subnav-link" to="/admin/audit">
              Audit log
            </NavLink>
          </li>
        </ul>
      </nav>
      <Suspense fallback={<Loading what="the page" />}>
        <Outlet />
      </Suspense>
    </>
  );
}
