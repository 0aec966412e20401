/**
 * Storing a chunk of checked alerts in one transaction and a fixed number of statements,
 * whatever its size: the alerts in one insert (an alert already stored, or twice in the chunk,
 * is skipped by the unique key, so concurrent pushes of the same alert store it once), the
 * candidate activities in one query, the auto matches applied together, then the matches and
 * their audit rows in one insert each.
 */
import { originOf } from "../../context.js";
import type { Tx } from "../../db/database.js";
import type { Prisma } from "../../generated/prisma/client.js";
import type { OrgContext } from "../../identity/contexts.js";
import { uuidV7 } from "../../lib/ids.js";
import { type AuditInput, recordAudits } from "../audit/audit.js";
import { type AutoMatch, applyAutoMatches } from "./alert-bulk-apply.js";
import type { NormalisedAlert } from "./alert-formats.js";
import { loadCandidateActivities, type MatchWindow, matchesOf } from "./alert-matching.js";

/** An alert that passed its checks, with its place in the request and its control. */
export interface CheckedAlert {
  index: number;
  raw: unknown;
  alert: NormalisedAlert;
  controlId: string;
}

export interface MatchNews {
  matchId: string;
  activityId: string;
  assessmentId: string;
  controlId: string;
  score: number;
  status: "applied" | "suggested";
}

export type Verdict = { kind: "duplicate" } | { kind: "matched" | "unmatched"; matches: MatchNews[] };

const keyOf = (a: { format: string; externalId: string }) => `${a.format}|${a.externalId}`;

/** Inserts the alerts, skipping stored ones; answers the ids of those it inserted, by key. */
async function insertAlerts(tx: Tx, ctx: OrgContext, items: CheckedAlert[], apiKeyId: string | null) {
  const now = ctx.clock.now();
  const records = items.map(({ raw, alert, controlId }) => ({
    id: uuidV7(now.getTime()),
    format: alert.format,
    externalId: alert.externalId,
    controlId,
    occurredAt: alert.occurredAt.toISOString(),
    host: alert.hosts[0] ?? null,
    techniques: alert.techniques,
    ruleName: alert.ruleName,
    severity: alert.severity,
    title: alert.title,
    action: alert.action,
    raw,
  }));
  const inserted = await tx.$queryRaw<{ id: string; format: string; externalId: string }[]>`
    INSERT INTO alerts (
      "id", "organizationId", "format", "externalId", "controlId", "occurredAt", "host", "techniques",
      "ruleName", "severity", "title", "action", "raw", "apiKeyId", "receivedAt")
    SELECT r."id", ${ctx.org.id}::uuid, r."format", r."externalId", r."controlId", r."occurredAt", r."host",
      r."techniques", r."ruleName", r."severity"::"Severity", r."title", r."action", r."raw", ${apiKeyId}::uuid, ${now}
    FROM jsonb_to_recordset(${JSON.stringify(records)}::jsonb) AS r(
      "id" uuid, "format" text, "externalId" text, "controlId" uuid, "occurredAt" timestamptz, "host" text,
      "techniques" text[], "ruleName" text, "severity" text, "title" text, "action" text, "raw" jsonb)
    ON CONFLICT ("organizationId", "format", "externalId") DO NOTHING
    RETURNING "id", "format", "externalId"`;
  return new Map(inserted.map((row) => [keyOf(row), row.id]));
}

interface MatchRow {
  id: string;
  organizationId: string;
  alertId: string;
  activityId: string;
  assessmentId: string;
  score: number;
  reasons: string[];
  status: "applied" | "suggested";
  previous: Prisma.InputJsonValue | null;
}

/** Inserts the matches in one statement (rows as one JSON parameter). */
async function insertMatches(tx: Tx, rows: MatchRow[], now: Date): Promise<void> {
  if (rows.length === 0) return;
  await tx.$executeRaw`
    INSERT INTO alert_matches (
      "id", "organizationId", "alertId", "activityId", "assessmentId", "score", "reasons", "status", "previous", "createdAt")
    SELECT r."id", r."organizationId", r."alertId", r."activityId", r."assessmentId", r."score", r."reasons",
      r."status"::"AlertMatchStatus", r."previous", ${now}
    FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS r(
      "id" uuid, "organizationId" uuid, "alertId" uuid, "activityId" uuid, "assessmentId" uuid, "score" integer,
      "reasons" text[], "status" text, "previous" jsonb)`;
}

/** Stores `items` (their controls resolved) in one transaction; one verdict per item, in order. */
export async function storeAlertBatch(
  ctx: OrgContext,
  items: CheckedAlert[],
  apiKeyId: string | null,
  window: MatchWindow,
): Promise<Verdict[]> {
  return ctx.db.prisma.$transaction(async (tx) => {
    const ids = await insertAlerts(tx, ctx, items, apiKeyId);
    const fresh = items.flatMap((item) => {
      const alertId = ids.get(keyOf(item.alert));
      // The first of a key in the chunk is the stored one; a second is a duplicate.
      if (alertId === undefined) return [];
      ids.delete(keyOf(item.alert));
      return [{ ...item, alertId }];
    });
    const activities = await loadCandidateActivities(
      tx,
      ctx.org.id,
      fresh.map((f) => f.alert),
      window,
    );
    const found = fresh.map((item) => ({ item, candidates: matchesOf(item.alert, activities, window) }));
    const auto: AutoMatch[] = [];
    for (const { item, candidates } of found) {
      for (const c of candidates) {
        if (c.alertMatching === "auto")
          auto.push({ activityId: c.activityId, alert: { ...item.alert, controlId: item.controlId } });
      }
    }
    const applied = await applyAutoMatches(tx, ctx, auto);

    const rows: MatchRow[] = [];
    const audits: AuditInput[] = [];
    const verdicts = new Map<number, Verdict>();
    let next = 0;
    const now = ctx.clock.now().getTime();
    for (const { item, candidates } of found) {
      const matches: MatchNews[] = [];
      for (const candidate of candidates) {
        const auto = candidate.alertMatching === "auto";
        const outcome = auto ? applied[next++] : undefined;
        if (outcome && !outcome.applied) continue;
        const id = uuidV7(now);
        const previous = outcome?.applied ? outcome.previous : null;
        rows.push({
          id,
          organizationId: ctx.org.id,
          alertId: item.alertId,
          activityId: candidate.activityId,
          assessmentId: candidate.assessmentId,
          score: candidate.score,
          reasons: candidate.reasons,
          status: auto ? "applied" : "suggested",
          previous,
        });
        audits.push({
          type: auto ? "alert.match.applied" : "alert.match.suggested",
          actorId: ctx.user.id,
          targetType: "activity",
          targetId: candidate.activityId,
          metadata: { organizationId: ctx.org.id, alertId: item.alertId, matchId: id, score: candidate.score },
        });
        matches.push({
          matchId: id,
          activityId: candidate.activityId,
          assessmentId: candidate.assessmentId,
          controlId: item.controlId,
          score: candidate.score,
          status: auto ? "applied" : "suggested",
        });
      }
      verdicts.set(item.index, { kind: matches.length > 0 ? "matched" : "unmatched", matches });
    }
    await insertMatches(tx, rows, ctx.clock.now());
    await recordAudits(tx, originOf(ctx), audits);
    return items.map((item) => verdicts.get(item.index) ?? { kind: "duplicate" });
  });
}
