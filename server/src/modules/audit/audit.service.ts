/** Reading the audit trail. */
import type { Context } from "../../context.js";
import type { Prisma } from "../../generated/prisma/client.js";
import { AppError } from "../../lib/app-error.js";
import { likeLiteral, pageWindow, toPage } from "../../lib/pagination.js";
import type { AuditListInput } from "./audit.schemas.js";

function listWhere(input: AuditListInput): Prisma.AuditEventWhereInput {
  const where: Prisma.AuditEventWhereInput = {};
  if (input.actorId) where.actorId = input.actorId;
  if (input.targetId) where.targetId = input.targetId;
  if (input.type) {
    where.type = input.type.endsWith("*") ? { startsWith: likeLiteral(input.type.slice(0, -1)) } : input.type;
  }
  if (input.from || input.to) {
    const from = input.from ? new Date(input.from) : undefined;
    const to = input.to ? new Date(input.to) : undefined;
    if (from && to && from > to) throw new AppError("VALIDATION", "must not be before `from`", "to");
    where.createdAt = { ...(from ? { gte: from } : {}), ...(to ? { lte: to } : {}) };
  }
  return where;
}

/** Events matching the filters, newest first. */
export async function listAuditEvents(ctx: Pick<Context, "db">, input: AuditListInput) {
  const where = listWhere(input);
  const { prisma } = ctx.db;
  const [total, rows] = await prisma.$transaction([
    prisma.auditEvent.count({ where }),
    // uuidv7 ids grow with time, so they order events written in the same millisecond.
    prisma.auditEvent.findMany({ where, orderBy: [{ createdAt: "desc" }, { id: "desc" }], ...pageWindow(input) }),
  ]);
  const data = rows.map((row) => ({ ...row, createdAt: row.createdAt.toISOString(), metadata: row.metadata ?? null }));
  return toPage(data, total, input.page, input.pageSize);
}
