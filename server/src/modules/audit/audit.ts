/** Writing audit events, inside the caller's transaction so the trail matches what happened. */
import type { Prisma } from "../../generated/prisma/client.js";
import { uuidV7 } from "../../lib/ids.js";

/** Where a request came from, copied onto every event it causes. */
export interface RequestOrigin {
  ip: string | null;
  userAgent: string | null;
  requestId: string | null;
}

export interface AuditInput {
  type: string;
  actorId?: string | null;
  targetType?: string | null;
  targetId?: string | null;
  metadata?: Prisma.InputJsonValue;
}

type AuditWriter = { auditEvent: Pick<Prisma.TransactionClient["auditEvent"], "create"> };
type AuditBatchWriter = Pick<Prisma.TransactionClient, "$executeRaw">;

function toRow(origin: RequestOrigin, event: AuditInput): Prisma.AuditEventCreateManyInput {
  return {
    type: event.type,
    actorId: event.actorId ?? null,
    targetType: event.targetType ?? null,
    targetId: event.targetId ?? null,
    ip: origin.ip,
    userAgent: origin.userAgent?.slice(0, 512) ?? null,
    requestId: origin.requestId,
    ...(event.metadata === undefined ? {} : { metadata: event.metadata }),
  };
}

/** Records one event through `tx` (a transaction client, or the client itself for single writes). */
export async function recordAudit(tx: AuditWriter, origin: RequestOrigin, event: AuditInput): Promise<void> {
  await tx.auditEvent.create({ data: toRow(origin, event) });
}

/**
 * Records several events of one request in a single statement (e.g. one per revoked session,
 * one per alert match): the rows travel as one JSON parameter, which costs a fraction of
 * Prisma's createMany for hundreds of rows.
 */
export async function recordAudits(tx: AuditBatchWriter, origin: RequestOrigin, events: AuditInput[]): Promise<void> {
  if (events.length === 0) return;
  const now = new Date();
  const rows = events.map((event) => ({ ...toRow(origin, event), id: uuidV7(now.getTime()) }));
  await tx.$executeRaw`
    INSERT INTO audit_events ("id", "createdAt", "type", "actorId", "targetType", "targetId", "ip", "userAgent", "requestId", "metadata")
    SELECT r."id", ${now}, r."type", r."actorId", r."targetType", r."targetId", r."ip", r."userAgent", r."requestId", r."metadata"
    FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS r(
      "id" uuid, "type" text, "actorId" uuid, "targetType" text, "targetId" text, "ip" text, "userAgent" text,
      "requestId" text, "metadata" jsonb)`;
}
