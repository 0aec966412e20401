/**
 * The outbound-event runtime: the sink services emit into, and the processors of its three
 * queues. `events` jobs fan an event out into webhook deliveries and notification mails;
 * `webhooks` jobs send deliveries; `notifications` jobs send digests. With REDIS_URL these are
 * BullMQ queues (every API node takes jobs), in-process otherwise.
 */
import type { Deps, EventRuntime } from "../../context.js";
import type { DomainEvent, QueuedEvent } from "../../events/events.js";
import type { JobQueues, Processor } from "../../jobs/queue.js";
import type { BackgroundWork } from "../../lib/background.js";
import type { Clock, IdSource } from "../../lib/clock.js";
import { type DigestJob, NOTIFICATION_QUEUE, notifyFor, runDigestJob } from "../notifications/notification-mail.js";
import { type DeliveryJob, fanOutToWebhooks, runDeliveryJob, WEBHOOK_QUEUE } from "./webhook-delivery.js";

export const EVENT_QUEUE = "events";

type EventJob = QueuedEvent & { id: string };

/** Builds the runtime; nothing is processed until `start`. */
export function createEventRuntime(options: {
  queues: JobQueues;
  background: BackgroundWork;
  clock: Clock;
  ids: IdSource;
}): EventRuntime {
  const { queues, background, clock, ids } = options;
  let processors: Processor[] = [];
  return {
    emit(event: DomainEvent) {
      const job: EventJob = { ...event, id: ids.uuid(), occurredAt: clock.now().toISOString() };
      // Off the caller's path: the write that caused the event is committed and answered already.
      background.run(`queueing event ${event.type}`, () =>
        queues.add(EVENT_QUEUE, event.type, job, {
          jobId: `event-${job.id}`,
          attempts: 5,
          backoff: { type: "exponential", delayMs: 1000 },
        }),
      );
    },
    start(deps: Deps) {
      if (processors.length > 0) return;
      processors = [
        queues.process<EventJob>(
          EVENT_QUEUE,
          async (job) => {
            await fanOutToWebhooks(deps, job.data);
            await notifyFor(deps, job.data);
          },
          { concurrency: 2 },
        ),
        queues.process<DeliveryJob>(WEBHOOK_QUEUE, (job) => runDeliveryJob(deps, job), { concurrency: 4 }),
        queues.process<DigestJob>(NOTIFICATION_QUEUE, (job) => runDigestJob(deps, job), { concurrency: 2 }),
      ];
    },
    async stop() {
      const running = processors;
      processors = [];
      await Promise.allSettled(running.map((p) => p.close()));
    },
  };
}
