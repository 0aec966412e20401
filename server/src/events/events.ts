/**
 * Outbound events: what happened in an organization, as services announce it once their
 * change is committed. The sink hands each event to the job queue and returns at once, so
 * announcing never fails nor slows the write that caused it; webhook deliveries and mail
 * notifications are built from the queued event (modules/webhooks, modules/notifications).
 *
 *   ctx.events.emit({ type: "activity.evaluated", organizationId, actorId: ctx.user.id, data: {...} });
 */

/** Every event type a webhook may subscribe to. */
export const EVENT_TYPES = [
  "activity.waiting_blue",
  "activity.evaluated",
  "assessment.completed",
  "alert.matched",
  "execution.finished",
  "report.ready",
] as const;

export type EventType = (typeof EVENT_TYPES)[number];

/** One event: its type, the organization it happened in, who caused it, and what receivers see as `data`. */
export interface DomainEvent {
  type: EventType;
  organizationId: string;
  /** The account that caused it; null for the system (a runner, a timer). */
  actorId?: string | null;
  /** JSON data: ids and the facts a receiver needs, never secrets. */
  data: Record<string, unknown>;
}

/** An event as queued: with the time it happened (ISO 8601). */
export interface QueuedEvent extends DomainEvent {
  occurredAt: string;
}

/** Where services announce events. */
export interface EventSink {
  /** Queues `event` in the background; never throws (a failure is logged). Call after the commit. */
  emit(event: DomainEvent): void;
}
