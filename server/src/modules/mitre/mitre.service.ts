/** Reading ATT&CK: the matrix's tactics, technique lists and details, and ranked search. */
import type { z } from "zod";
import type { Context } from "../../context.js";
import { Prisma } from "../../generated/prisma/client.js";
import type { AuthUser } from "../../identity/principal.js";
import { AppError } from "../../lib/app-error.js";
import { likeLiteral, pageWindow, toPage } from "../../lib/pagination.js";
import { techniqueArticles } from "../knowledge-base/technique-articles.js";
import {
  SEARCH_LIMIT,
  type searchResultSchema,
  type TechniqueListInput,
  type techniqueDetailSchema,
  type techniqueSchema,
} from "./mitre.schemas.js";
import { TACTICS_OF_T } from "./technique-mapping.js";

type Db = Pick<Context, "db">;
type TechniqueItem = z.infer<typeof techniqueSchema>;
const active = { revoked: false, deprecated: false } as const;
// Code-unit order, as the ATT&CK parser sorts: independent of the machine's locale.
const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Tactics in matrix order; retired ones only when asked. */
export async function listTactics(ctx: Db, input: { includeRetired: boolean }) {
  return ctx.db.prisma.attackTactic.findMany({
    where: input.includeRetired ? {} : active,
    orderBy: [{ matrixOrder: "asc" }, { attackId: "asc" }],
    select: {
      attackId: true,
      name: true,
      shortname: true,
      description: true,
      url: true,
      matrixOrder: true,
      revoked: true,
      deprecated: true,
    },
  });
}

/** One page of techniques matching the filters, by ATT&CK id, in one query. */
export async function listTechniques(ctx: Db, input: TechniqueListInput) {
  const conditions: Prisma.Sql[] = [];
  if (!input.includeSubtechniques) conditions.push(Prisma.sql`t."isSubtechnique" = false`);
  if (!input.includeRetired) conditions.push(Prisma.sql`t."revoked" = false AND t."deprecated" = false`);
  if (input.tactic) {
    conditions.push(Prisma.sql`EXISTS (
      SELECT 1 FROM "attack_technique_tactics" tt JOIN "attack_tactics" ta ON ta."stixId" = tt."tacticStixId"
      WHERE tt."techniqueStixId" = t."stixId"
        AND (ta."shortname" = ${input.tactic.toLowerCase()} OR ta."attackId" = ${input.tactic.toUpperCase()}))`);
  }
  if (input.platform) {
    conditions.push(Prisma.sql`EXISTS (
      SELECT 1 FROM unnest(t."platforms") AS p(name) WHERE lower(p.name) = ${input.platform.toLowerCase()})`);
  }
  if (input.q) {
    const pattern = `%${likeLiteral(input.q)}%`;
    conditions.push(Prisma.sql`(t."attackId" ILIKE ${pattern} OR t."name" ILIKE ${pattern})`);
  }
  const where = conditions.length > 0 ? Prisma.sql`WHERE ${Prisma.join(conditions, " AND ")}` : Prisma.empty;
  const { skip, take } = pageWindow(input);
  // Total and page in one round trip: the page as a JSON array next to the count of all matches.
  const [result] = await ctx.db.prisma.$queryRaw<[{ total: number; items: TechniqueItem[] }]>`
    WITH matched AS (SELECT t.* FROM "attack_techniques" t ${where}),
    page AS (SELECT * FROM matched ORDER BY "attackId" COLLATE "C" LIMIT ${take} OFFSET ${skip})
    SELECT (SELECT count(*) FROM matched)::int AS total,
      COALESCE((
        SELECT json_agg(json_build_object(
          'attackId', t."attackId", 'name', t."name", 'description', t."description",
          'platforms', t."platforms", 'tactics', ${TACTICS_OF_T}, 'isSubtechnique', t."isSubtechnique",
          'parentAttackId', t."parentAttackId", 'url', t."url", 'revoked', t."revoked", 'deprecated', t."deprecated"
        ) ORDER BY t."attackId" COLLATE "C")
        FROM page t
      ), '[]'::json) AS items`;
  return toPage(result?.items ?? [], result?.total ?? 0, input.page, input.pageSize);
}

/** Who asks, for the parts of a technique that depend on the caller's organization (X-Organization-Id). */
type Viewer = Pick<Context, "auth"> & { req?: Pick<Context["req"], "headers">; user?: AuthUser | null };

