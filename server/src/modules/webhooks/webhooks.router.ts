/**
 * Webhooks of the organization (webhooks.*): owners and admins manage them; a machine
 * credential needs the `admin` scope. Deliveries are signed per Standard Webhooks.
 */
import { router } from "../../trpc/init.js";
import { orgRoute } from "../../trpc/org-route.js";
import { orgProcedure } from "../../trpc/procedures.js";
import {
  createdWebhookSchema,
  createWebhookInput,
  deliveryPageSchema,
  deliverySchema,
  listDeliveriesInput,
  listWebhooksInput,
  redeliverInput,
  updateWebhookInput,
  webhookIdInput,
  webhookPageSchema,
  webhookSchema,
} from "./webhooks.schemas.js";
import {
  createWebhook,
  deleteWebhook,
  getWebhook,
  listDeliveries,
  listWebhooks,
  redeliver,
  updateWebhook,
} from "./webhooks.service.js";

const tags = ["webhooks"];

export const webhooksRouter = router({
  create: orgProcedure
    .meta({ scope: "admin" })
    .meta(
      orgRoute(
        tags,
        "POST",
        "/webhooks",
        "Create a webhook (its secret shown once)",
        "Owners and admins. The URL must be http(s) and, unless WEBHOOK_ALLOW_PRIVATE_NETWORKS, reach only public addresses. The answer's `secret` (whsec_...) verifies the webhook-signature header of every delivery; it is never shown again.",
      ),
    )
    .input(createWebhookInput)
    .output(createdWebhookSchema)
    .mutation(({ ctx, input }) => createWebhook(ctx, input)),
  list: orgProcedure
    .meta({ scope: "admin" })
    .meta(orgRoute(tags, "GET", "/webhooks", "Webhooks of the organization, newest first", "Owners and admins."))
    .input(listWebhooksInput)
    .output(webhookPageSchema)
    .query(({ ctx, input }) => listWebhooks(ctx, input)),
  get: orgProcedure
    .meta({ scope: "admin" })
    .meta(orgRoute(tags, "GET", "/webhooks/{id}", "One webhook (without its secret)", "Owners and admins."))
    .input(webhookIdInput)
    .output(webhookSchema)
    .query(({ ctx, input }) => getWebhook(ctx, input.id)),
  update: orgProcedure
    .meta({ scope: "admin" })
    .meta(
      orgRoute(
        tags,
        "PATCH",
        "/webhooks/{id}",
        "Change a webhook's URL, events, description or active flag",
        "Owners and admins; a new URL is checked like at creation.",
      ),
    )
    .input(updateWebhookInput)
    .output(webhookSchema)
    .mutation(({ ctx, input }) => updateWebhook(ctx, input)),
  delete: orgProcedure
    .meta({ scope: "admin" })
    .meta(orgRoute(tags, "DELETE", "/webhooks/{id}", "Delete a webhook and its deliveries", "Owners and admins."))
    .input(webhookIdInput)
    .output(webhookSchema)
    .mutation(({ ctx, input }) => deleteWebhook(ctx, input.id)),
  deliveries: orgProcedure
    .meta({ scope: "admin" })
    .meta(
      orgRoute(
        tags,
        "GET",
        "/webhooks/{webhookId}/deliveries",
        "A webhook's deliveries, newest first, with every attempt",
        "Owners and admins. Each attempt shows its response status, duration and error.",
      ),
    )
    .input(listDeliveriesInput)
    .output(deliveryPageSchema)
    .query(({ ctx, input }) => listDeliveries(ctx, input)),
  redeliver: orgProcedure
    .meta({ scope: "admin" })
    .meta(
      orgRoute(
        tags,
        "POST",
        "/webhooks/deliveries/{deliveryId}/redeliver",
        "Send a delivery again",
        "Owners and admins; the same webhook-id, fresh attempts. 409 while the delivery is still being tried.",
      ),
    )
    .input(redeliverInput)
    .output(deliverySchema)
    .mutation(({ ctx, input }) => redeliver(ctx, input.deliveryId)),
});
