/**
 * Mail notifications built from queued events: blue members of an assessment get one digest
 * of the activities that started waiting for them (collected for NOTIFICATION_DIGEST_SECONDS
 * from the first one, by a delayed `notifications` job), red and the lead a mail when an
 * activity is evaluated. Only people holding that role in the assessment's ACL, still active,
 * who did not turn the mail off, and never the person who caused the event.
 */
import type { Deps } from "../../context.js";
import type { QueuedEvent } from "../../events/events.js";
import type { AssessmentRole } from "../../generated/prisma/client.js";
import type { Job } from "../../jobs/queue.js";
import { inertName } from "../../lib/mail/user-text.js";

export const NOTIFICATION_QUEUE = "notifications";

type NotifyDeps = Pick<Deps, "db" | "queues" | "config" | "clock" | "mailer" | "logger">;

export interface DigestJob {
  userId: string;
}

interface ActivitySummary {
  assessmentId: string;
  assessmentName: string;
  activityId: string;
  title: string;
}

/** Active holders of `roles` on the assessment who want `preference` mail, the actor left out. */
async function recipients(
  deps: NotifyDeps,
  assessmentId: string,
  roles: AssessmentRole[],
  preference: "waitingBlue" | "evaluated",
  actorId: string | null | undefined,
) {
  const rows = await deps.db.prisma.assessmentAcl.findMany({
    where: {
      assessmentId,
      role: { in: roles },
      user: { isActive: true, deletedAt: null },
      ...(actorId ? { userId: { not: actorId } } : {}),
    },
    select: { user: { select: { id: true, email: true, name: true, notificationPrefs: true } } },
  });
  const users = new Map(rows.map((r) => [r.user.id, r.user]));
  return [...users.values()].filter((u) => u.notificationPrefs?.[preference] !== false);
}

async function summaryOf(deps: NotifyDeps, event: QueuedEvent): Promise<ActivitySummary | null> {
  const assessmentId = String(event.data.assessmentId ?? "");
  const assessment = await deps.db.prisma.assessment.findFirst({
    where: { id: assessmentId, organizationId: event.organizationId, deletedAt: null },
    select: { name: true },
  });
  if (!assessment) return null;
  return {
    assessmentId,
    assessmentName: assessment.name,
    activityId: String(event.data.activityId ?? ""),
    title: String(event.data.title ?? ""),
  };
}

const linkOf = (deps: NotifyDeps, s: Pick<ActivitySummary, "assessmentId" | "activityId">) =>
  `${deps.config.appUrl}/assessments/${s.assessmentId}/activities/${s.activityId}`;

/** Queues the digest of `userId`'s unsent items, due NOTIFICATION_DIGEST_SECONDS after the oldest. */
async function scheduleDigest(deps: NotifyDeps, userId: string): Promise<void> {
  const oldest = await deps.db.prisma.notificationDigestItem.findFirst({
    where: { userId, sentAt: null },
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
    select: { id: true, createdAt: true },
  });
  if (!oldest) return;
  const due = oldest.createdAt.getTime() + deps.config.notifications.digestSeconds * 1000;
  // One job per collection window: its id is the window's first item.
  await deps.queues.add<DigestJob>(
    NOTIFICATION_QUEUE,
    "digest",
    { userId },
    {
      jobId: `digest-${oldest.id}`,
      delayMs: Math.max(0, due - deps.clock.now().getTime()),
      attempts: 3,
      backoff: { type: "exponential", delayMs: 1000 },
    },
  );
}

async function collectWaitingBlue(deps: NotifyDeps, event: QueuedEvent & { id: string }): Promise<void> {
  const summary = await summaryOf(deps, event);
  if (!summary) return;
  const people = await recipients(deps, summary.assessmentId, ["blue"], "waitingBlue", event.actorId);
  if (people.length === 0) return;
  await deps.db.prisma.notificationDigestItem.createMany({
    data: people.map((p) => ({
      userId: p.id,
      organizationId: event.organizationId,
      eventId: event.id,
      assessmentId: summary.assessmentId,
      activityId: summary.activityId,
      summary: { ...summary },
      createdAt: deps.clock.now(),
    })),
    skipDuplicates: true,
  });
  for (const person of people) await scheduleDigest(deps, person.id);
}

