/**
 * Providers and routes: every page but sign-in loads as its own chunk. Sign-in and the pages
 * mail links open (password reset, invitation) work without a session, outside the signed-in frame.
 */
import { QueryClientProvider } from "@tanstack/react-query";
import { lazy, type ReactNode, Suspense, useState } from "react";
import { BrowserRouter, Navigate, Outlet, Route, Routes, useLocation } from "react-router";
import { makeClient, TRPCProvider } from "./api";
import { Loading } from "./components/ui";
import { Shell } from "./layout";
import { SignInPage } from "./pages/sign-in";
import { makeQueryClient } from "./query-client";
import { useSession } from "./session";

const HomePage = lazy(() => import("./pages/home"));
const OrganizationsPage = lazy(() => import("./pages/organizations"));
const OrgScope = lazy(() => import("./org-scope"));
const AssessmentsPage = lazy(() => import("./pages/assessments"));
const BoardPage = lazy(() => import("./pages/board"));
const ReportsPage = lazy(() => import("./pages/reports"));
const ActivityPage = lazy(() => import("./pages/activity"));
const StatisticsPage = lazy(() => import("./pages/statistics"));
const CoveragePage = lazy(() => import("./pages/coverage"));
const AccountPage = lazy(() => import("./pages/account"));
const ExecutionsPage = lazy(() => import("./pages/executions"));
const KnowledgePage = lazy(() => import("./pages/knowledge"));
const ArticlePage = lazy(() => import("./pages/article"));
const ArticleEditorPage = lazy(() => import("./pages/article-editor"));
const TemplatesPage = lazy(() => import("./pages/templates"));
const AdminArea = lazy(() => import("./pages/admin"));
const AdminUsersPage = lazy(() => import("./pages/admin-users"));
const AdminUserPage = lazy(() => import("./pages/admin-user"));
const AuditPage = lazy(() => import("./pages/admin-audit"));
const ResetPasswordPage = lazy(() => import("./pages/reset-password"));
const ForgotPasswordPage = lazy(() => import("./pages/forgot-password"));
const InvitationPage = lazy(() => import("./pages/invitation"));

function RequireSession({ children }: { children: ReactNode }) {
  const session = useSession();
  const location = useLocation();
  if (session.status === "restoring") {
    return (
      <main id="main" className="centered">
        <Loading what="your session" />
      </main>
    );
  }
  if (session.status === "signed-out") {
    return <Navigate to="/sign-in" replace state={{ from: location.pathname + location.search }} />;
  }
  return children;
}

function NotFound() {
  return (
    <main id="main" className="centered">
      <h1>Page not found</h1>
      <p>
        <a href="/">Back to Assay</a>
      </p>
    </main>
  );
}

/** A page of its own (no header, no session required), loaded on demand. */
function StandalonePage() {
  return (
    <Suspense
      fallback={
        <main id="main" className="centered">
          <Loading what="the page" />
        </main>
      }
    >
      <Outlet />
    </Suspense>
  );
}

function Page() {
  return (
    <Suspense fallback={<Loading what="the page" />}>
      <Outlet />
    </Suspense>
  );
}

/** The whole app: query cache, tRPC client, routes. */
export function App() {
  const [queryClient] = useState(makeQueryClient);
  const [trpcClient] = useState(() => makeClient());
  return (
    <QueryClientProvider client={queryClient}>
      <TRPCProvider trpcClient={trpcClient} queryClient={queryClient}>
        <BrowserRouter>
          <Routes>
            <Route path="/sign-in" element={<SignInPage />} />
            {/* The links in mails, at the URLs the server puts in them (reset and invitation mails). */}
            <Route element={<StandalonePage />}>
              <Route path="/reset-password" element={<ResetPasswordPage />} />
              <Route path="/forgot-password" element={<ForgotPasswordPage />} />
              <Route path="/invitations/accept" element={<InvitationPage />} />
            </Route>
            <Route
              element={
                <RequireSession>
                  <Shell />
                </RequireSession>
              }
            >
              <Route element={<Page />}>
                <Route index element={<HomePage />} />
                <Route path="orgs" element={<OrganizationsPage />} />
                <Route path="account" element={<AccountPage />} />
                <Route path="orgs/:orgId" element={<OrgScope />}>
                  <Route index element={<Navigate to="assessments" replace />} />
                  <Route path="assessments" element={<AssessmentsPage />} />
                  <Route path="assessments/:assessmentId" element={<BoardPage />} />
                  <Route path="assessments/:assessmentId/reports" element={<ReportsPage />} />
                  <Route path="activities/:activityId" element={<ActivityPage />} />
                  <Route path="statistics" element={<StatisticsPage />} />
                  <Route path="coverage" element={<CoveragePage />} />
                  <Route path="executions" element={<ExecutionsPage />} />
                  <Route path="knowledge" element={<KnowledgePage />} />
                  <Route path="knowledge/new" element={<ArticleEditorPage />} />
                  <Route path="knowledge/:articleId" element={<ArticlePage />} />
                  <Route path="knowledge/:articleId/edit" element={<ArticleEditorPage />} />
                  <Route path="templates" element={<TemplatesPage />} />
                </Route>
                <Route path="admin" element={<AdminArea />}>
                  <Route index element={<Navigate to="users" replace />} />
                  <Route path="users" element={<AdminUsersPage />} />
                  <Route path="users/:userId" element={<AdminUserPage />} />
                  <Route path="audit" element={<AuditPage />} />
                </Route>
              </Route>
            </Route>
            <Route path="*" element={<NotFound />} />
          </Routes>
        </BrowserRouter>
      </TRPCProvider>
    </QueryClientProvider>
  );
}
