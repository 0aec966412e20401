/**
 * Webhooks end to end: a real receiver on 127.0.0.1 verifies every delivery with the
 * `standardwebhooks` library as a consumer would; retries with every attempt logged,
 * redelivery, redirects not followed, the secret shown once, tenancy and org-admin rules.
 */
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { addMember, createTeam, expectCode } from "../../test-support/assessment-fixtures.js";
import { registerTools, toolAdmin, waitForStatus } from "../../test-support/execution-kit.js";
import { createHarness, type Harness } from "../../test-support/harness.js";
import {
  type ReceivedRequest,
  type Receiver,
  requestsArriving,
  startReceiver,
} from "../../test-support/webhook-receiver.js";
import { dropOldDeliveries } from "./webhook-delivery.js";

type Team = Awaited<ReturnType<typeof createTeam>>;

/** Verifies `request` with the secret, as a receiver would; answers the parsed payload. */
function verified(secret: string, request: ReceivedRequest) {
  const headers = {
    "webhook-id": String(request.headers["webhook-id"]),
    "webhook-timestamp": String(request.headers["webhook-timestamp"]),
    "webhook-signature": String(request.headers["webhook-signature"]),
  };
  return new Webhook(secret).verify(request.body, headers) as {
    type: string;
    timestamp: string;
    data: Record<string, unknown>;
  };
}

