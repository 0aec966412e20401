/**
 * Bench data: an organization with tags and assessments made through the API (server up),
 * then its activities written with bulk SQL (server stopped, for the embedded store) — one
 * INSERT ... SELECT over generate_series per table, not the API.
 */
import { mapLimit, rest, type Session } from "./api.js";

export interface SeedPlan {
  /** Assessments the read scenarios spread over, and activities in each. */
  readAssessments: number;
  perReadAssessment: number;
  /** Assessments the write scenario adds to (start empty). */
  writeAssessments: number;
  /** Activities of the one big assessment (page 500, statistics). */
  bigActivities: number;
  tags: number;
}

export interface SeededOrg {
  orgId: string;
  tagIds: string[];
  readAssessmentIds: string[];
  writeAssessmentIds: string[];
  bigAssessmentId: string;
}

/** Anything that runs SQL with $n parameters (a pg client or PGlite). */
export interface Sql {
  query(sql: string, params?: unknown[]): Promise<unknown>;
}

const TACTICS = [
  "reconnaissance",
  "resource-development",
  "initial-access",
  "execution",
  "persistence",
  "privilege-escalation",
  "defense-evasion",
  "credential-access",
  "discovery",
  "lateral-movement",
  "collection",
  "command-and-control",
  "exfiltration",
  "impact",
];
const TECHNIQUES = [
  "T1003",
  "T1003.001",
  "T1021.001",
  "T1027",
  "T1041",
  "T1047",
  "T1053.005",
  "T1055",
  "T1059.001",
  "T1059.003",
  "T1068",
  "T1070.004",
  "T1078",
  "T1082",
  "T1083",
  "T1105",
  "T1110",
  "T1112",
  "T1136.001",
  "T1190",
  "T1204.002",
  "T1218.011",
  "T1486",
  "T1543.003",
  "T1547.001",
  "T1548.002",
  "T1566.001",
  "T1569.002",
  "T1574.002",
  "T1588.002",
];

/** Phase 1, through the API: the organization, its tags and its (empty) assessments. */
export async function seedThroughApi(session: Session, plan: SeedPlan): Promise<SeededOrg> {
  const org = await rest<{ id: string }>(session, "POST", "/orgs", { name: `Bench ${Date.now()}` });
  const inOrg = { ...session, orgId: org.id };
  const tagIds = await mapLimit(
    Array.from({ length: plan.tags }, (_, i) => i),
    4,
    async (i) =>
      (
        await rest<{ id: string }>(inOrg, "POST", "/tags", {
          name: `tag-${i}`,
          color: `#${((i * 2654435761) % 0xffffff).toString(16).padStart(6, "0")}`,
        })
      ).id,
  );
  const names = [
    ...Array.from({ length: plan.readAssessments }, (_, i) => `read-${i}`),
    ...Array.from({ length: plan.writeAssessments }, (_, i) => `write-${i}`),
    "big",
  ];
  const ids = await mapLimit(
    names,
    8,
    async (name) => (await rest<{ id: string }>(inOrg, "POST", "/assessments", { name: `Bench ${name}` })).id,
  );
  return {
    orgId: org.id,
    tagIds,
    readAssessmentIds: ids.slice(0, plan.readAssessments),
    writeAssessmentIds: ids.slice(plan.readAssessments, plan.readAssessments + plan.writeAssessments),
    bigAssessmentId: ids[ids.length - 1] as string,
  };
}

/** Phase 2, bulk SQL: the activities (realistic mix of states and results) and two tags each. */
export async function seedActivities(sql: Sql, org: SeededOrg, plan: SeedPlan): Promise<number> {
  const assessments = [...org.readAssessmentIds, org.bigAssessmentId];
  const counts = [...org.readAssessmentIds.map(() => plan.perReadAssessment), plan.bigActivities];
  await sql.query(
    `INSERT INTO activities (id, "organizationId", "assessmentId", position, title, description, tactic, techniques,
       "knowledgeBaseArticleIds", status, command, "expectLogged", "expectAlerted", "expectPrevented",
       outcome, "preventionResult", "detectionResult", "loggingResult", "notificationResult", "severityResult",
       "createdAt", "updatedAt")
     SELECT gen_random_uuid(), $1::uuid, a.id, g * 1024,
       'Activity ' || g || ': ' || ($4::text[])[1 + g % cardinality($4::text[])],
       'Run the procedure against the target and record what the blue team saw. Step ' || g || '.',
       ($3::text[])[1 + g % cardinality($3::text[])],
       ARRAY[($4::text[])[1 + g % cardinality($4::text[])], ($4::text[])[1 + (g * 7) % cardinality($4::text[])]],
       '{}'::uuid[], s.status::"ActivityStatus",
       CASE WHEN s.status <> 'planned' THEN 'whoami /all' END,
       g % 2 = 0, g % 3 = 0, g % 4 = 0,
       CASE WHEN s.status = 'evaluated' THEN (ARRAY['prevented','blocked','alerted','logged','not_detected'])[1 + (g / 5) % 5]::"ActivityOutcome" END,
       CASE WHEN s.status = 'evaluated' THEN (ARRAY['pass','fail','na'])[1 + g % 3]::"EvaluationResult" END,
       CASE WHEN s.status = 'evaluated' THEN (ARRAY['pass','fail','na'])[1 + (g / 3) % 3]::"EvaluationResult" END,
       CASE WHEN s.status = 'evaluated' THEN (ARRAY['pass','fail'])[1 + g % 2]::"EvaluationResult" END,
       CASE WHEN s.status = 'evaluated' THEN 'na'::"EvaluationResult" END,
       CASE WHEN s.status = 'evaluated' THEN (ARRAY['pass','fail','na'])[1 + (g / 7) % 3]::"EvaluationResult" END,
       now() - make_interval(mins => g), now()
     FROM unnest($2::uuid[], $5::int[]) AS a(id, n)
     CROSS JOIN LATERAL generate_series(1, a.n) AS g
     CROSS JOIN LATERAL (SELECT (ARRAY['planned','waiting_red','waiting_blue','evaluated','evaluated','skipped'])[1 + g % 6] AS status) s`,
    [org.orgId, assessments, TACTICS, TECHNIQUES, counts],
  );
  await sql.query(
    `INSERT INTO activity_tags ("activityId", "tagId")
     SELECT x.id, ($2::uuid[])[1 + (x.rn + k) % cardinality($2::uuid[])]
     FROM (SELECT id, row_number() OVER (ORDER BY id) AS rn FROM activities WHERE "organizationId" = $1::uuid) x
     CROSS JOIN generate_series(0, 1) AS k
     ON CONFLICT DO NOTHING`,
    [org.orgId, org.tagIds],
  );
  await sql.query("ANALYZE activities");
  await sql.query("ANALYZE activity_tags");
  return counts.reduce((a, b) => a + b, 0);
}
