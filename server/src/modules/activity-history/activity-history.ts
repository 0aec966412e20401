/**
 * The field-level history of activities: every change becomes one row (who, which field,
 * old value, new value, when), written through the transaction that made the change.
 */

import type { Tx } from "../../db/database.js";
import type { Prisma } from "../../generated/prisma/client.js";
import type { OrgCtx } from "../../identity/contexts.js";
import { uuidV7 } from "../../lib/ids.js";
import { type PageInput, pageWindow, toPage } from "../../lib/pagination.js";

export interface FieldChange {
  /** The API path of the field, e.g. "red.command". */
  field: string;
  oldValue: unknown;
  newValue: unknown;
}

/** A value as stored in history: dates as ISO strings, id lists sorted. */
function normalise(value: unknown): Prisma.InputJsonValue | null {
  if (value === undefined || value === null) return null;
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return [...value].map((v) => normalise(v) as Prisma.InputJsonValue);
  return value as Prisma.InputJsonValue;
}

/** The changes between `before` and `after` for each field named in `fields` (api path -> key). */
export function changesOf<T extends object>(
  before: T,
  after: { [K in keyof T]?: T[K] | undefined },
  fields: ReadonlyArray<readonly [string, keyof T]>,
): FieldChange[] {
  const changes: FieldChange[] = [];
  for (const [path, key] of fields) {
    if (!(key in after) || after[key] === undefined) continue;
    const oldValue = normalise(before[key]);
    const newValue = normalise(after[key]);
    if (JSON.stringify(oldValue) !== JSON.stringify(newValue)) changes.push({ field: path, oldValue, newValue });
  }
  return changes;
}

/** A change of an id set (tags, assets), compared as sets. */
export function setChange(field: string, before: string[], after: string[] | undefined): FieldChange[] {
  if (after === undefined) return [];
  const oldValue = [...before].sort();
  const newValue = [...new Set(after)].sort();
  return JSON.stringify(oldValue) === JSON.stringify(newValue) ? [] : [{ field, oldValue, newValue }];
}

type HistoryCtx = Pick<OrgCtx, "user" | "org" | "clock">;

/**
 * Writes changes of several activities in one statement, inside the caller's transaction; the
 * rows travel as one JSON parameter (bulk paths write thousands: imports, clones, alert matches).
 */
export async function recordHistories(
  tx: Tx,
  ctx: HistoryCtx,
  entries: (FieldChange & { activityId: string })[],
): Promise<void> {
  if (entries.length === 0) return;
  const createdAt = ctx.clock.now();
  const rows = entries.map((change) => ({
    id: uuidV7(createdAt.getTime()),
    activityId: change.activityId,
    field: change.field,
    oldValue: normalise(change.oldValue),
    newValue: normalise(change.newValue),
  }));
  await tx.$executeRaw`
    INSERT INTO activity_history ("id", "organizationId", "activityId", "actorId", "field", "oldValue", "newValue", "createdAt")
    SELECT r."id", ${ctx.org.id}::uuid, r."activityId", ${ctx.user.id}::uuid, r."field", r."oldValue", r."newValue", ${createdAt}
    FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS r(
      "id" uuid, "activityId" uuid, "field" text, "oldValue" jsonb, "newValue" jsonb)`;
}

/** Writes the changes of one activity in one statement, inside the caller's transaction. */
export function recordHistory(tx: Tx, ctx: HistoryCtx, activityId: string, changes: FieldChange[]): Promise<void> {
  return recordHistories(
    tx,
    ctx,
    changes.map((change) => ({ ...change, activityId })),
  );
}

/** One page of an activity's history, newest first (the caller has checked read access). */
export async function listHistory(ctx: OrgCtx, input: PageInput & { id: string }) {
  const where = { activityId: input.id, organizationId: ctx.org.id };
  const { prisma } = ctx.db;
  const [total, rows] = await prisma.$transaction([
    prisma.activityHistory.count({ where }),
    prisma.activityHistory.findMany({ where, orderBy: [{ createdAt: "desc" }, { id: "desc" }], ...pageWindow(input) }),
  ]);
  return toPage(
    rows.map((row) => ({
      id: row.id,
      activityId: row.activityId,
      actorId: row.actorId,
      field: row.field,
      oldValue: row.oldValue ?? null,
      newValue: row.newValue ?? null,
      createdAt: row.createdAt.toISOString(),
    })),
    total,
    input.page,
    input.pageSize,
  );
}
