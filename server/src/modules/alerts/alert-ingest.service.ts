/**
 * Storing pushed alerts: each alert is checked on its own (normalised, its control resolved), so a
 * bad alert is reported by index and JSON path while the good ones are kept; the good ones are
 * stored once per organization, format and alert id, and matched to activities, in chunks of one
 * transaction each (alert-batch.ts). A failed chunk leaves nothing of itself behind, and a
 * retried push stores only what is missing.
 */
import { originOf } from "../../context.js";
import type { Tx } from "../../db/database.js";
import type { OrgContext } from "../../identity/contexts.js";
import { AppError } from "../../lib/app-error.js";
import { isUuid } from "../../lib/ids.js";
import { recordAudit } from "../audit/audit.js";
import { type CheckedAlert, type MatchNews, storeAlertBatch } from "./alert-batch.js";
import { type AlertFormat, FORMAT_PRODUCTS, type NormalisedAlert, normaliseAlert } from "./alert-formats.js";
import type { IngestResult } from "./alerts.schemas.js";

/** Alerts stored per transaction: big enough to amortise the statements, small enough to hold locks briefly. */
const CHUNK_SIZE = 500;

class AlertRefused extends Error {}

/** The control an alert names: its `control` field, else the key's default control, else its format's product. */
async function resolveControl(
  tx: Tx,
  organizationId: string,
  alert: NormalisedAlert,
  defaultControlId: string | null,
): Promise<string> {
  if (alert.control) {
    const named = await tx.defensiveControl.findFirst({
      where: {
        organizationId,
        OR: [
          ...(isUuid(alert.control) ? [{ id: alert.control }] : []),
          { name: { equals: alert.control, mode: "insensitive" as const } },
        ],
      },
      select: { id: true },
    });
    if (!named) throw new AlertRefused("names no control of this organization");
    return named.id;
  }
  if (defaultControlId) return defaultControlId;
  if (alert.format === "generic") {
    throw new AlertRefused("is required: name a control (its name or id), or give the API key a default control");
  }
  const { product, vendor, kind } = FORMAT_PRODUCTS[alert.format];
  const found = await tx.defensiveControl.findFirst({
    where: {
      organizationId,
      OR: [{ product: { equals: product, mode: "insensitive" } }, { name: { equals: product, mode: "insensitive" } }],
    },
    orderBy: { createdAt: "asc" },
    select: { id: true },
  });
  if (found) return found.id;
  const created = await tx.defensiveControl.upsert({
    where: { organizationId_name: { organizationId, name: product } },
    create: { organizationId, name: product, kind, vendor, product },
    update: {},
    select: { id: true },
  });
  return created.id;
}

/** Announces each match once its alert is committed, so a receiver never hears of a rolled-back one. */
function announceMatches(ctx: OrgContext, alert: NormalisedAlert, matches: MatchNews[]): void {
  for (const match of matches) {
    ctx.events.emit({
      type: "alert.matched",
      organizationId: ctx.org.id,
      actorId: ctx.user.id,
      data: {
        ...match,
        alert: { format: alert.format, id: alert.externalId, occurredAt: alert.occurredAt.toISOString() },
      },
    });
  }
}

const keyOf = (a: { format: string; externalId: string }) => `${a.format}|${a.externalId}`;

/** The keys of `alerts` already stored, read before any control is made for them. */
async function storedKeys(ctx: OrgContext, alerts: NormalisedAlert[]): Promise<Set<string>> {
  const byFormat = new Map<string, string[]>();
  for (const a of alerts) byFormat.set(a.format, [...(byFormat.get(a.format) ?? []), a.externalId]);
  if (byFormat.size === 0) return new Set();
  const rows = await ctx.db.prisma.alert.findMany({
    where: {
      organizationId: ctx.org.id,
      OR: [...byFormat].map(([format, externalIds]) => ({ format, externalId: { in: externalIds } })),
    },
    select: { format: true, externalId: true },
  });
  return new Set(rows.map(keyOf));
}

type Read = { index: number; raw: unknown; alert: NormalisedAlert };

/** Gives each new alert its control (each distinct control asked for once); refusals are reported per alert. */
async function withControls(
  ctx: OrgContext,
  fresh: Read[],
  defaultControlId: string | null,
  errors: IngestResult["errors"],
): Promise<CheckedAlert[]> {
  const resolved = new Map<string, Promise<string>>();
  const checked: CheckedAlert[] = [];
  for (const read of fresh) {
    const controlKey = `${read.alert.format}|${read.alert.control ?? ""}`;
    let controlId = resolved.get(controlKey);
    if (!controlId) {
      controlId = ctx.db.prisma.$transaction((tx) => resolveControl(tx, ctx.org.id, read.alert, defaultControlId));
      controlId.catch(() => undefined);
      resolved.set(controlKey, controlId);
    }
    try {
      checked.push({ ...read, controlId: await controlId });
    } catch (error) {
      if (!(error instanceof AlertRefused)) throw error;
      errors.push({ index: read.index, path: `$[${read.index}].control`, message: error.message });
    }
  }
  return checked;
}

/** Stores `alerts` (forced to `format` when given) for the organization of the calling key. */
export async function ingestAlerts(
  ctx: OrgContext,
  input: { alerts: unknown[]; format?: AlertFormat | undefined },
): Promise<IngestResult> {
  if (ctx.principal.credential !== "api-key" || ctx.principal.organizationId !== ctx.org.id) {
    throw new AppError(
      "FORBIDDEN",
      "Alerts are pushed with an API key bound to this organization (scope alerts:ingest)",
    );
  }
  const apiKeyId = ctx.user.sessionId;
  const key = await ctx.db.prisma.apiKey.findUnique({ where: { id: apiKeyId }, select: { defaultControlId: true } });
  const result: IngestResult = {
    received: input.alerts.length,
    stored: 0,
    duplicates: 0,
    matched: 0,
    unmatched: 0,
    errors: [],
  };
  const reads: Read[] = [];
  for (const [index, raw] of input.alerts.entries()) {
    const read = normaliseAlert(raw, index, input.format);
    if ("problems" in read) result.errors.push(...read.problems.map((p) => ({ index, ...p })));
    else reads.push({ index, raw, alert: read.alert });
  }
  const known = await storedKeys(
    ctx,
    reads.map((r) => r.alert),
  );
  result.duplicates += reads.filter((r) => known.has(keyOf(r.alert))).length;
  const fresh = reads.filter((r) => !known.has(keyOf(r.alert)));
  const checked = await withControls(ctx, fresh, key?.defaultControlId ?? null, result.errors);
  const window = {
    windowSeconds: ctx.config.alerts.matchWindowSeconds,
    skewSeconds: ctx.config.alerts.matchSkewSeconds,
  };
  for (let start = 0; start < checked.length; start += CHUNK_SIZE) {
    const chunk = checked.slice(start, start + CHUNK_SIZE);
    const verdicts = await storeAlertBatch(ctx, chunk, apiKeyId, window);
    for (const [i, verdict] of verdicts.entries()) {
      if (verdict.kind === "duplicate") {
        result.duplicates++;
        continue;
      }
      result.stored++;
      result[verdict.kind]++;
      announceMatches(ctx, (chunk[i] as CheckedAlert).alert, verdict.matches);
    }
  }
  result.errors.sort((a, b) => a.index - b.index);
  await recordAudit(ctx.db.prisma, originOf(ctx), {
    type: "alerts.ingested",
    actorId: ctx.user.id,
    targetType: "api-key",
    targetId: apiKeyId,
    metadata: { organizationId: ctx.org.id, ...result, errors: result.errors.length },
  });
  return result;
}
