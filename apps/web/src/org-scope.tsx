/**
 * Everything under /orgs/:orgId runs with its own query cache and a client that sends
 * X-Organization-Id, so no cached answer of one organization shows in another.
 */
import { QueryClientProvider } from "@tanstack/react-query";
import { Suspense, useEffect, useState } from "react";
import { Outlet, useParams } from "react-router";
import { makeClient, TRPCProvider } from "./api";
import { Loading } from "./components/ui";
import { rememberOrganization } from "./org-memory";
import { makeQueryClient } from "./query-client";

function Scope({ orgId }: { orgId: string }) {
  const [queryClient] = useState(makeQueryClient);
  const [trpcClient] = useState(() => makeClient(orgId));
  useEffect(() => rememberOrganization(orgId), [orgId]);
  return (
    <QueryClientProvider client={queryClient}>
      <TRPCProvider trpcClient={trpcClient} queryClient={queryClient}>
        <Suspense fallback={<Loading what="the page" />}>
          <Outlet />
        </Suspense>
      </TRPCProvider>
    </QueryClientProvider>
  );
}

/** The organization of the URL, with a fresh cache whenever it changes. */
export default function OrgScope() {
  const { orgId = "" } = useParams();
  return <Scope key={orgId} orgId={orgId} />;
}
