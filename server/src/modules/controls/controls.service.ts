/**
 * Defensive controls of an organization. Members read them (blue records outcomes per
 * control); owners and admins, who lead every assessment, add, change and remove them.
 */
import type { Tx } from "../../db/database.js";
import type { Prisma } from "../../generated/prisma/client.js";
import type { OrgCtx } from "../../identity/contexts.js";
import { AppError, notFound } from "../../lib/app-error.js";
import { defined } from "../../lib/defined.js";
import { isUuid } from "../../lib/ids.js";
import { pageWindow, toPage } from "../../lib/pagination.js";
import { requireOrgPermission } from "../acl/access.js";
import { recordAudit } from "../audit/audit.js";
import {
  type Control,
  type CreateControlInput,
  type ListControlsInput,
  toControl,
  type UpdateControlInput,
} from "./controls.schemas.js";

const nameTaken = () => new AppError("CONFLICT", "A control with this name already exists", "name");

const isUniqueViolation = (error: unknown) => (error as { code?: unknown } | null)?.code === "P2002";

const originOf = (ctx: OrgCtx) => ({ ip: ctx.req.ip, userAgent: ctx.req.userAgent, requestId: ctx.req.requestId });

async function assertNameFree(tx: Tx, organizationId: string, name: string, exceptId?: string): Promise<void> {
  const clash = await tx.defensiveControl.findFirst({
    where: {
      organizationId,
      name: { equals: name, mode: "insensitive" },
      ...(exceptId ? { id: { not: exceptId } } : {}),
    },
    select: { id: true },
  });
  if (clash) throw nameTaken();
}

/** The organization's controls, by name. */
export async function listControls(ctx: OrgCtx, input: ListControlsInput) {
  requireOrgPermission(ctx.org, "read:organization");
  const where: Prisma.DefensiveControlWhereInput = { organizationId: ctx.org.id, ...defined({ kind: input.kind }) };
  const { prisma } = ctx.db;
  const [total, rows] = await prisma.$transaction([
    prisma.defensiveControl.count({ where }),
    prisma.defensiveControl.findMany({ where, orderBy: [{ name: "asc" }, { id: "asc" }], ...pageWindow(input) }),
  ]);
  return toPage(rows.map(toControl), total, input.page, input.pageSize);
}

/** The control `id` of the organization `organizationId`, or NOT_FOUND on `field`. */
export async function controlOfOrg(tx: Tx, organizationId: string, id: string, field = "id") {
  const row = isUuid(id) ? await tx.defensiveControl.findFirst({ where: { id, organizationId } }) : null;
  if (!row) throw notFound("Control", field);
  return row;
}

/** One control of the organization. */
export async function getControl(ctx: OrgCtx, id: string): Promise<Control> {
  requireOrgPermission(ctx.org, "read:organization");
  return toControl(await controlOfOrg(ctx.db.prisma, ctx.org.id, id));
}

/** Adds a control (owners and admins). */
export async function createControl(ctx: OrgCtx, input: CreateControlInput): Promise<Control> {
  requireOrgPermission(ctx.org, "lead:assessments");
  const row = await ctx.db.prisma
    .$transaction(async (tx) => {
      await assertNameFree(tx, ctx.org.id, input.name);
      const created = await tx.defensiveControl.create({
        data: {
          organizationId: ctx.org.id,
          name: input.name,
          kind: input.kind,
          vendor: input.vendor ?? null,
          product: input.product ?? null,
        },
      });
      await recordAudit(tx, originOf(ctx), {
        type: "control.created",
        actorId: ctx.user.id,
        targetType: "control",
        targetId: created.id,
        metadata: { organizationId: ctx.org.id, name: created.name, kind: created.kind },
      });
      return created;
    })
    .catch((error: unknown) => {
      throw isUniqueViolation(error) ? nameTaken() : error;
    });
  return toControl(row);
}

/** Renames or re-describes a control (owners and admins). */
export async function updateControl(ctx: OrgCtx, input: UpdateControlInput): Promise<Control> {
  requireOrgPermission(ctx.org, "lead:assessments");
  const { id, ...changes } = input;
  const row = await ctx.db.prisma
    .$transaction(async (tx) => {
      await controlOfOrg(tx, ctx.org.id, id);
      if (changes.name !== undefined) await assertNameFree(tx, ctx.org.id, changes.name, id);
      const updated = await tx.defensiveControl.update({ where: { id }, data: defined(changes) });
      await recordAudit(tx, originOf(ctx), {
        type: "control.updated",
        actorId: ctx.user.id,
        targetType: "control",
        targetId: id,
        metadata: { organizationId: ctx.org.id, changes: Object.keys(defined(changes)) },
      });
      return updated;
    })
    .catch((error: unknown) => {
      throw isUniqueViolation(error) ? nameTaken() : error;
    });
  return toControl(row);
}

/** Removes a control with its outcomes and alerts (owners and admins). */
export async function deleteControl(ctx: OrgCtx, id: string): Promise<Control> {
  requireOrgPermission(ctx.org, "lead:assessments");
  const row = await ctx.db.prisma.$transaction(async (tx) => {
    const found = await controlOfOrg(tx, ctx.org.id, id);
    await tx.defensiveControl.delete({ where: { id } });
    await recordAudit(tx, originOf(ctx), {
      type: "control.deleted",
      actorId: ctx.user.id,
      targetType: "control",
      targetId: id,
      metadata: { organizationId: ctx.org.id, name: found.name },
    });
    return found;
  });
  return toControl(row);
}
