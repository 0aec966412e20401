/** Matrix rules for outbound integrations: webhooks (org owners and admins) and notification preferences. */
import { type Call, orgRole, type Rule, signedIn } from "./ladders.js";
import type { World } from "./world.js";

// A public address (so the SSRF guard lets it be saved); saved inactive, so nothing is ever sent to it.
const TARGET = "https://93.184.215.14/assay-matrix";

/** An inactive webhook of org A, with one failed delivery. */
async function webhookOfOrgA(world: World): Promise<{ webhookId: string; deliveryId: string }> {
  const prisma = world.h.deps.db.prisma;
  const hook = await prisma.webhook.create({
    data: {
      organizationId: world.orgId,
      url: TARGET,
      events: ["activity.evaluated"],
      active: false,
      secretSealed: world.h.deps.auth.ring.encrypt("whsec_bWF0cml4"),
    },
  });
  const delivery = await prisma.webhookDelivery.create({
    data: {
      id: crypto.randomUUID(),
      webhookId: hook.id,
      organizationId: world.orgId,
      eventId: crypto.randomUUID(),
      eventType: "activity.evaluated",
      payload: { type: "activity.evaluated", timestamp: new Date().toISOString(), data: {} },
      status: "failed",
      attemptCount: 1,
    },
  });
  return { webhookId: hook.id, deliveryId: delivery.id };
}

const withWebhook =
  (input: (ids: { webhookId: string; deliveryId: string }) => unknown) =>
  async (world: World): Promise<Call> => ({ input: input(await webhookOfOrgA(world)) });

export const integrationRules: Record<string, Rule> = {
  "webhooks.create": {
    expect: orgRole("admin"),
    call: () => ({ input: { url: TARGET, events: ["activity.evaluated"], active: false } }),
  },
  "webhooks.list": { expect: orgRole("admin"), call: () => ({ input: {} }) },
  "webhooks.get": { expect: orgRole("admin"), call: withWebhook(({ webhookId }) => ({ id: webhookId })) },
  "webhooks.update": {
    expect: orgRole("admin"),
    call: withWebhook(({ webhookId }) => ({ id: webhookId, description: "updated by the matrix" })),
  },
  "webhooks.delete": { expect: orgRole("admin"), call: withWebhook(({ webhookId }) => ({ id: webhookId })) },
  "webhooks.deliveries": {
    expect: orgRole("admin"),
    call: withWebhook(({ webhookId }) => ({ webhookId })),
  },
  "webhooks.redeliver": {
    expect: orgRole("admin"),
    call: withWebhook(({ deliveryId }) => ({ deliveryId })),
  },
  "notifications.getPreferences": { expect: signedIn },
  "notifications.updatePreferences": { expect: signedIn, call: () => ({ input: { evaluated: true } }) },
};
