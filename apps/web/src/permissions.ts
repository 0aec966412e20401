/**
 * What the caller may do on an activity, from the role the API reports on the assessment
 * (`assessments.get().role`) and the activity's status — the same rules as the server's
 * acl/permissions.ts (canWriteFields, ASSESSMENT_PERMISSIONS) and the workflow's TRANSITIONS,
 * which the server enforces again on every write; and whether the account may use the admin pages.
 */
import type { RouterOutputs } from "@assay/client";
import type { User } from "./session";

export type AssessmentRole = RouterOutputs["assessments"]["get"]["role"];
export type ActivityStatus = RouterOutputs["activities"]["get"]["status"];

/** Whether `role` may write the `side` fields of an activity in `status` (the server's canWriteFields). */
export function canWriteFields(role: AssessmentRole, side: "red" | "blue", status: ActivityStatus): boolean {
  if (role === "lead") return true;
  if (side === "red") return role === "red" && (status === "planned" || status === "waiting_red");
  return role === "blue" && status === "waiting_blue";
}

const TRANSITIONS: Record<ActivityStatus, Partial<Record<ActivityStatus, "red" | "lead">>> = {
  planned: { waiting_red: "red", skipped: "lead" },
  waiting_red: { waiting_blue: "red", planned: "lead", skipped: "lead" },
  waiting_blue: { evaluated: "lead", waiting_red: "lead", skipped: "lead" },
  evaluated: { waiting_blue: "lead" },
  skipped: { planned: "lead" },
};

const MOVE_LABELS: Partial<Record<ActivityStatus, Partial<Record<ActivityStatus, string>>>> = {
  planned: { waiting_red: "Start (waiting for red)", skipped: "Skip" },
  waiting_red: { waiting_blue: "Hand over to blue", planned: "Back to planned", skipped: "Skip" },
  waiting_blue: { waiting_red: "Back to red", skipped: "Skip" },
  evaluated: { waiting_blue: "Reopen for blue" },
  skipped: { planned: "Restore to planned" },
};

/** The workflow moves the caller may make now (evaluation has its own button), with labels. */
export function allowedMoves(role: AssessmentRole, status: ActivityStatus): { to: ActivityStatus; label: string }[] {
  return Object.entries(TRANSITIONS[status]).flatMap(([to, mover]) => {
    const target = to as ActivityStatus;
    if (target === "evaluated") return [];
    const ok = mover === "red" ? canWriteFields(role, "red", status) : role === "lead";
    return ok ? [{ to: target, label: MOVE_LABELS[status]?.[target] ?? target }] : [];
  });
}

/** Whether `role` may evaluate an activity in `status`. */
export const canEvaluate = (role: AssessmentRole, status: ActivityStatus) =>
  role === "lead" && (status === "waiting_blue" || status === "evaluated");
/** Whether `role` may comment (lead, red, blue). */
export const canComment = (role: AssessmentRole) => role !== "spectator";

/** Whether `role` may attach evidence (upload:evidence: lead, red, blue; at any status). */
export const canUploadEvidence = (role: AssessmentRole) => role !== "spectator";
/** Whether `role` may delete evidence uploaded by `uploaderId`: the uploader with upload rights, or the lead. */
export const canDeleteEvidence = (role: AssessmentRole, uploaderId: string | null, userId: string) =>
  role === "lead" || (canUploadEvidence(role) && uploaderId !== null && uploaderId === userId);
/**
 * Whether a signed-in account may use the admin pages (users, their sessions, the audit log):
 * the global role admin, or a superuser — the server's roleProcedure("admin"), checked again
 * on every call.
 */
export const isGlobalAdmin = (user: Pick<User, "role" | "isSuperuser">) => user.isSuperuser || user.role === "admin";
