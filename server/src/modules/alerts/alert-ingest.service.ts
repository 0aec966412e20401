/**
 * Storing pushed alerts: each alert is its own unit (normalised, its control resolved, stored
 * once per organization, format and alert id, matched to activities in one transaction); a bad
 * alert is reported by index and JSON path while the good ones are kept.
 */
import { originOf } from "../../context.js";
import type { Tx } from "../../db/database.js";
import type { Prisma } from "../../generated/prisma/client.js";
import type { OrgContext } from "../../identity/contexts.js";
import { AppError } from "../../lib/app-error.js";
import { isUuid } from "../../lib/ids.js";
import { recordAudit } from "../audit/audit.js";
import { applyAlert } from "./alert-apply.js";
import { type AlertFormat, FORMAT_PRODUCTS, type NormalisedAlert, normaliseAlert } from "./alert-formats.js";
import { findCandidates } from "./alert-matching.js";
import type { IngestResult } from "./alerts.schemas.js";

class AlertRefused extends Error {
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(message);
  }
}

const isUniqueViolation = (error: unknown) => (error as { code?: unknown } | null)?.code === "P2002";

/** The control an alert names: its `control` field, else the key's default control, else its format's product. */
async function resolveControl(
  tx: Tx,
  ctx: OrgContext,
  alert: NormalisedAlert,
  index: number,
  defaultControlId: string | null,
): Promise<string> {
  const organizationId = ctx.org.id;
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
    if (!named) throw new AlertRefused(`$[${index}].control`, "names no control of this organization");
    return named.id;
  }
  if (defaultControlId) return defaultControlId;
  if (alert.format === "generic") {
    throw new AlertRefused(
      `$[${index}].control`,
      "is required: name a control (its name or id), or give the API key a default control",
    );
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

type Verdict = "duplicate" | "matched" | "unmatched";

interface MatchNews {
  matchId: string;
  activityId: string;
  assessmentId: string;
  controlId: string;
  score: number;
  status: "applied" | "suggested";
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

async function storeAlert(
  ctx: OrgContext,
  raw: unknown,
  alert: NormalisedAlert,
  index: number,
  keys: { apiKeyId: string | null; defaultControlId: string | null },
  controls: Map<string, string>,
): Promise<Verdict> {
  const { config } = ctx;
  const matches: MatchNews[] = [];
  return ctx.db.prisma
    .$transaction(async (tx) => {
      const key = { organizationId: ctx.org.id, format: alert.format, externalId: alert.externalId };
      const existing = await tx.alert.findUnique({
        where: { organizationId_format_externalId: key },
        select: { id: true },
      });
      if (existing) return "duplicate";
      // Controls resolved by earlier alerts of the request (committed) are reused.
      const controlKey = `${alert.format}|${alert.control ?? ""}`;
      const controlId =
        controls.get(controlKey) ?? (await resolveControl(tx, ctx, alert, index, keys.defaultControlId));
      const stored = await tx.alert.create({
        data: {
          ...key,
          controlId,
          occurredAt: alert.occurredAt,
          host: alert.hosts[0] ?? null,
          techniques: alert.techniques,
          ruleName: alert.ruleName,
          severity: alert.severity,
          title: alert.title,
          action: alert.action,
          raw: raw as Prisma.InputJsonValue,
          apiKeyId: keys.apiKeyId,
        },
      });
      const candidates = await findCandidates(tx, ctx.org.id, alert, {
        windowSeconds: config.alerts.matchWindowSeconds,
        skewSeconds: config.alerts.matchSkewSeconds,
      });
      for (const candidate of candidates) {
        const auto = candidate.alertMatching === "auto";
        const previous = auto ? await applyAlert(tx, ctx, candidate.activityId, { ...alert, controlId }) : null;
        const match = await tx.alertMatch.create({
          data: {
            organizationId: ctx.org.id,
            alertId: stored.id,
            activityId: candidate.activityId,
            assessmentId: candidate.assessmentId,
            score: candidate.score,
            reasons: candidate.reasons,
            status: auto ? "applied" : "suggested",
            ...(previous === null ? {} : { previous }),
          },
        });
        matches.push({
          matchId: match.id,
          activityId: candidate.activityId,
          assessmentId: candidate.assessmentId,
          controlId,
          score: candidate.score,
          status: auto ? "applied" : "suggested",
        });
        await recordAudit(tx, originOf(ctx), {
          type: auto ? "alert.match.applied" : "alert.match.suggested",
          actorId: ctx.user.id,
          targetType: "activity",
          targetId: candidate.activityId,
          metadata: { organizationId: ctx.org.id, alertId: stored.id, matchId: match.id, score: candidate.score },
        });
      }
      return { verdict: candidates.length > 0 ? "matched" : "unmatched", controlKey, controlId } as const;
    })
    .then((stored) => {
      if (stored === "duplicate") return stored;
      controls.set(stored.controlKey, stored.controlId);
      announceMatches(ctx, alert, matches);
      return stored.verdict;
    });
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
  const keys = { apiKeyId, defaultControlId: key?.defaultControlId ?? null };
  const controls = new Map<string, string>();
  const result: IngestResult = {
    received: input.alerts.length,
    stored: 0,
    duplicates: 0,
    matched: 0,
    unmatched: 0,
    errors: [],
  };
  for (const [index, raw] of input.alerts.entries()) {
    const read = normaliseAlert(raw, index, input.format);
    if ("problems" in read) {
      result.errors.push(...read.problems.map((p) => ({ index, ...p })));
      continue;
    }
    try {
      const verdict = await storeAlert(ctx, raw, read.alert, index, keys, controls);
      if (verdict === "duplicate") result.duplicates++;
      else {
        result.stored++;
        result[verdict]++;
      }
    } catch (error) {
      if (error instanceof AlertRefused) result.errors.push({ index, path: error.path, message: error.message });
      else if (isUniqueViolation(error)) result.duplicates++;
      else throw error;
    }
  }
  await recordAudit(ctx.db.prisma, originOf(ctx), {
    type: "alerts.ingested",
    actorId: ctx.user.id,
    targetType: "api-key",
    targetId: apiKeyId,
    metadata: { organizationId: ctx.org.id, ...result, errors: result.errors.length },
  });
  return result;
}
