/** Writing audit events, inside the caller's transaction so the trail matches what happened. */
import type { Prisma } from "../../generated/prisma/client.js";

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
type AuditBatchWriter = { auditEvent: Pick<Prisma.TransactionClient["auditEvent"], "createMany"> };

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

/** Records several events of one request in a single statement (e.g. one per revoked session). */
export async function recordAudits(tx: AuditBatchWriter, origin: RequestOrigin, events: AuditInput[]): Promise<void> {
  if (events.length === 0) return;
  await tx.auditEvent.createMany({ data: events.map((event) => toRow(origin, event)) });
}
