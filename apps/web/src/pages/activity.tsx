/**
 * One activity: the workflow moves, the red form, the blue form, the evaluation, the evidence
 * files, the comments and the history of changes. Each form is enabled exactly when the
 * caller's role on the assessment and the activity's status allow writing it (permissions.ts);
 * otherwise it shows read-only.
 */
import { useMutation, useQuery } from "@tanstack/react-query";
import { Link, useParams } from "react-router";
import { BlueForm } from "../activity/blue-form";
import { Comments } from "../activity/comments";
import { Evaluation } from "../activity/evaluation";
import { EvidenceSection } from "../activity/evidence";
import { History } from "../activity/history";
import { RedForm } from "../activity/red-form";
import { type Activity, useActivityUpdate } from "../activity/shared";
import { formErrors, problemsOf, useTRPC } from "../api";
import { ErrorMessage, Loading, StatusBadge, usePageTitle } from "../components/ui";
import { type AssessmentRole, allowedMoves, canWriteFields } from "../permissions";

function Workflow({ activity, role }: { activity: Activity; role: AssessmentRole }) {
  const trpc = useTRPC();
  const updated = useActivityUpdate();
  const move = useMutation(trpc.activities.transition.mutationOptions({ onSuccess: updated }));
  const moves = allowedMoves(role, activity.status);
  if (moves.length === 0 && !move.error) return null;
  return (
    <div className="workflow">
      {moves.map((m) => (
        <button
          key={m.to}
          type="button"
          className={m.to === "skipped" || m.to === "planned" ? "secondary" : ""}
          disabled={move.isPending}
          onClick={() => move.mutate({ id: activity.id, to: m.to })}
        >
          {m.label}
        </button>
      ))}
      <ErrorMessage messages={formErrors(move.error, [])} />
    </div>
  );
}

export default function ActivityPage() {
  const trpc = useTRPC();
  const { orgId = "", activityId = "" } = useParams();
  // Kept fresh while open: the other team's writes and moves show up without a reload.
  const activity = useQuery({
    ...trpc.activities.get.queryOptions({ id: activityId }),
    refetchInterval: 20_000,
    refetchOnWindowFocus: true,
  });
  const assessmentId = activity.data?.assessmentId ?? "";
  const assessment = useQuery({ ...trpc.assessments.get.queryOptions({ id: assessmentId }), enabled: !!assessmentId });
  usePageTitle(activity.data?.title ?? "Activity");
  if (activity.isPending || (activity.isSuccess && assessment.isPending)) return <Loading what="the activity" />;
  if (activity.isError || assessment.isError) {
    return (
      <>
        <h1>Activity</h1>
        <ErrorMessage messages={problemsOf(activity.error ?? assessment.error).map((p) => p.message)} />
      </>
    );
  }
  const a = activity.data;
  const role = assessment.data?.role ?? "spectator";
  // Keyed by status: a move resets the forms to what the server stored; a save keeps them as typed.
  const version = a.status;
  return (
    <>
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <Link to={`/orgs/${orgId}/assessments`}>Assessments</Link> /{" "}
        <Link to={`/orgs/${orgId}/assessments/${a.assessmentId}`}>{assessment.data?.name ?? "Assessment"}</Link> /{" "}
        <span aria-current="page">{a.title}</span>
      </nav>
      <div className="page-head">
        <h1>{a.title}</h1>
        <StatusBadge status={a.status} />
      </div>
      <p className="muted">
        Your role: <strong>{role}</strong> ·{" "}
        {[a.tactic, ...a.techniques].filter(Boolean).join(" · ") || "No ATT&CK mapping"}
      </p>
      {a.description ? <p>{a.description}</p> : null}
      <Workflow activity={a} role={role} />
      <div className="sides">
        <RedForm key={`red-${version}`} activity={a} editable={canWriteFields(role, "red", a.status)} />
        <BlueForm key={`blue-${version}`} activity={a} editable={canWriteFields(role, "blue", a.status)} />
      </div>
      <Evaluation key={`eval-${version}`} activity={a} role={role} />
      <EvidenceSection activityId={a.id} orgId={orgId} role={role} />
      <Comments activityId={a.id} role={role} />
      <History activityId={a.id} />
    </>
  );
}
