/**
 * activities.create in ONE round trip: a call of the create_activity function (migration
 * create_activity_function: why a function, and what it checks and writes), which answers
 * what each check found and, when all passed, the rows it wrote. The Prisma interactive
 * transaction it replaces took ~12 round trips and ~8 ms of CPU per create (issue #19).
 *
 * The rules stay here: the permission comes in as the roles granting it, and the refusals are
 * built from the function's answers by the same code as before (requireRolePermission,
 * checkMapping), so errors, fields and their order are unchanged.
 */
import type { OrgCtx } from "../../identity/contexts.js";
import { notFound } from "../../lib/app-error.js";
import { uuidV7 } from "../../lib/ids.js";
import { requireRolePermission } from "../acl/access.js";
import { type AssessmentRole, effectiveAssessmentRole, rolesGranting } from "../acl/permissions.js";
import { POSITION_STEP } from "../assessments/ordering.js";
import { articleNotFound } from "../knowledge-base/knowledge-base.service.js";
import {
  API_FIELDS,
  attackFactsOf,
  type CheckedMapping,
  checkMapping,
  refuseProblems,
} from "../mitre/technique-mapping.js";
import type { Activity, CreateActivityInput } from "./activities.schemas.js";

type TagRef = Activity["tags"][number];
type AssetRef = Activity["assets"][number];

import { type ActivitySqlRow, toActivity } from "./activity-rows.js";
import { parsed } from "./activity-work-columns.js";

/** What create_activity answers (its OUT columns). */
interface CreateAnswer {
  assessmentFound: boolean;
  aclRole: AssessmentRole | null;
  groupOk: boolean | null;
  tagsOk: boolean | null;
  assetsOk: boolean | null;
  articlesOk: boolean | null;
  attackTechniques: unknown;
  attackTactics: string[] | null;
  mappingOk: boolean | null;
  /** The activities row written (json), or null when refused. */
  activityRow: unknown;
  tagRows: unknown;
  assetRows: unknown;
}

// One text for every call, so PostgreSQL prepares it once per connection (Database.query's name).
const CALL = `SELECT * FROM create_activity(${[
  "uuid",
  "uuid",
  "uuid",
  "text",
  "text[]",
  "uuid",
  "uuid[]",
  "uuid[]",
  "uuid[]",
  "text[]",
  "text",
  "uuid",
  "uuid",
  "text",
  "text",
  "boolean",
  "boolean",
  "boolean",
  "boolean",
  '"Severity"',
  "timestamptz",
  "integer",
]
  .map((type, i) => `$${i + 1}::${type}`)
  .join(", ")})`;

/** The arguments of CALL, in its order. */
function argumentsOf(ctx: OrgCtx, input: CreateActivityInput): unknown[] {
  const now = ctx.clock.now();
  const expectations = input.expectations ?? {};
  return [
    ctx.org.id,
    ctx.user.id,
    input.assessmentId,
    effectiveAssessmentRole(ctx.org.role, null),
    rolesGranting("manage:activities"),
    input.groupId ?? null,
    // Without duplicates (the function compares counts; the link tables' keys are unique).
    [...new Set(input.tagIds)],
    [...new Set(input.assetIds)],
    [...new Set(input.knowledgeBaseArticleIds)],
    input.techniques,
    input.tactic ?? null,
    uuidV7(now.getTime()),
    uuidV7(now.getTime()),
    input.title,
    input.description,
    expectations.logged ?? false,
    expectations.prevented ?? false,
    expectations.alerted ?? false,
    expectations.notified ?? false,
    expectations.expectedSeverity ?? null,
    now.toISOString(),
    POSITION_STEP,
  ];
}

/** The mapping as checkMapping sees the ATT&CK data the function read; throws VALIDATION on a problem. */
function checkedMapping(input: CreateActivityInput, answer: CreateAnswer): CheckedMapping {
  const facts = attackFactsOf(answer.attackTechniques, answer.attackTactics);
  return refuseProblems(checkMapping(facts, { techniques: input.techniques, tactic: input.tactic }, API_FIELDS));
}

/** Throws the first refusal the answers call for, in the order the checks have always run. */
function refuseFailedChecks(ctx: OrgCtx, input: CreateActivityInput, answer: CreateAnswer): never {
  if (!answer.assessmentFound) throw notFound("Assessment", "assessmentId");
  requireRolePermission(effectiveAssessmentRole(ctx.org.role, answer.aclRole), "manage:activities");
  if (!answer.groupOk) throw notFound("Activity group", "groupId");
  if (!answer.tagsOk) throw notFound("Tag", "tagIds");
  if (!answer.assetsOk) throw notFound("Asset", "assetIds");
  if (!answer.articlesOk) throw articleNotFound("knowledgeBaseArticleIds");
  checkedMapping(input, answer);
  throw new Error("create_activity refused a mapping checkMapping accepts: the two rules disagree");
}

/** The created activity as the API shows it, from the rows the function wrote. */
function createdActivity(input: CreateActivityInput, answer: CreateAnswer): Activity {
  const row = parsed<Omit<ActivitySqlRow, "tags" | "assets" | "techniqueWarnings" | "controlOutcomes">>(
    answer.activityRow,
  );
  const tags = parsed<TagRef[]>(answer.tagRows).map(({ id, name, color }) => ({ id, name, color }));
  const assets = parsed<AssetRef[]>(answer.assetRows).map(({ id, name, kind, identifier }) => ({
    id,
    name,
    kind,
    identifier,
  }));
  return toActivity({
    ...row,
    tags,
    assets,
    // checkMapping flags revoked and deprecated techniques as the reads' techniqueWarnings do.
    techniqueWarnings: checkedMapping(input, answer).warnings,
    // No control has recorded an outcome on an activity that did not exist a moment ago.
    controlOutcomes: [],
  });
}

/** Creates the activity at the end of its assessment, or throws what the checks refused. */
export async function insertActivity(ctx: OrgCtx, input: CreateActivityInput): Promise<Activity> {
  const [answer] = await ctx.db.query<CreateAnswer>(CALL, argumentsOf(ctx, input), { name: "create_activity" });
  if (!answer) throw new Error("create_activity answers one row");
  if (answer.activityRow) return createdActivity(input, answer);
  refuseFailedChecks(ctx, input, answer);
}
