/**
 * An organization's webhooks (owners and admins manage them): create (the signing secret
 * answered once, kept sealed), list, update, delete, the deliveries with every attempt, and
 * redelivery. Another organization's ids answer NOT_FOUND.
 */
import { randomBytes } from "node:crypto";
import type { Context } from "../../context.js";
import type { EventType } from "../../events/events.js";
import type { Prisma } from "../../generated/prisma/client.js";
import type { OrgCtx } from "../../identity/contexts.js";
import { AppError, notFound } from "../../lib/app-error.js";
import { defined } from "../../lib/defined.js";
import { pageWindow, toPage } from "../../lib/pagination.js";
import { requireOrgPermission } from "../acl/access.js";
import { queueDelivery } from "./webhook-delivery.js";
import { resolveTarget, TargetRefusedError } from "./webhook-target.js";
import type {
  CreateWebhookInput,
  DeliveryView,
  ListDeliveriesInput,
  UpdateWebhookInput,
  WebhookView,
} from "./webhooks.schemas.js";

type WebhookCtx = OrgCtx & Pick<Context, "auth" | "queues">;

type WebhookRow = Prisma.WebhookGetPayload<object>;

function toWebhook(row: WebhookRow): WebhookView {
  return {
    id: row.id,
    organizationId: row.organizationId,
    url: row.url,
    description: row.description,
    events: row.events as EventType[],
    active: row.active,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/** VALIDATION on `url` unless the target may be reached (scheme, and every address it resolves to). */
async function assertTarget(ctx: WebhookCtx, url: string): Promise<void> {
  try {
    await resolveTarget(url, ctx.config.webhooks.allowPrivateNetworks);
  } catch (error) {
    if (error instanceof TargetRefusedError) throw new AppError("VALIDATION", `Webhook URL ${error.message}`, "url");
    throw error;
  }
}

async function findWebhook(ctx: WebhookCtx, id: string): Promise<WebhookRow> {
  const row = await ctx.db.prisma.webhook.findFirst({ where: { id, organizationId: ctx.org.id } });
  if (!row) throw notFound("Webhook");
  return row;
}

/** Creates a webhook; the answer carries the signing secret, which is never shown again. */
export async function createWebhook(ctx: WebhookCtx, input: CreateWebhookInput) {
  requireOrgPermission(ctx.org, "manage:webhooks");
  await assertTarget(ctx, input.url);
  const secret = `whsec_${randomBytes(32).toString("base64")}`;
  const row = await ctx.db.prisma.webhook.create({
    data: {
      organizationId: ctx.org.id,
      url: input.url,
      events: input.events,
      description: input.description ?? "",
      active: input.active ?? true,
      secretSealed: ctx.auth.ring.encrypt(secret),
      createdById: ctx.user.id,
    },
  });
  return { ...toWebhook(row), secret };
}

/** The organization's webhooks, newest first (without their secrets). */
export async function listWebhooks(ctx: WebhookCtx, input: { page: number; pageSize: number }) {
  requireOrgPermission(ctx.org, "manage:webhooks");
  const where = { organizationId: ctx.org.id };
  const { prisma } = ctx.db;
  const [total, rows] = await prisma.$transaction([
    prisma.webhook.count({ where }),
    prisma.webhook.findMany({ where, orderBy: [{ createdAt: "desc" }, { id: "desc" }], ...pageWindow(input) }),
  ]);
  return toPage(rows.map(toWebhook), total, input.page, input.pageSize);
}

/** One webhook of the organization (without its secret). */
export async function getWebhook(ctx: WebhookCtx, id: string): Promise<WebhookView> {
  requireOrgPermission(ctx.org, "manage:webhooks");
  return toWebhook(await findWebhook(ctx, id));
}

/** Changes a webhook's URL (checked like at creation), events, description or active flag. */
export async function updateWebhook(ctx: WebhookCtx, input: UpdateWebhookInput): Promise<WebhookView> {
  requireOrgPermission(ctx.org, "manage:webhooks");
  await findWebhook(ctx, input.id);
  if (input.url !== undefined) await assertTarget(ctx, input.url);
  const row = await ctx.db.prisma.webhook.update({
    where: { id: input.id },
    data: defined({ url: input.url, events: input.events, description: input.description, active: input.active }),
  });
  return toWebhook(row);
}

/** Deletes a webhook with its deliveries; queued deliveries find it gone and stop. */
export async function deleteWebhook(ctx: WebhookCtx, id: string): Promise<WebhookView> {
  requireOrgPermission(ctx.org, "manage:webhooks");
  const row = await findWebhook(ctx, id);
  await ctx.db.prisma.webhook.delete({ where: { id } });
  return toWebhook(row);
}

const deliveryInclude = { attempts: { orderBy: { attempt: "asc" } } } as const;
type DeliveryRow = Prisma.WebhookDeliveryGetPayload<{ include: typeof deliveryInclude }>;

function toDelivery(row: DeliveryRow): DeliveryView {
  return {
    id: row.id,
    webhookId: row.webhookId,
    eventType: row.eventType as EventType,
    status: row.status,
    attemptCount: row.attemptCount,
    lastResponseStatus: row.lastResponseStatus,
    lastError: row.lastError,
    lastAttemptAt: row.lastAttemptAt?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
    payload: row.payload as Record<string, unknown>,
    attempts: row.attempts.map((a) => ({
      attempt: a.attempt,
      succeeded: a.succeeded,
      responseStatus: a.responseStatus,
      durationMs: a.durationMs,
      error: a.error,
      at: a.createdAt.toISOString(),
    })),
  };
}

/** A webhook's deliveries, newest first, each with its attempts. */
export async function listDeliveries(ctx: WebhookCtx, input: ListDeliveriesInput) {
  requireOrgPermission(ctx.org, "manage:webhooks");
  await findWebhook(ctx, input.webhookId);
  const where = { webhookId: input.webhookId };
  const { prisma } = ctx.db;
  const [total, rows] = await prisma.$transaction([
    prisma.webhookDelivery.count({ where }),
    prisma.webhookDelivery.findMany({
      where,
      include: deliveryInclude,
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      ...pageWindow(input),
    }),
  ]);
  return toPage(rows.map(toDelivery), total, input.page, input.pageSize);
}

/** Sends a finished delivery again (same webhook-id, new attempts); CONFLICT while it is still being tried. */
export async function redeliver(ctx: WebhookCtx, deliveryId: string): Promise<DeliveryView> {
  requireOrgPermission(ctx.org, "manage:webhooks");
  const { prisma } = ctx.db;
  const row = await prisma.webhookDelivery.findFirst({ where: { id: deliveryId, organizationId: ctx.org.id } });
  if (!row) throw notFound("Delivery", "deliveryId");
  if (row.status === "pending") {
    throw new AppError("CONFLICT", "This delivery is still being tried: wait for it to succeed or fail", "deliveryId");
  }
  const updated = await prisma.webhookDelivery.updateMany({
    where: { id: row.id, status: row.status },
    data: { status: "pending" },
  });
  if (updated.count === 0) throw new AppError("CONFLICT", "This delivery is already being sent again", "deliveryId");
  try {
    await queueDelivery(ctx, row.id, `redeliver-${row.id}-${row.attemptCount}`);
  } catch (error) {
    await prisma.webhookDelivery.update({ where: { id: row.id }, data: { status: row.status } });
    throw new AppError("SERVICE_UNAVAILABLE", "The job queue is unavailable: try again shortly", null, [], {
      cause: error,
    });
  }
  return toDelivery(
    await prisma.webhookDelivery.findUniqueOrThrow({ where: { id: row.id }, include: deliveryInclude }),
  );
}
