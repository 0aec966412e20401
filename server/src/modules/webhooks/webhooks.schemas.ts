import { z } from "zod";
import { EVENT_TYPES } from "../../events/events.js";
import { pageInput, pageOf } from "../../lib/pagination.js";
import { organizationIdField } from "../orgs/orgs.schemas.js";

export const eventTypeSchema = z.enum(EVENT_TYPES).meta({ id: "WebhookEventType" });

const urlSchema = z
  .string()
  .trim()
  .min(1, { error: "is required" })
  .max(2000)
  .describe("Where events are POSTed: http(s), a public address unless WEBHOOK_ALLOW_PRIVATE_NETWORKS");

const eventsSchema = z
  .array(eventTypeSchema)
  .min(1, { error: "subscribe to at least one event" })
  .max(EVENT_TYPES.length * 2)
  .transform((events) => [...new Set(events)])
  .describe("Event types this webhook receives");

const descriptionSchema = z.string().trim().max(500);

export const createWebhookInput = z.object({
  organizationId: organizationIdField,
  url: urlSchema,
  events: eventsSchema,
  description: descriptionSchema.optional(),
  active: z.boolean().optional().describe("False saves it without sending anything yet (default true)"),
});
export type CreateWebhookInput = z.infer<typeof createWebhookInput>;

export const updateWebhookInput = z.object({
  organizationId: organizationIdField,
  id: z.uuid(),
  url: urlSchema.optional(),
  events: eventsSchema.optional(),
  description: descriptionSchema.optional(),
  active: z.boolean().optional(),
});
export type UpdateWebhookInput = z.infer<typeof updateWebhookInput>;

export const webhookIdInput = z.object({ organizationId: organizationIdField, id: z.uuid() });

export const webhookSchema = z
  .object({
    id: z.uuid(),
    organizationId: z.uuid(),
    url: z.string(),
    description: z.string(),
    events: z.array(eventTypeSchema),
    active: z.boolean(),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .meta({ id: "Webhook" });
export type WebhookView = z.infer<typeof webhookSchema>;

export const createdWebhookSchema = webhookSchema
  .extend({
    secret: z
      .string()
      .describe("The signing secret (whsec_ + base64): shown only now; verify deliveries with it (Standard Webhooks)"),
  })
  .meta({ id: "CreatedWebhook" });

export const webhookPageSchema = pageOf(webhookSchema, "WebhookPage");

export const listWebhooksInput = pageInput.extend({ organizationId: organizationIdField }).prefault({});

export const deliveryAttemptSchema = z
  .object({
    attempt: z.number().int().positive(),
    succeeded: z.boolean(),
    responseStatus: z.number().int().nullable().describe("The receiver's HTTP status; null when none came"),
    durationMs: z.number().int().nonnegative(),
    error: z.string().nullable(),
    at: z.iso.datetime(),
  })
  .meta({ id: "WebhookDeliveryAttempt" });

export const deliverySchema = z
  .object({
    id: z.uuid().describe("Also the webhook-id header (msg_<id>) of every attempt"),
    webhookId: z.uuid(),
    eventType: eventTypeSchema,
    status: z.enum(["pending", "succeeded", "failed"]),
    attemptCount: z.number().int().nonnegative(),
    lastResponseStatus: z.number().int().nullable(),
    lastError: z.string().nullable(),
    lastAttemptAt: z.iso.datetime().nullable(),
    createdAt: z.iso.datetime(),
    payload: z.record(z.string(), z.unknown()).describe("The body sent: { type, timestamp, data }"),
    attempts: z.array(deliveryAttemptSchema).describe("Every attempt, oldest first"),
  })
  .meta({ id: "WebhookDelivery" });
export type DeliveryView = z.infer<typeof deliverySchema>;

export const deliveryPageSchema = pageOf(deliverySchema, "WebhookDeliveryPage");

export const listDeliveriesInput = pageInput.extend({ organizationId: organizationIdField, webhookId: z.uuid() });
export type ListDeliveriesInput = z.infer<typeof listDeliveriesInput>;

export const redeliverInput = z.object({ organizationId: organizationIdField, deliveryId: z.uuid() });