async function mailEvaluated(deps: NotifyDeps, event: QueuedEvent): Promise<void> {
  const summary = await summaryOf(deps, event);
  if (!summary) return;
  const people = await recipients(deps, summary.assessmentId, ["red", "lead"], "evaluated", event.actorId);
  const title = inertName(summary.title);
  const results = (event.data.evaluation ?? {}) as Record<string, string | null>;
  const lines = Object.entries(results).map(([category, result]) => `  ${category}: ${result ?? "-"}`);
  for (const person of people) {
    await deps.mailer.send({
      to: person.email,
      subject: `Evaluated: ${title}`.slice(0, 200),
      text: [
        `Hello ${inertName(person.name)},`,
        "",
        `The activity "${title}" of the assessment "${inertName(summary.assessmentName)}" was evaluated.`,
        `Blue's outcome: ${String(event.data.outcome ?? "-")}`,
        ...lines,
        "",
        linkOf(deps, summary),
        "",
        "You get this mail as red or lead of the assessment; turn it off in your notification preferences.",
      ].join("\n"),
    });
  }
}

/** What notifications `event` brings (queued event processor). */
export async function notifyFor(deps: NotifyDeps, event: QueuedEvent & { id: string }): Promise<void> {
  if (event.type === "activity.waiting_blue") await collectWaitingBlue(deps, event);
  else if (event.type === "activity.evaluated") await mailEvaluated(deps, event);
}

/** The digest job: mails `userId` the activities collected (still waiting for blue), then marks them sent. */
export async function runDigestJob(deps: NotifyDeps, job: Job<DigestJob>): Promise<void> {
  const { prisma } = deps.db;
  const { userId } = job.data;
  const items = await prisma.notificationDigestItem.findMany({
    where: { userId, sentAt: null },
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
  });
  if (items.length === 0) return;
  const [user, waiting] = await Promise.all([
    prisma.user.findFirst({
      where: { id: userId, isActive: true, deletedAt: null },
      select: { email: true, name: true, notificationPrefs: true },
    }),
    prisma.activity.findMany({
      where: { id: { in: items.map((i) => i.activityId) }, status: "waiting_blue", deletedAt: null },
      select: { id: true },
    }),
  ]);
  const stillWaiting = new Set(waiting.map((a) => a.id));
  const seen = new Set<string>();
  const list = items
    .map((i) => i.summary as unknown as ActivitySummary)
    .filter((s) => stillWaiting.has(s.activityId) && !seen.has(s.activityId) && seen.add(s.activityId));
  if (user && user.notificationPrefs?.waitingBlue !== false && list.length > 0) {
    const lines = list.flatMap((s) => [
      `- ${inertName(s.title)} (${inertName(s.assessmentName)})`,
      `  ${linkOf(deps, s)}`,
    ]);
    await deps.mailer.send({
      to: user.email,
      subject: list.length === 1 ? "1 activity waits for blue" : `${list.length} activities wait for blue`,
      text: [
        `Hello ${inertName(user.name)},`,
        "",
        "These activities now wait for the blue team's findings:",
        "",
        ...lines,
        "",
        "You get this digest as blue in these assessments; turn it off in your notification preferences.",
      ].join("\n"),
    });
  }
  await prisma.notificationDigestItem.updateMany({
    where: { id: { in: items.map((i) => i.id) } },
    data: { sentAt: deps.clock.now() },
  });
  // Items that came in while this ran start the next window.
  await scheduleDigest(deps, userId);
}

const KEEP_SENT_DIGEST_ITEMS_MS = 7 * 24 * 3600_000;

/** Maintenance: drops digest items mailed more than a week ago. */
export async function dropSentDigestItems(deps: Pick<Deps, "db" | "clock">): Promise<number> {
  const before = new Date(deps.clock.now().getTime() - KEEP_SENT_DIGEST_ITEMS_MS);
  const { count } = await deps.db.prisma.notificationDigestItem.deleteMany({ where: { sentAt: { lt: before } } });
  return count;
}
