/**
 * Every authorization rule of organizations and assessments, as data (`action:entity`
 * permissions per role, as Epic Stack does), resolved in this one file. Services ask
 * `orgCan` / `assessmentCan`; nothing else decides who may do what.
 */
import type { AssessmentRole, OrgRole } from "../../generated/prisma/client.js";

export type { AssessmentRole, OrgRole };

export const ORG_PERMISSIONS = {
  owner: [
    "read:organization",
    "update:organization",
    "delete:organization",
    "transfer:organization",
    "read:members",
    "manage:members",
    "manage:owners",
    "manage:invitations",
    "create:assessment",
    "lead:assessments",
    "manage:templates",
    "manage:webhooks",
  ],
  admin: [
    "read:organization",
    "update:organization",
    "read:members",
    "manage:members",
    "manage:invitations",
    "create:assessment",
    "lead:assessments",
    "manage:templates",
    "manage:webhooks",
  ],
  member: ["read:organization", "read:members", "create:assessment"],
} as const satisfies Record<OrgRole, readonly string[]>;

export type OrgPermission = (typeof ORG_PERMISSIONS)[OrgRole][number];

export const ASSESSMENT_PERMISSIONS = {
  lead: [
    "read:assessment",
    "update:assessment",
    "delete:assessment",
    "manage:acl",
    "manage:activities",
    "write:red-fields",
    "write:blue-fields",
    "evaluate:activity",
    "comment:activity",
    "upload:evidence",
    "export:assessment",
  ],
  red: ["read:assessment", "write:red-fields", "comment:activity", "upload:evidence", "export:assessment"],
  blue: ["read:assessment", "write:blue-fields", "comment:activity", "upload:evidence", "export:assessment"],
  spectator: ["read:assessment", "export:assessment"],
} as const satisfies Record<AssessmentRole, readonly string[]>;

export type AssessmentPermission = (typeof ASSESSMENT_PERMISSIONS)[AssessmentRole][number];

/** True when an org role grants `permission`. */
export function orgCan(role: OrgRole, permission: OrgPermission): boolean {
  return (ORG_PERMISSIONS[role] as readonly string[]).includes(permission);
}

/** True when an assessment role grants `permission`. */
export function assessmentCan(role: AssessmentRole, permission: AssessmentPermission): boolean {
  return (ASSESSMENT_PERMISSIONS[role] as readonly string[]).includes(permission);
}

/** The assessment roles that grant `permission` (for checks made inside a SQL statement). */
export function rolesGranting(permission: AssessmentPermission): AssessmentRole[] {
  return (Object.keys(ASSESSMENT_PERMISSIONS) as AssessmentRole[]).filter((role) => assessmentCan(role, permission));
}

/**
 * The role a member holds on one assessment: org owners and admins act as lead on every
 * assessment of their organization; others hold what the ACL grants them, or nothing.
 */
export function effectiveAssessmentRole(orgRole: OrgRole, aclRole: AssessmentRole | null): AssessmentRole | null {
  if (orgCan(orgRole, "lead:assessments")) return "lead";
  return aclRole;
}

/** Whether `actor` may change the role of (or remove) a member holding `target`. */
export function canManageMember(actor: OrgRole, target: OrgRole): boolean {
  if (target === "owner") return orgCan(actor, "manage:owners");
  return orgCan(actor, "manage:members");
}

export type ActivityWorkflowStatus = "planned" | "waiting_red" | "waiting_blue" | "evaluated" | "skipped";

/**
 * Field-level rule of the red/blue workflow: red fields are written by red while the
 * activity waits for red, blue fields by blue while it waits for blue; the lead writes both
 * at any time; spectators write nothing.
 */
export function canWriteFields(role: AssessmentRole, side: "red" | "blue", status: ActivityWorkflowStatus): boolean {
  if (role === "lead") return true;
  if (side === "red") return role === "red" && (status === "planned" || status === "waiting_red");
  return role === "blue" && status === "waiting_blue";
}