describe("webhooks", () => {
  let h: Harness;
  let receiver: Receiver;
  beforeAll(async () => {
    h = await createHarness({
      WEBHOOK_ALLOW_PRIVATE_NETWORKS: "true",
      WEBHOOK_MAX_ATTEMPTS: "3",
      WEBHOOK_RETRY_BASE_MS: "20",
      WEBHOOK_TIMEOUT_MS: "5000",
      RATE_LIMIT_LOGIN_PER_IP: "10000/1m",
    });
    receiver = await startReceiver();
  });
  afterAll(async () => {
    await h.close();
    await receiver.close();
  });

  const requestsTo = (path: string) => receiver.received.filter((r) => r.path === path);

  /** A red move of a fresh activity to waiting_blue. */
  async function activityWaitingBlue(team: Team, title = "Kerberoast") {
    const activity = await team.lead.api.activities.create({ assessmentId: team.assessmentId, title });
    await team.red.api.activities.transition({ id: activity.id, to: "waiting_red" });
    await team.red.api.activities.transition({ id: activity.id, to: "waiting_blue" });
    return activity;
  }

  async function hook(team: Team, path: string, events = ["activity.waiting_blue" as const]) {
    return team.lead.api.webhooks.create({ url: `${receiver.url}${path}`, events, description: "SOAR" });
  }

  it("answers the secret once and never again", async () => {
    const team = await createTeam(h);
    const created = await hook(team, "/secret-once");
    expect(created.secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
    expect(Buffer.from(created.secret.slice(6), "base64")).toHaveLength(32);
    expect(created).toMatchObject({ url: `${receiver.url}/secret-once`, events: ["activity.waiting_blue"] });
    const listed = await team.lead.api.webhooks.list();
    expect(listed.data).toHaveLength(1);
    expect(listed.data[0]).not.toHaveProperty("secret");
    expect(JSON.stringify(listed)).not.toContain(created.secret.slice(6));
    const updated = await team.lead.api.webhooks.update({ id: created.id, description: "renamed" });
    expect(updated).not.toHaveProperty("secret");
    const got = await team.lead.api.webhooks.get({ id: created.id });
    expect(got).toMatchObject({ id: created.id, description: "renamed" });
    expect(got).not.toHaveProperty("secret");
    // Sealed at rest: the database never holds it in the clear.
    const rows = await h.deps.db.prisma.$queryRaw<unknown[]>`SELECT * FROM webhooks WHERE id = ${created.id}::uuid`;
    expect(JSON.stringify(rows)).not.toContain(created.secret.slice(6));
  });

  it("delivers activity.waiting_blue, signed per Standard Webhooks, and logs the attempt", async () => {
    const team = await createTeam(h);
    const created = await hook(team, "/waiting-blue");
    const activity = await activityWaitingBlue(team, "DCSync");
    const [request] = await requestsArriving(receiver, "/waiting-blue");
    expect(request?.method).toBe("POST");
    expect(request?.headers["content-type"]).toBe("application/json");
    expect(String(request?.headers["webhook-signature"])).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
    const payload = verified(created.secret, request as ReceivedRequest);
    expect(payload).toMatchObject({
      type: "activity.waiting_blue",
      data: {
        organizationId: team.orgId,
        assessmentId: team.assessmentId,
        activityId: activity.id,
        title: "DCSync",
        status: "waiting_blue",
        previousStatus: "waiting_red",
      },
    });
    expect(new Date(payload.timestamp).toString()).not.toBe("Invalid Date");
    // Another secret does not verify it.
    const other = await hook(team, "/other");
    expect(() => verified(other.secret, request as ReceivedRequest)).toThrow();

    const deliveries = await vi.waitFor(
      async () => {
        const page = await team.lead.api.webhooks.deliveries({ webhookId: created.id, page: 1 });
        expect(page.data[0]?.status).toBe("succeeded");
        return page;
      },
      { timeout: 15_000, interval: 20 },
    );
    expect(deliveries.pagination.total).toBe(1);
    expect(deliveries.data[0]).toMatchObject({
      eventType: "activity.waiting_blue",
      attemptCount: 1,
      lastResponseStatus: 204,
      attempts: [{ attempt: 1, succeeded: true, responseStatus: 204, error: null }],
    });
    expect(request?.headers["webhook-id"]).toBe(`msg_${deliveries.data[0]?.id}`);
  });

  it("retries a failing receiver until it succeeds, logging every attempt, and redelivers on request", async () => {
    const team = await createTeam(h);
    const created = await hook(team, "/flaky");
    receiver.answerNext({ status: 500 }, { status: 503 });
    await activityWaitingBlue(team);
    const done = await vi.waitFor(
      async () => {
        const page = await team.lead.api.webhooks.deliveries({ webhookId: created.id });
        expect(page.data[0]?.status).toBe("succeeded");
        return page.data[0];
      },
      { timeout: 15_000, interval: 20 },
    );
    expect(done?.attempts.map((a) => [a.attempt, a.succeeded, a.responseStatus, a.error])).toEqual([
      [1, false, 500, "HTTP 500"],
      [2, false, 503, "HTTP 503"],
      [3, true, 204, null],
    ]);
    for (const a of done?.attempts ?? []) expect(a.durationMs).toBeGreaterThanOrEqual(0);
    const requests = requestsTo("/flaky");
    expect(requests).toHaveLength(3);
    // One message, one id: every attempt carries the same webhook-id, each verifies.
    expect(new Set(requests.map((r) => r.headers["webhook-id"])).size).toBe(1);
    for (const r of requests) expect(verified(created.secret, r).type).toBe("activity.waiting_blue");

    const again = await team.lead.api.webhooks.redeliver({ deliveryId: done?.id as string });
    expect(again.id).toBe(done?.id);
    await vi.waitFor(() => expect(requestsTo("/flaky")).toHaveLength(4), { timeout: 15_000, interval: 20 });
    const after = await vi.waitFor(
      async () => {
        const page = await team.lead.api.webhooks.deliveries({ webhookId: created.id });
        expect(page.data[0]?.attempts).toHaveLength(4);
        // The attempt row can be read a moment before the delivery's status (CI, PostgreSQL).
        expect(page.data[0]).toMatchObject({ status: "succeeded", attemptCount: 4 });
        return page.data[0];
      },
      { timeout: 15_000, interval: 20 },
    );
    expect(after).toMatchObject({ status: "succeeded", attemptCount: 4 });
    expect(requestsTo("/flaky")[3]?.headers["webhook-id"]).toBe(requests[0]?.headers["webhook-id"]);
  });

  it("gives up after WEBHOOK_MAX_ATTEMPTS and does not follow redirects", async () => {
    const team = await createTeam(h);
    const created = await hook(team, "/moved");
    const elsewhere = `${receiver.url}/redirect-target`;
    receiver.answerNext(...Array.from({ length: 3 }, () => ({ status: 302, headers: { location: elsewhere } })));
    await activityWaitingBlue(team);
    const failed = await vi.waitFor(
      async () => {
        const page = await team.lead.api.webhooks.deliveries({ webhookId: created.id });
        expect(page.data[0]?.status).toBe("failed");
        return page.data[0];
      },
      { timeout: 15_000, interval: 20 },
    );
    expect(failed?.attempts).toHaveLength(3);
    expect(failed?.attempts.every((a) => !a.succeeded && a.responseStatus === 302)).toBe(true);
    expect(failed?.lastError).toContain("not followed");
    expect(requestsTo("/moved")).toHaveLength(3);
    expect(requestsTo("/redirect-target")).toHaveLength(0);
    // A failed delivery can be sent again; this time the receiver takes it.
    await team.lead.api.webhooks.redeliver({ deliveryId: failed?.id as string });
    await vi.waitFor(
      async () => {
        const page = await team.lead.api.webhooks.deliveries({ webhookId: created.id });
        expect(page.data[0]).toMatchObject({ status: "succeeded", attemptCount: 4 });
      },
      { timeout: 15_000, interval: 20 },
    );
  });

  it("gives up on a receiver that does not answer within WEBHOOK_TIMEOUT_MS, then retries", async () => {
    const team = await createTeam(h);
    const created = await hook(team, "/slow");
    receiver.answerNext({ status: 0, hang: true });
    await activityWaitingBlue(team);
    const done = await vi.waitFor(
      async () => {
        const page = await team.lead.api.webhooks.deliveries({ webhookId: created.id });
        expect(page.data[0]?.status).toBe("succeeded");
        return page.data[0];
      },
      { timeout: 15_000, interval: 50 },
    );
    expect(done?.attempts.map((a) => [a.responseStatus, a.error])).toEqual([
      [null, "Timed out after 5000 ms"],
      [204, null],
    ]);
  });

  it("sends only subscribed events of active webhooks", async () => {
    const team = await createTeam(h);
    const evaluatedOnly = await hook(team, "/evaluated-only", ["activity.evaluated"] as never);
    await team.lead.api.webhooks.create({
      url: `${receiver.url}/inactive`,
      events: ["activity.waiting_blue"],
      active: false,
    });
    const activity = await activityWaitingBlue(team);
    await team.blue.api.activities.updateBlue({ id: activity.id, outcome: "alerted" });
    await team.lead.api.activities.evaluate({ id: activity.id });
    const [request] = await requestsArriving(receiver, "/evaluated-only");
    const payload = verified(evaluatedOnly.secret, request as ReceivedRequest);
    expect(payload).toMatchObject({
      type: "activity.evaluated",
      data: { activityId: activity.id, outcome: "alerted" },
    });
    expect(payload.data.evaluation).toBeTypeOf("object");
    expect(requestsTo("/inactive")).toHaveLength(0);
    const inactive = (await team.lead.api.webhooks.list()).data.find((w) => w.url.endsWith("/inactive"));
    expect((await team.lead.api.webhooks.deliveries({ webhookId: inactive?.id as string })).data).toEqual([]);
  });

  it("delivers assessment.completed once the assessment is completed", async () => {
    const team = await createTeam(h);
    const created = await hook(team, "/completed", ["assessment.completed"] as never);
    await team.lead.api.assessments.update({ id: team.assessmentId, status: "completed" });
    const [request] = await requestsArriving(receiver, "/completed");
    expect(verified(created.secret, request as ReceivedRequest)).toMatchObject({
      type: "assessment.completed",
      data: { assessmentId: team.assessmentId, status: "completed" },
    });
  });

  it("connects to the address it checked when the URL names a host", async () => {
    const team = await createTeam(h);
    const created = await team.lead.api.webhooks.create({
      url: `${receiver.url.replace("127.0.0.1", "localhost")}/by-name`,
      events: ["activity.waiting_blue"],
    });
    await activityWaitingBlue(team);
    const [request] = await requestsArriving(receiver, "/by-name");
    expect(request?.headers.host).toBe(new URL(created.url).host);
    expect(verified(created.secret, request as ReceivedRequest).type).toBe("activity.waiting_blue");
  });

  it("delivers execution.finished when an execution ends", async () => {
    const team = await createTeam(h);
    const tools = await registerTools(await toolAdmin(h), ["echo"]);
    const created = await hook(team, "/executions", ["execution.finished"] as never);
    const started = await team.lead.api.executions.start({ toolId: tools.echo, parameters: { message: "hi" } });
    await waitForStatus(team.lead.api, started.id);
    const [request] = await requestsArriving(receiver, "/executions");
    expect(verified(created.secret, request as ReceivedRequest)).toMatchObject({
      type: "execution.finished",
      data: { organizationId: team.orgId, executionId: started.id, status: "completed", exitCode: 0 },
    });
  });

  it("delivers what other modules emit through the sink (alert.matched, report.ready)", async () => {
    const team = await createTeam(h);
    const created = await hook(team, "/emitted", ["alert.matched", "report.ready"] as never);
    h.deps.events.emit({
      type: "alert.matched",
      organizationId: team.orgId,
      actorId: null,
      data: { alertId: "a-1", activityId: "x" },
    });
    // Another organization's event never reaches this webhook.
    const other = await createTeam(h);
    h.deps.events.emit({ type: "report.ready", organizationId: other.orgId, data: { reportId: "elsewhere" } });
    h.deps.events.emit({ type: "report.ready", organizationId: team.orgId, data: { reportId: "r-1" } });
    const got = await vi.waitFor(
      () => {
        const requests = requestsTo("/emitted");
        expect(requests).toHaveLength(2);
        return requests.map((r) => verified(created.secret, r));
      },
      { timeout: 15_000, interval: 20 },
    );
    expect(got.map((p) => [p.type, p.data.organizationId]).sort()).toEqual([
      ["alert.matched", team.orgId],
      ["report.ready", team.orgId],
    ]);
    expect(got.find((p) => p.type === "report.ready")?.data.reportId).toBe("r-1");
  });

  it("is managed by owners and admins of the organization only, and hides other organizations' webhooks", async () => {
    const team = await createTeam(h);
    const mine = await hook(team, "/tenancy");
    const admin = await addMember(h, team.orgId, "admin");
    expect((await admin.api.webhooks.list()).data.map((w) => w.id)).toEqual([mine.id]);
    // A member (even red on an assessment) may not see or manage webhooks.
    await expectCode(team.red.api.webhooks.list(), "FORBIDDEN");
    await expectCode(
      team.red.api.webhooks.create({ url: `${receiver.url}/x`, events: ["activity.evaluated"] }),
      "FORBIDDEN",
    );
    await expectCode(team.red.api.webhooks.delete({ id: mine.id }), "FORBIDDEN");

    const otherTeam = await createTeam(h);
    await expectCode(otherTeam.lead.api.webhooks.get({ id: mine.id }), "NOT_FOUND");
    await expectCode(otherTeam.lead.api.webhooks.update({ id: mine.id, active: false }), "NOT_FOUND");
    await expectCode(otherTeam.lead.api.webhooks.delete({ id: mine.id }), "NOT_FOUND");
    await expectCode(otherTeam.lead.api.webhooks.deliveries({ webhookId: mine.id }), "NOT_FOUND");
    expect((await otherTeam.lead.api.webhooks.list()).data).toEqual([]);
    // Deleting works for the owning organization; then it is gone.
    await team.lead.api.webhooks.delete({ id: mine.id });
    await expectCode(team.lead.api.webhooks.deliveries({ webhookId: mine.id }), "NOT_FOUND");
  });

  it("never fails the write that announces an event, even with the job queue down", async () => {
    const team = await createTeam(h);
    const add = h.deps.queues.add.bind(h.deps.queues);
    const spy = vi
      .spyOn(h.deps.queues, "add")
      .mockImplementation((queue, name, data, options) =>
        queue === "events" ? Promise.reject(new Error("queue down")) : add(queue, name, data, options),
      );
    try {
      const activity = await activityWaitingBlue(team, "Still saved");
      expect((await team.lead.api.activities.get({ id: activity.id })).status).toBe("waiting_blue");
      await vi.waitFor(() => expect(spy.mock.calls.some(([queue]) => queue === "events")).toBe(true), {
        timeout: 30_000,
        interval: 20,
      });
    } finally {
      spy.mockRestore();
    }
  });

  it("needs the admin scope from a machine credential", async () => {
    const team = await createTeam(h);
    const keyCaller = (key: string) =>
      h.caller({ headers: new Headers({ authorization: `Bearer ${key}`, "x-organization-id": team.orgId }) });
    const narrow = await team.lead.api.apiKeys.create({ name: "ci", scopes: ["activities:read"] });
    await expectCode(keyCaller(narrow.key).webhooks.list(), "FORBIDDEN");
    // Only global administrators grant `admin`: one who is also an owner of the organization.
    const account = await h.createUser({ role: "admin" });
    await h.deps.db.prisma.membership.create({
      data: { organizationId: team.orgId, userId: account.id, role: "owner" },
    });
    const { accessToken } = await h.login(account);
    const key = await h.as(accessToken).apiKeys.create({ name: "soar", scopes: ["admin"] });
    expect((await keyCaller(key.key).webhooks.list()).data).toEqual([]);
  });

  it("forgets finished deliveries after 30 days (maintenance)", async () => {
    const team = await createTeam(h);
    const created = await hook(team, "/old");
    const old = new Date(Date.now() - 31 * 24 * 3600_000);
    const row = (status: "succeeded" | "pending") => ({
      id: crypto.randomUUID(),
      webhookId: created.id,
      organizationId: team.orgId,
      eventId: crypto.randomUUID(),
      eventType: "activity.waiting_blue",
      payload: {},
      status,
      createdAt: old,
    });
    const [done, pending] = [row("succeeded"), row("pending")];
    await h.deps.db.prisma.webhookDelivery.createMany({ data: [done, pending] });
    await dropOldDeliveries(h.deps);
    const left = await h.deps.db.prisma.webhookDelivery.findMany({ where: { webhookId: created.id } });
    expect(left.map((d) => d.id)).toEqual([pending.id]);
  });

  it("validates the input", async () => {
    const team = await createTeam(h);
    await expectCode(
      team.lead.api.webhooks.create({ url: "ftp://example.com/x", events: ["activity.evaluated"] }),
      "VALIDATION",
      "url",
    );
    await expectCode(
      team.lead.api.webhooks.create({ url: "not a url", events: ["activity.evaluated"] }),
      "VALIDATION",
      "url",
    );
    await expectCode(team.lead.api.webhooks.create({ url: `${receiver.url}/x`, events: [] }), "VALIDATION", "events");
    await expectCode(
      team.lead.api.webhooks.create({ url: `${receiver.url}/x`, events: ["activity.deleted" as "activity.evaluated"] }),
      "VALIDATION",
    );
    // Every announced event type is accepted, including ones other modules emit.
    const all = await team.lead.api.webhooks.create({
      url: `${receiver.url}/all`,
      events: ["alert.matched", "report.ready", "execution.finished", "assessment.completed"],
    });
    expect(all.events).toHaveLength(4);
  });
});