/** A technique by ATT&CK id with its sub-techniques, mitigations, linked templates and knowledge-base articles. */
export async function getTechnique(ctx: Db & Viewer, attackId: string): Promise<z.infer<typeof techniqueDetailSchema>> {
  const { prisma } = ctx.db;
  const technique = await prisma.attackTechnique.findUnique({
    where: { attackId },
    include: {
      tactics: { select: { tactic: { select: { attackId: true, shortname: true, name: true, matrixOrder: true } } } },
      mitigations: {
        where: { mitigation: active },
        select: { description: true, mitigation: { select: { attackId: true, name: true } } },
      },
    },
  });
  if (!technique) throw new AppError("NOT_FOUND", `No ATT&CK technique ${attackId}`, "id");
  const [subTechniques, activityTemplates, knowledgeBaseArticles] = await Promise.all([
    prisma.attackTechnique.findMany({
      where: { parentAttackId: attackId, isSubtechnique: true, ...active },
      orderBy: { attackId: "asc" },
      select: { attackId: true, name: true },
    }),
    // Global templates only: organization-owned ones need the org guard (templates module).
    prisma.activityTemplate.findMany({
      where: { techniques: { has: attackId }, organizationId: null, deletedAt: null },
      orderBy: [{ name: "asc" }, { id: "asc" }],
      select: { id: true, name: true, source: true, platforms: true },
    }),
    // Articles of the organization named by X-Organization-Id, when the caller may read it.
    techniqueArticles(ctx, attackId),
  ]);
  const tactics = technique.tactics
    .map((l) => l.tactic)
    .sort((a, b) => a.matrixOrder - b.matrixOrder || compare(a.attackId, b.attackId));
  return {
    attackId: technique.attackId,
    name: technique.name,
    description: technique.description,
    platforms: technique.platforms,
    tactics: tactics.map((t) => t.shortname),
    isSubtechnique: technique.isSubtechnique,
    parentAttackId: technique.parentAttackId,
    url: technique.url,
    revoked: technique.revoked,
    deprecated: technique.deprecated,
    dataSources: technique.dataSources,
    detection: technique.detection,
    version: technique.version,
    modifiedAt: technique.modifiedAt?.toISOString() ?? null,
    attackVersion: technique.attackVersion,
    tacticDetails: tactics.map(({ attackId: id, shortname, name }) => ({ attackId: id, shortname, name })),
    subTechniques,
    mitigations: technique.mitigations
      .map((l) => ({ attackId: l.mitigation.attackId, name: l.mitigation.name, description: l.description }))
      .sort((a, b) => compare(a.attackId, b.attackId)),
    activityTemplates,
    knowledgeBaseArticles,
  };
}

// The user's words as a tsquery matching any of them (websearch_to_tsquery's AND turned into OR).
// An expression of the parameter, not a join with a CTE, so the GIN index can answer it.
const ANY_WORD = (q: string) => Prisma.sql`replace(websearch_to_tsquery('english', ${q})::text, ' & ', ' | ')::tsquery`;

/**
 * Active techniques matching `q`, best first: the exact ATT&CK id, then its sub-techniques, then
 * techniques matching every word, then any word, names matching counting extra; within a tier,
 * PostgreSQL's ts_rank over name and description. The vectors are stored columns generated from
 * the row, the document's GIN-indexed (migration technique_search_index): a search computes none.
 */
export async function searchTechniques(ctx: Db, q: string): Promise<z.infer<typeof searchResultSchema>[]> {
  const id = q.trim().toUpperCase();
  // Parameters only: websearch_to_tsquery parses the user's words; `any` is its AND turned into OR,
  // an operation on the parsed query value, not on SQL text.
  // The candidates are a UNION so each arm can use its index (attackId, parentAttackId, the GIN).
  // Straight on the driver: Prisma's row mapping would cost more than the query (cf. viaDriver).
  const query = Prisma.sql`
    WITH query AS (
      SELECT websearch_to_tsquery('english', ${q}) AS every, ${ANY_WORD(q)} AS any
    ),
    candidates AS (
      SELECT t."stixId" FROM "attack_techniques" t WHERE t."attackId" = ${id}
      UNION SELECT t."stixId" FROM "attack_techniques" t WHERE t."parentAttackId" = ${id}
      UNION SELECT t."stixId" FROM "attack_techniques" t WHERE t."searchDocument" @@ ${ANY_WORD(q)}
    ),
    scored AS (
      SELECT t."stixId", t."attackId", t."name", t."isSubtechnique", t."parentAttackId", t."url",
        (CASE WHEN t."attackId" = ${id} THEN 1000 WHEN t."parentAttackId" = ${id} THEN 500 ELSE 0 END
          + CASE WHEN t."searchDocument" @@ query.every THEN 10 ELSE 0 END
          + CASE WHEN t."searchTitle" @@ query.every THEN 5 WHEN t."searchTitle" @@ query.any THEN 1 ELSE 0 END
          + ts_rank(t."searchDocument", query.any))::float8 AS rank
      FROM candidates c JOIN "attack_techniques" t ON t."stixId" = c."stixId", query
      WHERE t."revoked" = false AND t."deprecated" = false
    )
    SELECT t."attackId", t."name", t."isSubtechnique", t."parentAttackId", ${TACTICS_OF_T} AS tactics, t."url", t.rank
    FROM (SELECT * FROM scored ORDER BY rank DESC, "attackId" COLLATE "C" LIMIT ${SEARCH_LIMIT}) t
    ORDER BY t.rank DESC, t."attackId" COLLATE "C"`;
  return ctx.db.query<z.infer<typeof searchResultSchema>>(query.text, query.values);
}
