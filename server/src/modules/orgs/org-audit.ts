/** What every organization write shares: its audit event, marked when a superuser acted as owner, and the org lock. */
import type { Context } from "../../context.js";
import { originOf } from "../../context.js";
import type { Tx } from "../../db/database.js";
import type { Prisma } from "../../generated/prisma/client.js";
import type { AuthUser, OrgScope } from "../../identity/principal.js";
import { recordAudit } from "../audit/audit.js";

/** The dependencies organization services use. */
export type OrgDeps = Pick<Context, "db" | "auth" | "clock" | "req" | "config" | "mailer" | "log" | "limits">;

/**
 * Records an event caused by `actor` in `org`; targets the organization unless told otherwise.
 * A superuser acting without membership is marked `viaSuperuser: true`, so such writes stand out.
 */
export function recordOrgAudit(
  tx: Tx,
  ctx: Pick<Context, "req">,
  actor: AuthUser,
  org: Pick<OrgScope, "id" | "viaSuperuser">,
  event: { type: string; targetType?: string; targetId?: string; metadata?: Prisma.InputJsonObject },
): Promise<void> {
  return recordAudit(tx, originOf(ctx), {
    type: event.type,
    actorId: actor.id,
    targetType: event.targetType ?? "organization",
    targetId: event.targetId ?? org.id,
    metadata: { organizationId: org.id, ...event.metadata, ...(org.viaSuperuser ? { viaSuperuser: true } : {}) },
  });
}

/**
 * Locks the organization row until the transaction ends, so concurrent membership changes
 * (two owners demoting each other, say) run one after the other and cannot both pass the
 * last-owner check.
 */
export async function lockOrganization(tx: Tx, organizationId: string): Promise<void> {
  await tx.$queryRaw`SELECT id FROM organizations WHERE id = ${organizationId}::uuid FOR UPDATE`;
}
