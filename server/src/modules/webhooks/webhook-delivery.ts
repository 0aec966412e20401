/**
 * Webhook deliveries through the job queue: an event becomes one delivery row per active
 * webhook of its organization that subscribed to its type, each sent by a `webhooks` job
 * retried with exponential backoff (WEBHOOK_MAX_ATTEMPTS, WEBHOOK_RETRY_BASE_MS). Every
 * attempt is recorded; the body is signed per Standard Webhooks (webhook-id, webhook-timestamp,
 * webhook-signature: v1,<base64 HMAC-SHA256>) with the webhook's secret, unsealed only here.
 */
import { Webhook } from "standardwebhooks";
import type { Deps } from "../../context.js";
import type { QueuedEvent } from "../../events/events.js";
import type { Job } from "../../jobs/queue.js";
import { type AttemptOutcome, postSigned } from "./webhook-sender.js";
import { resolveTarget, TargetRefusedError } from "./webhook-target.js";

export const WEBHOOK_QUEUE = "webhooks";

type DeliveryDeps = Pick<Deps, "db" | "queues" | "config" | "auth" | "clock" | "ids" | "logger">;

export interface DeliveryJob {
  deliveryId: string;
}

/** Queues one send of delivery `deliveryId` (`jobId` keeps it from being queued twice). */
export async function queueDelivery(
  deps: Pick<Deps, "queues" | "config">,
  deliveryId: string,
  jobId = `delivery-${deliveryId}`,
): Promise<void> {
  const { maxAttempts, retryBaseMs } = deps.config.webhooks;
  await deps.queues.add<DeliveryJob>(
    WEBHOOK_QUEUE,
    "deliver",
    { deliveryId },
    {
      jobId,
      attempts: maxAttempts,
      backoff: { type: "exponential", delayMs: retryBaseMs },
    },
  );
}

/** Creates the deliveries of `event` (once per webhook, however often this runs) and queues the new ones. */
export async function fanOutToWebhooks(deps: DeliveryDeps, event: QueuedEvent & { id: string }): Promise<void> {
  const { prisma } = deps.db;
  const hooks = await prisma.webhook.findMany({
    where: { organizationId: event.organizationId, active: true, events: { has: event.type } },
    select: { id: true },
  });
  if (hooks.length === 0) return;
  const payload = {
    type: event.type,
    timestamp: event.occurredAt,
    data: { organizationId: event.organizationId, ...event.data },
  };
  await prisma.webhookDelivery.createMany({
    data: hooks.map((hook) => ({
      id: deps.ids.uuid(),
      webhookId: hook.id,
      organizationId: event.organizationId,
      eventId: event.id,
      eventType: event.type,
      payload,
    })),
    skipDuplicates: true,
  });
  const fresh = await prisma.webhookDelivery.findMany({
    where: { eventId: event.id, attemptCount: 0, status: "pending" },
    select: { id: true },
  });
  for (const delivery of fresh) await queueDelivery(deps, delivery.id);
}

/** Sends the body once: the target checked again (after DNS), then the signed POST. */
async function attempt(
  deps: DeliveryDeps,
  hook: { url: string; secretSealed: string },
  messageId: string,
  body: string,
): Promise<AttemptOutcome> {
  let target: Awaited<ReturnType<typeof resolveTarget>>;
  try {
    target = await resolveTarget(hook.url, deps.config.webhooks.allowPrivateNetworks);
  } catch (error) {
    const reason = error instanceof TargetRefusedError ? `Refused: ${error.message}` : String(error);
    return { succeeded: false, responseStatus: null, durationMs: 0, error: reason };
  }
  const sentAt = deps.clock.now();
  const signature = new Webhook(deps.auth.ring.decrypt(hook.secretSealed)).sign(messageId, sentAt, body);
  const headers = {
    "webhook-id": messageId,
    "webhook-timestamp": String(Math.floor(sentAt.getTime() / 1000)),
    "webhook-signature": signature,
  };
  return postSigned(target, body, headers, deps.config.webhooks.timeoutMs);
}

/** The `webhooks` job: one attempt of one delivery, recorded; throws to be retried while attempts remain. */
export async function runDeliveryJob(deps: DeliveryDeps, job: Job<DeliveryJob>): Promise<void> {
  const { prisma } = deps.db;
  const delivery = await prisma.webhookDelivery.findUnique({
    where: { id: job.data.deliveryId },
    include: { webhook: { select: { url: true, secretSealed: true, active: true } } },
  });
  // Gone with its webhook, or already through: nothing to send.
  if (delivery?.status !== "pending") return;
  const last = job.attempt >= job.attempts;
  const payload = delivery.payload as { type: string; timestamp: string; data: unknown };
  const body = JSON.stringify({ type: payload.type, timestamp: payload.timestamp, data: payload.data });
  const outcome: AttemptOutcome = delivery.webhook.active
    ? await attempt(deps, delivery.webhook, `msg_${delivery.id}`, body)
    : { succeeded: false, responseStatus: null, durationMs: 0, error: "The webhook is disabled" };
  const stopped = outcome.succeeded || last || !delivery.webhook.active;
  await prisma.$transaction(async (tx) => {
    const row = await tx.webhookDelivery.update({
      where: { id: delivery.id },
      data: {
        attemptCount: { increment: 1 },
        status: outcome.succeeded ? "succeeded" : stopped ? "failed" : "pending",
        lastResponseStatus: outcome.responseStatus,
        lastError: outcome.error,
        lastAttemptAt: deps.clock.now(),
      },
    });
    await tx.webhookDeliveryAttempt.create({
      data: {
        deliveryId: delivery.id,
        attempt: row.attemptCount,
        succeeded: outcome.succeeded,
        responseStatus: outcome.responseStatus,
        durationMs: outcome.durationMs,
        error: outcome.error?.slice(0, 500) ?? null,
      },
    });
  });
  if (!stopped) throw new Error(`webhook delivery ${delivery.id} failed: ${outcome.error}`);
}

const KEEP_DELIVERIES_MS = 30 * 24 * 3600_000;

/** Maintenance: drops finished deliveries (and their attempts) older than 30 days. */
export async function dropOldDeliveries(deps: Pick<Deps, "db" | "clock">): Promise<number> {
  const before = new Date(deps.clock.now().getTime() - KEEP_DELIVERIES_MS);
  const { count } = await deps.db.prisma.webhookDelivery.deleteMany({
    where: { createdAt: { lt: before }, status: { not: "pending" } },
  });
  return count;
}
