import { z } from "zod";
import { pageInput, pageOf } from "../../lib/pagination.js";

export const auditEventSchema = z
  .object({
    id: z.uuid(),
    createdAt: z.iso.datetime(),
    type: z.string().describe("e.g. auth.login.succeeded, admin.user.role_changed, session.revoked"),
    actorId: z.string().nullable().describe("The account that caused the event; null for anonymous or system events"),
    targetType: z.string().nullable(),
    targetId: z.string().nullable(),
    ip: z.string().nullable(),
    userAgent: z.string().nullable(),
    requestId: z.string().nullable(),
    metadata: z.unknown().describe("Event-specific JSON, or null"),
  })
  .meta({ id: "AuditEvent" });

export const auditEventPageSchema = pageOf(auditEventSchema, "AuditEventPage");

const datetime = z.iso.datetime({ offset: true });

export const auditListInput = pageInput
  .extend({
    actorId: z.uuid().optional(),
    targetId: z.string().max(200).optional(),
    type: z
      .string()
      .max(100)
      .regex(/^[A-Za-z0-9_.-]*\*?$/, { error: "must be an event type, or a prefix ending in *" })
      .describe("Exact type, or a prefix ending in * (e.g. auth.*)")
      .optional(),
    from: datetime.describe("Events at or after this instant").optional(),
    to: datetime.describe("Events at or before this instant").optional(),
  })
  .prefault({});

export type AuditListInput = z.infer<typeof auditListInput>;
