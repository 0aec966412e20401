/**
 * An activity's ATT&CK mapping (its techniques and tactic) checked against the loaded ATT&CK
 * data, wherever activities get one (create, update, campaign instantiation, imports):
 * - every technique id must be one ATT&CK knows; revoked and deprecated ones are accepted
 *   (old plans name them) and flagged on reads (`techniqueWarnings`);
 * - a tactic, when given, must be a tactic of one of the activity's techniques (any known
 *   tactic when it has none);
 * - with techniques but no tactic, the tactic is derived: the first tactic, in matrix
 *   (kill-chain) order, of the first technique that has one. So T1055 (privilege-escalation
 *   and defense-evasion) alone gives privilege-escalation, the earlier column of the matrix.
 *   A rule rather than a refusal: most plans name one technique, and its first tactic is
 *   where the Navigator and the statistics would look for it.
 */
import { Prisma } from "../../generated/prisma/client.js";
import { AppError, type ErrorItem } from "../../lib/app-error.js";

/** A technique's tactic shortnames in matrix order, for a technique row aliased `t`. */
export const TACTICS_OF_T = Prisma.sql`ARRAY(
  SELECT ta."shortname" FROM "attack_technique_tactics" tt
  JOIN "attack_tactics" ta ON ta."stixId" = tt."tacticStixId"
  WHERE tt."techniqueStixId" = t."stixId" ORDER BY ta."matrixOrder", ta."attackId")`;

/** What the mapping rules need to know of one technique. */
export interface TechniqueFacts {
  revoked: boolean;
  deprecated: boolean;
  /** Shortnames, in matrix order. */
  tactics: string[];
}

/** The loaded ATT&CK data's view of a set of technique ids and tactic shortnames. */
export interface AttackFacts {
  /** The known techniques among those asked about (unknown ids are absent). */
  techniques: Map<string, TechniqueFacts>;
  /** The known tactics among those asked about. */
  tactics: Set<string>;
}

type SqlRunner = { $queryRaw<T>(query: Prisma.Sql): Promise<T> };

/** Looks up technique ids and tactic shortnames in the loaded ATT&CK data, in one statement (none when there is nothing to ask). */
export async function loadAttackFacts(db: SqlRunner, techniqueIds: string[], tactics: string[]): Promise<AttackFacts> {
  const ids = [...new Set(techniqueIds)];
  const names = [...new Set(tactics)];
  if (ids.length === 0 && names.length === 0) return attackFactsOf(null, null);
  const [row] = await db.$queryRaw<[{ techniques: unknown; tactics: string[] | null }]>(Prisma.sql`
    SELECT
      (SELECT json_agg(json_build_object('id', t."attackId", 'revoked', t."revoked", 'deprecated', t."deprecated",
          'tactics', ${TACTICS_OF_T}))
        FROM "attack_techniques" t WHERE t."attackId" = ANY(${ids}::text[])) AS techniques,
      ARRAY(SELECT ta."shortname" FROM "attack_tactics" ta WHERE ta."shortname" = ANY(${names}::text[])) AS tactics`);
  return attackFactsOf(row?.techniques, row?.tactics);
}

/**
 * AttackFacts from what a statement read: a json array of {id, revoked, deprecated, tactics}
 * (the known techniques) and the known tactic shortnames.
 */
export function attackFactsOf(techniques: unknown, tactics: string[] | null | undefined): AttackFacts {
  const facts: AttackFacts = { techniques: new Map(), tactics: new Set(tactics ?? []) };
  const found = (typeof techniques === "string" ? JSON.parse(techniques) : techniques) as
    | (TechniqueFacts & { id: string })[]
    | null
    | undefined;
  for (const { id, ...rest } of found ?? []) facts.techniques.set(id, rest);
  return facts;
}

