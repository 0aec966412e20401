/** The start page: straight into the organization last opened in this tab, else the first one. */
import { useQuery } from "@tanstack/react-query";
import { Navigate } from "react-router";
import { problemsOf, useTRPC } from "../api";
import { ErrorMessage, Loading } from "../components/ui";
import { lastOrganization } from "../org-memory";

export default function HomePage() {
  const trpc = useTRPC();
  const orgs = useQuery(trpc.orgs.list.queryOptions({ pageSize: 100 }));
  if (orgs.isPending) return <Loading what="your organizations" />;
  if (orgs.isError) return <ErrorMessage messages={problemsOf(orgs.error).map((p) => p.message)} />;
  const list = orgs.data.data;
  const last = lastOrganization();
  const target = list.find((org) => org.id === last) ?? list[0];
  return target ? <Navigate to={`/orgs/${target.id}/assessments`} replace /> : <Navigate to="/orgs" replace />;
}
