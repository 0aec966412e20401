/**
 * Benchmark-only routes, "the limit" that `pnpm bench` (tests/bench) measures the doors
 * against: the read and write paths of activities with nothing around them — no
 * authentication, no organization or assessment checks, no tRPC/REST adapter, no Zod on the
 * way in or out. Mounted under /bench only when BENCH_ROUTES=true, which the config refuses
 * in production.
 *
 * GET  /bench/bare/activities?assessmentId=&page=&pageSize=  the statement of activities.list
 *      (fetchActivityPage, straight on the driver) and the same page shape
 * POST /bench/bare/activities {assessmentId, title, techniques?, tagIds?}  one INSERT statement
 *      doing what activities.create writes (activity at the end, its tags, the history row)
 * POST /bench/gc  a full garbage collection (with --expose-gc), then RSS and heap used
 */
import { randomUUID } from "node:crypto";
import { Hono } from "hono";
import type { Deps } from "../context.js";
import { isUuid } from "../lib/ids.js";
import { PAGE_SIZE_DEFAULT, PAGE_SIZE_MAX, toPage } from "../lib/pagination.js";
import { fetchActivityPage, viaDriver } from "../modules/activities/activity-rows.js";
import { POSITION_STEP } from "../modules/assessments/ordering.js";
import { publicRoute } from "./route-guard.js";
import type { AppEnv } from "./types.js";

const bad = (message: string) => ({ success: false, errors: [{ code: "VALIDATION", message, field: null }] });

function intParam(value: string | undefined, fallback: number, max: number): number | undefined {
  if (value === undefined || value === "") return fallback;
  const n = Number(value);
  return Number.isInteger(n) && n >= 1 && n <= max ? n : undefined;
}

const INSERT_ACTIVITY = `
  WITH created AS (
    INSERT INTO activities (id, "organizationId", "assessmentId", position, title, techniques,
      "knowledgeBaseArticleIds", "updatedAt")
    SELECT $1::uuid, $2::uuid, $3::uuid,
      COALESCE((SELECT max(position) FROM activities WHERE "assessmentId" = $3::uuid AND "deletedAt" IS NULL), 0) + ${POSITION_STEP},
      $4, $5::text[], '{}'::uuid[], now()
    RETURNING id
  ), tagged AS (
    INSERT INTO activity_tags ("activityId", "tagId") SELECT created.id, unnest($6::uuid[]) FROM created
  ), history AS (
    INSERT INTO activity_history (id, "organizationId", "activityId", field, "newValue")
    SELECT $7::uuid, $2::uuid, created.id, 'created', jsonb_build_object('title', $4::text) FROM created
  )
  SELECT id FROM created`;

export function benchRoutes(deps: Deps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  // The organization of each assessment, looked up once: the bare routes take no org header.
  const orgOf = new Map<string, string>();
  async function organizationOf(assessmentId: string): Promise<string | undefined> {
    const known = orgOf.get(assessmentId);
    if (known) return known;
    const rows = await deps.db.query<{ organizationId: string }>(
      `SELECT "organizationId" FROM assessments WHERE id = $1::uuid AND "deletedAt" IS NULL`,
      [assessmentId],
    );
    const found = rows[0]?.organizationId;
    if (found) orgOf.set(assessmentId, found);
    return found;
  }

  // BENCH_ROUTES only (refused in production): the bare limit the benchmark compares against.
  const open = publicRoute("benchmark limit routes, mounted only with BENCH_ROUTES=true");
  app.get("/bare/activities", open, async (c) => {
    const assessmentId = c.req.query("assessmentId") ?? "";
    const page = intParam(c.req.query("page"), 1, 1_000_000);
    const pageSize = intParam(c.req.query("pageSize"), PAGE_SIZE_DEFAULT, PAGE_SIZE_MAX);
    if (!isUuid(assessmentId) || page === undefined || pageSize === undefined) {
      return c.json(bad("assessmentId (uuid), page and pageSize (positive integers) expected"), 400);
    }
    const organizationId = await organizationOf(assessmentId);
    if (!organizationId) return c.json(bad("no such assessment"), 404);
    const { items, total } = await fetchActivityPage(
      viaDriver(deps.db),
      organizationId,
      assessmentId,
      {},
      { skip: (page - 1) * pageSize, take: pageSize },
    );
    return c.json(toPage(items, total, page, pageSize));
  });

  app.post("/bare/activities", open, async (c) => {
    const body = (await c.req.json().catch(() => undefined)) as
      | { assessmentId?: unknown; title?: unknown; techniques?: unknown; tagIds?: unknown }
      | undefined;
    const assessmentId = typeof body?.assessmentId === "string" ? body.assessmentId : "";
    const title = typeof body?.title === "string" ? body.title : "";
    const techniques = Array.isArray(body?.techniques) ? body.techniques.map(String) : [];
    const tagIds = Array.isArray(body?.tagIds) ? body.tagIds.map(String) : [];
    if (!isUuid(assessmentId) || title === "" || !tagIds.every((id) => isUuid(id))) {
      return c.json(bad("assessmentId (uuid), title, techniques and tagIds (uuids) expected"), 400);
    }
    const organizationId = await organizationOf(assessmentId);
    if (!organizationId) return c.json(bad("no such assessment"), 404);
    const rows = await deps.db.query<{ id: string }>(INSERT_ACTIVITY, [
      randomUUID(),
      organizationId,
      assessmentId,
      title,
      techniques,
      tagIds,
      randomUUID(),
    ]);
    return c.json({ id: rows[0]?.id }, 201);
  });

  // Memory is read after a full collection (the bench starts the server with --expose-gc): RSS
  // read between collections measures when V8 last collected, not what the server retains.
  app.post("/gc", open, (c) => {
    const collect = (globalThis as { gc?: () => void }).gc;
    collect?.();
    collect?.();
    const { rss, heapUsed } = process.memoryUsage();
    return c.json({ collected: collect !== undefined, rss, heapUsed });
  });

  return app;
}
