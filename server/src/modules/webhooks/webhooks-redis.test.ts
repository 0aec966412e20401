/**
 * Webhook deliveries and digest mails through BullMQ (REDIS_URL set): the same behaviour as
 * in-process, with retries and delayed digest jobs living in Redis under this file's prefix.
 */
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createTeam } from "../../test-support/assessment-fixtures.js";
import { createHarness, type Harness } from "../../test-support/harness.js";
import { waitForMail } from "../../test-support/mail.js";
import { dropRedisKeys, uniqueQueuePrefix } from "../../test-support/redis-kit.js";
import { type Receiver, startReceiver } from "../../test-support/webhook-receiver.js";

// The machine's Redis, as the multi-instance tests use it (.ci/run sets TEST_REDIS_URL and starts one).
const redisUrl = process.env.TEST_REDIS_URL;

describe.runIf(redisUrl)("webhooks over BullMQ", () => {
  const prefix = uniqueQueuePrefix();
  let h: Harness;
  let receiver: Receiver;
  beforeAll(async () => {
    h = await createHarness({
      REDIS_URL: redisUrl as string,
      QUEUE_PREFIX: prefix,
      WEBHOOK_ALLOW_PRIVATE_NETWORKS: "true",
      WEBHOOK_MAX_ATTEMPTS: "3",
      WEBHOOK_RETRY_BASE_MS: "20",
      NOTIFICATION_DIGEST_SECONDS: "1",
      RATE_LIMIT_LOGIN_PER_IP: "10000/1m",
    });
    receiver = await startReceiver();
  });
  afterAll(async () => {
    await h.close();
    await receiver.close();
    await dropRedisKeys(prefix, redisUrl);
  });

  it("retries, logs every attempt, redelivers, and mails the blue digest", async () => {
    expect(h.deps.queues.kind).toBe("bullmq");
    const team = await createTeam(h);
    const created = await team.lead.api.webhooks.create({
      url: `${receiver.url}/bull`,
      events: ["activity.waiting_blue"],
    });
    receiver.answerNext({ status: 500 });
    const activity = await team.lead.api.activities.create({ assessmentId: team.assessmentId, title: "Pass the hash" });
    await team.red.api.activities.transition({ id: activity.id, to: "waiting_red" });
    await team.red.api.activities.transition({ id: activity.id, to: "waiting_blue" });
    const delivery = await vi.waitFor(
      async () => {
        const page = await team.lead.api.webhooks.deliveries({ webhookId: created.id });
        expect(page.data[0]?.status).toBe("succeeded");
        return page.data[0];
      },
      { timeout: 10_000, interval: 50 },
    );
    expect(delivery?.attempts.map((a) => a.responseStatus)).toEqual([500, 204]);
    const last = receiver.received.at(-1);
    const payload = new Webhook(created.secret).verify(last?.body ?? "", {
      "webhook-id": String(last?.headers["webhook-id"]),
      "webhook-timestamp": String(last?.headers["webhook-timestamp"]),
      "webhook-signature": String(last?.headers["webhook-signature"]),
    });
    expect(payload).toMatchObject({ type: "activity.waiting_blue", data: { activityId: activity.id } });

    await team.lead.api.webhooks.redeliver({ deliveryId: delivery?.id as string });
    await vi.waitFor(
      async () => {
        const page = await team.lead.api.webhooks.deliveries({ webhookId: created.id });
        expect(page.data[0]).toMatchObject({ status: "succeeded", attemptCount: 3 });
      },
      { timeout: 10_000, interval: 50 },
    );

    const digest = await waitForMail(h, team.blue.email);
    expect(digest.subject).toBe("1 activity waits for blue");
    expect(digest.text).toContain("Pass the hash");
  });
});