/** One activity's mapping as asked for. */
export interface MappingRequest {
  techniques: string[];
  /** The tactic the caller gave; null or undefined: none. */
  tactic: string | null | undefined;
  /** The stored tactic, kept when no tactic is given and it still fits the techniques (updates). */
  current?: string | null;
  /** False when the techniques are the stored ones (an update of the tactic alone): not the caller's to fix. */
  checkTechniques?: boolean;
}

/** How to name the fields of the mapping in problems: `techniques.0` on the API, `activities[3].techniques[0]` in a document. */
export interface MappingFields {
  tactic: string;
  technique(index: number): string;
}

export const API_FIELDS: MappingFields = { tactic: "tactic", technique: (i) => `techniques.${i}` };

/** A revoked or deprecated technique an activity names. */
export interface TechniqueWarning {
  id: string;
  reason: "revoked" | "deprecated";
}

export interface CheckedMapping {
  /** The tactic to store: the one given, the current one, or the derived one. */
  tactic: string | null;
  problems: ErrorItem[];
  warnings: TechniqueWarning[];
}

const problem = (field: string, message: string): ErrorItem => ({ code: "VALIDATION", message, field });

/** Checks one mapping against `facts` (see the module comment for the rules). */
export function checkMapping(facts: AttackFacts, request: MappingRequest, fields: MappingFields): CheckedMapping {
  const problems: ErrorItem[] = [];
  const warnings: TechniqueWarning[] = [];
  const known: [string, TechniqueFacts][] = [];
  request.techniques.forEach((id, i) => {
    const technique = facts.techniques.get(id);
    if (!technique) {
      if (request.checkTechniques !== false) {
        problems.push(problem(fields.technique(i), `${id} is not a technique of the loaded ATT&CK data`));
      }
      return;
    }
    known.push([id, technique]);
    if (technique.revoked) warnings.push({ id, reason: "revoked" });
    else if (technique.deprecated) warnings.push({ id, reason: "deprecated" });
  });
  const offered = [...new Set(known.flatMap(([, t]) => t.tactics))];
  const fits = (tactic: string) => (offered.length > 0 ? offered.includes(tactic) : facts.tactics.has(tactic));
  const derived = known.find(([, t]) => t.tactics.length > 0)?.[1].tactics[0] ?? null;

  if (request.tactic) {
    if (!fits(request.tactic)) problems.push(problem(fields.tactic, tacticMismatch(request.tactic, known)));
    return { tactic: request.tactic, problems, warnings };
  }
  if (request.current && fits(request.current)) return { tactic: request.current, problems, warnings };
  return { tactic: derived, problems, warnings };
}

function tacticMismatch(tactic: string, known: [string, TechniqueFacts][]): string {
  const withTactics = known.filter(([, t]) => t.tactics.length > 0);
  if (withTactics.length === 0) return `"${tactic}" is not an ATT&CK tactic`;
  const list = withTactics.map(([id, t]) => `${id}: ${t.tactics.join(", ")}`).join("; ");
  return `"${tactic}" is not a tactic of the activity's techniques (${list})`;
}

/** The tactics a mapping request asks about (for loadAttackFacts). */
export const tacticsOf = (request: MappingRequest): string[] =>
  [request.tactic, request.current].filter((t): t is string => typeof t === "string");

/**
 * Checks one activity's mapping on the API: VALIDATION naming every field at fault (e.g.
 * `techniques.0`, `tactic`), or the tactic to store.
 */
export async function resolveMapping(db: SqlRunner, request: MappingRequest): Promise<CheckedMapping> {
  if (request.techniques.length === 0 && !request.tactic && !request.current) {
    return { tactic: null, problems: [], warnings: [] };
  }
  const facts = await loadAttackFacts(db, request.techniques, tacticsOf(request));
  return refuseProblems(checkMapping(facts, request, API_FIELDS));
}

/** VALIDATION naming every field at fault when a checked mapping has problems; else the mapping. */
export function refuseProblems(checked: CheckedMapping): CheckedMapping {
  const first = checked.problems[0];
  if (first) {
    throw new AppError("VALIDATION", first.message, first.field, checked.problems);
  }
  return checked;
}
