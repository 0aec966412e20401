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

/** Records one event through `tx` (a transaction client, or the client itself for single writes). */
export async function recordAudit(tx: AuditWriter, origin: RequestOrigin, event: AuditInput): Promise<void> {
  await tx.auditEvent.create({
    data: {
      type: event.type,
      actorId: event.actorId ?? null,
      targetType: event.targetType ?? null,
      targetId: event.targetId ?? null,
      ip: origin.ip,
      userAgent: origin.userAgent?.slice(0, 512) ?? null,
      requestId: origin.requestId,
      ...(event.metadata === undefined ? {} : { metadata: event.metadata }),
    },
  });
}
