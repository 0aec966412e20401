/** Audit events of template writes, recorded in the transaction that made them. */
import { originOf } from "../../context.js";
import type { Prisma } from "../../generated/prisma/client.js";
import { recordAudit } from "../audit/audit.js";
import type { TemplateCtx } from "./template-scope.js";
import type { TemplateKindName } from "./templates-transfer.schemas.js";

export type TemplateKind = TemplateKindName;

const TARGET_TYPES: Record<TemplateKind, string> = {
  activity: "activity_template",
  activityGroup: "activity_group_template",
  campaign: "campaign_template",
  evaluation: "evaluation_template",
  report: "report_template",
};

type AuditTx = Pick<Prisma.TransactionClient, "auditEvent">;

/** Records `template.<action>` for one template (its kind, scope and name in the metadata). */
export function auditTemplate(
  ctx: Pick<TemplateCtx, "req" | "user">,
  tx: AuditTx,
  action: "created" | "updated" | "deleted",
  kind: TemplateKind,
  row: { id: string; organizationId: string | null; name: string },
  metadata: Prisma.InputJsonObject = {},
): Promise<void> {
  return recordAudit(tx, originOf(ctx), {
    type: `template.${action}`,
    actorId: ctx.user.id,
    targetType: TARGET_TYPES[kind],
    targetId: row.id,
    metadata: { kind, organizationId: row.organizationId, name: row.name, ...metadata },
  });
}
