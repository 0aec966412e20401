/**
 * Alert ingestion over HTTP with real API keys: recorded alert streams in each format fill
 * the control outcomes, detection times and MTTD of a seeded assessment (auto mode); pushing
 * them again stores nothing; the doors refuse a missing key (401), a key without the scope, a
 * person's session (403) and a key of another organization (404, the organization is not
 * revealed); bad alerts are reported by index and path while good ones are kept; oversize
 * bodies are 413; suggest mode waits for blue, and link/unlink restores the values.
 */
import { readFileSync } from "node:fs";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { issueKey } from "../../test-support/api-key-kit.js";
import { createOrg, createTeam, expectCode } from "../../test-support/assessment-fixtures.js";
import { createHarness, type Harness } from "../../test-support/harness.js";
import { requestsArriving, startReceiver } from "../../test-support/webhook-receiver.js";

const FIXTURES = new URL("../../test-support/alert-fixtures/", import.meta.url);
const fixture = (name: string) => readFileSync(new URL(name, FIXTURES), "utf8");

describe("alert ingestion", () => {
  let h: Harness;
  let team: Awaited<ReturnType<typeof createTeam>>;
  let key: string;
  const activities: Record<"a1" | "a2" | "a3", string> = { a1: "", a2: "", a3: "" };

  async function push(body: string, options: { key?: string; type?: string; query?: string; org?: string } = {}) {
    const res = await h.app.request(`/api/v1/ingest/alerts${options.query ?? ""}`, {
      method: "POST",
      headers: {
        ...(options.key === "" ? {} : { authorization: `Bearer ${options.key ?? key}` }),
        "content-type": options.type ?? "application/json",
        ...(options.org ? { "x-organization-id": options.org } : {}),
      },
      body,
    });
    // biome-ignore lint/suspicious/noExplicitAny: the test reads the response shape freely.
    return { status: res.status, body: (await res.json()) as any };
  }

  async function seededActivity(
    title: string,
    techniques: string[],
    asset: { name: string; identifier: string },
    executedAt: string,
  ) {
    const created = await team.lead.api.assets.create({ kind: "host", ...asset });
    const activity = await team.lead.api.activities.create({
      assessmentId: team.assessmentId,
      title,
      techniques,
      assetIds: [created.id],
    });
    await team.lead.api.activities.updateRed({ id: activity.id, executedAt });
    return activity.id;
  }

  beforeAll(async () => {
    h = await createHarness(
      {
        RATE_LIMIT_LOGIN_PER_IP: "10000/1m",
        ALERT_INGEST_MAX_BYTES: "200000",
        ALERT_INGEST_MAX_ALERTS: "50",
        WEBHOOK_ALLOW_PRIVATE_NETWORKS: "true",
      },
      { attack: true },
    );
    team = await createTeam(h);
    await team.lead.api.assessments.update({ id: team.assessmentId, status: "in_progress", alertMatching: "auto" });
    await team.lead.api.controls.create({ name: "Corp Firewall", kind: "firewall", vendor: "Acme" });
    activities.a1 = await seededActivity(
      "Dump LSASS",
      ["T1003.001"],
      { name: "WS-FIN-01", identifier: "ws-fin-01.corp.example" },
      "2026-12-01T10:00:00.000Z",
    );
    activities.a2 = await seededActivity(
      "PowerShell on the database server",
      ["T1059"],
      { name: "srv-db-02", identifier: "10.20.0.12" },
      "2026-12-01T11:00:00.000Z",
    );
    activities.a3 = await seededActivity(
      "Phishing link",
      ["T1566.001"],
      { name: "mail-gw-01", identifier: "mail-gw-01.corp.example" },
      "2026-12-01T12:00:00.000Z",
    );
    key = (await issueKey(h, team.lead.token, ["alerts:ingest"], { organizationId: team.orgId })).key;
  }, 120_000);
  afterAll(() => h.close());

  it("replays Elastic, Splunk, Sentinel, Defender and generic streams and fills outcomes, detection times and MTTD", async () => {
    const elastic = await push(fixture("elastic.ndjson"), { type: "application/x-ndjson" });
    expect(elastic).toEqual({
      status: 200,
      body: { received: 2, stored: 2, duplicates: 0, matched: 2, unmatched: 0, errors: [] },
    });
    expect((await push(fixture("splunk.json"))).body).toMatchObject({ stored: 2, matched: 1, unmatched: 1 });
    expect((await push(fixture("sentinel.json"))).body).toMatchObject({ stored: 1, matched: 1 });
    expect((await push(fixture("defender.json"), { query: "?format=defender" })).body).toMatchObject({
      stored: 1,
      matched: 1,
    });
    expect((await push(fixture("generic.json"))).body).toMatchObject({ stored: 1, matched: 1, errors: [] });

    const a1 = await team.blue.api.activities.get({ id: activities.a1 });
    expect(a1.blue).toMatchObject({
      outcome: "prevented",
      detectedAt: "2026-12-01T10:02:00.000Z",
      outcomeSetByHand: false,
    });
    expect(a1.blue.controlOutcomes).toEqual([
      expect.objectContaining({
        controlName: "Elastic Security",
        outcome: "alerted",
        detectedAt: "2026-12-01T10:04:00.000Z",
        alertSeverity: "high",
        ruleName: "LSASS Memory Access",
      }),
      expect.objectContaining({
        controlName: "Microsoft Defender for Endpoint",
        outcome: "prevented",
        detectedAt: "2026-12-01T10:02:00.000Z",
        alertSeverity: "high",
      }),
      expect.objectContaining({
        controlName: "Splunk Enterprise Security",
        outcome: "prevented",
        detectedAt: "2026-12-01T10:10:00.000Z",
        alertSeverity: "critical",
        ruleName: "Credential Dumping via LSASS",
      }),
    ]);
    const a2 = await team.blue.api.activities.get({ id: activities.a2 });
    expect(a2.blue).toMatchObject({ outcome: "prevented", detectedAt: "2026-12-01T11:02:30.000Z" });
    expect(a2.blue.controlOutcomes.map((o) => [o.controlName, o.outcome])).toEqual([
      ["Corp Firewall", "prevented"],
      ["Elastic Security", "alerted"],
    ]);
    const a3 = await team.blue.api.activities.get({ id: activities.a3 });
    expect(a3.blue).toMatchObject({ outcome: "alerted", detectedAt: "2026-12-01T12:03:00.000Z" });
    expect(a3.blue.controlOutcomes).toEqual([
      expect.objectContaining({
        controlName: "Microsoft Sentinel",
        outcome: "alerted",
        alertSeverity: "high",
        ruleName: "User clicked a phishing link",
      }),
    ]);

    const stats = await team.spectator.api.statistics.assessment({ assessmentId: team.assessmentId });
    expect(stats.timeToDetect).toMatchObject({ count: 3, meanSeconds: 150 });
    const byName = Object.fromEntries(stats.controls.map((c) => [c.name, c]));
    expect(byName["Elastic Security"]).toMatchObject({
      kind: "siem",
      activities: 2,
      detectionRate: 1,
      preventionRate: 0,
      timeToDetect: { count: 2, meanSeconds: 195, medianSeconds: 195 },
    });
    expect(byName["Splunk Enterprise Security"]).toMatchObject({
      preventionRate: 1,
      timeToDetect: { meanSeconds: 600 },
    });
    expect(byName["Microsoft Defender for Endpoint"]).toMatchObject({
      kind: "edr",
      timeToDetect: { meanSeconds: 120 },
    });
    expect(byName["Microsoft Sentinel"]).toMatchObject({ detectionRate: 1, timeToDetect: { meanSeconds: 180 } });
    expect(byName["Corp Firewall"]).toMatchObject({ preventionRate: 1, timeToDetect: { meanSeconds: 1800 } });

    // Matches carry their score and reasons; the unmatched Splunk notable is stored without one.
    const listed = await team.blue.api.alerts.list({ activityId: activities.a2 });
    expect(listed.data).toHaveLength(2);
    const match = listed.data.find((a) => a.format === "elastic")?.matches[0];
    expect(match).toMatchObject({ status: "applied", activityId: activities.a2 });
    expect(match?.reasons).toEqual(["technique T1059", "host srv-db-02", "150 s after red's execution"]);
    const everything = await team.lead.api.alerts.list({ pageSize: 100 });
    expect(everything.pagination.total).toBe(7);
  });

  it("stores the same alert once: a replay counts duplicates and changes nothing", async () => {
    const again = await push(fixture("elastic.ndjson"), { type: "application/x-ndjson" });
    expect(again.body).toEqual({ received: 2, stored: 0, duplicates: 2, matched: 0, unmatched: 0, errors: [] });
    const all = await team.lead.api.alerts.list({ pageSize: 100 });
    expect(all.pagination.total).toBe(7);
  });

  it("reports malformed alerts by index and JSON path and keeps the good ones", async () => {
    const res = await push(
      JSON.stringify([
        {
          id: "ok-1",
          timestamp: "2026-12-01T13:00:00Z",
          host: "nowhere",
          techniques: ["T1003"],
          control: "Corp Firewall",
        },
        { id: "bad-time", timestamp: "yesterday", control: "Corp Firewall" },
        {
          id: "bad-technique",
          timestamp: "2026-12-01T13:00:00Z",
          techniques: ["T1003", "lateral"],
          control: "Corp Firewall",
        },
        { id: "no-control", timestamp: "2026-12-01T13:00:00Z" },
        "not an object",
        {
          "kibana.alert.severity": "high",
          "kibana.alert.uuid": 12,
          "@timestamp": "2026-12-01T13:00:00Z",
          "kibana.alert.rule.threat": [{ technique: [{ id: "X1" }] }],
        },
      ]),
    );
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ received: 6, stored: 1, unmatched: 1 });
    expect(res.body.errors).toEqual([
      { index: 1, path: "$[1].timestamp", message: expect.stringContaining("ISO 8601") },
      { index: 2, path: "$[2].techniques[1]", message: expect.stringContaining("ATT&CK technique id") },
      { index: 3, path: "$[3].control", message: expect.stringContaining("name a control") },
      { index: 4, path: "$[4]", message: "must be a JSON object" },
      {
        index: 5,
        path: "$[5].kibana.alert.rule.threat[0].technique[0].id",
        message: expect.stringContaining("ATT&CK"),
      },
    ]);
  });

  it("refuses a missing key (401), a key without alerts:ingest or a session (403), another organization's key (404)", async () => {
    const body = fixture("generic.json");
    expect((await push(body, { key: "" })).status).toBe(401);
    const readOnly = (await issueKey(h, team.lead.token, ["activities:read"], { organizationId: team.orgId })).key;
    const refused = await push(body, { key: readOnly });
    expect(refused.status).toBe(403);
    expect(refused.body.errors[0].code).toBe("FORBIDDEN");
    expect((await push(body, { key: team.lead.token, org: team.orgId })).status).toBe(403);
    const unbound = (await issueKey(h, team.lead.token, ["alerts:ingest"])).key;
    expect((await push(body, { key: unbound, org: team.orgId })).status).toBe(403);
    const other = await createOrg(h);
    const foreign = (await issueKey(h, other.owner.token, ["alerts:ingest"], { organizationId: other.id })).key;
    const crossed = await push(body, { key: foreign, org: team.orgId });
    expect(crossed.status).toBe(404);
    // Pushed to its own organization, the same alert matches nothing of this one.
    expect((await push(body, { key: foreign })).body).toMatchObject({ stored: 0, errors: [{ path: "$[0].control" }] });
  });

  it("files alerts that name no control under the key's default control", async () => {
    const ids = await team.lead.api.controls.create({ name: "Suricata", kind: "ids" });
    const created = await h.as(team.lead.token).apiKeys.create({
      name: "IDS forwarder",
      scopes: ["alerts:ingest"],
      organizationId: team.orgId,
      defaultControlId: ids.id,
    });
    expect(created.defaultControlId).toBe(ids.id);
    const res = await push(JSON.stringify({ id: "ids-1", timestamp: "2026-12-01T13:00:00Z", host: "x" }), {
      key: created.key,
    });
    expect(res.body).toMatchObject({ stored: 1, errors: [] });
    const all = await team.lead.api.alerts.list({ pageSize: 100 });
    expect(all.data.find((a) => a.externalId === "ids-1")).toMatchObject({
      controlId: ids.id,
      controlName: "Suricata",
    });
    const other = await createOrg(h);
    const theirs = await other.owner.api.controls.create({ name: "Theirs", kind: "ids" });
    await expectCode(
      h.as(team.lead.token).apiKeys.create({
        name: "x",
        scopes: ["alerts:ingest"],
        organizationId: team.orgId,
        defaultControlId: theirs.id,
      }),
      "NOT_FOUND",
      "defaultControlId",
    );
  });

  it("announces a match to alert.matched webhooks, signed, after it is stored", async () => {
    const receiver = await startReceiver();
    try {
      const hook = await team.lead.api.webhooks.create({ url: `${receiver.url}/soar`, events: ["alert.matched"] });
      const alert = {
        id: "hook-1",
        timestamp: "2026-12-01T11:05:00Z",
        host: "10.20.0.12",
        techniques: ["T1059"],
        control: "Corp Firewall",
      };
      expect((await push(JSON.stringify(alert))).body).toMatchObject({ stored: 1, matched: 1 });
      const [delivery] = await requestsArriving(receiver, "/soar");
      const headers = Object.fromEntries(
        ["webhook-id", "webhook-timestamp", "webhook-signature"].map((name) => [name, String(delivery.headers[name])]),
      );
      const payload = new Webhook(hook.secret).verify(delivery.body, headers) as { type: string; data: unknown };
      expect(payload).toMatchObject({
        type: "alert.matched",
        data: {
          activityId: activities.a2,
          assessmentId: team.assessmentId,
          status: "applied",
          alert: { id: "hook-1" },
        },
      });
    } finally {
      await receiver.close();
    }
  });

  it("answers 413 for a body over ALERT_INGEST_MAX_BYTES or more than ALERT_INGEST_MAX_ALERTS alerts", async () => {
    const big = await push(JSON.stringify({ id: "x", timestamp: "2026-12-01T13:00:00Z", title: "x".repeat(250_000) }));
    expect(big.status).toBe(413);
    expect(big.body.errors[0]).toMatchObject({ code: "PAYLOAD_TOO_LARGE" });
    const many = Array.from({ length: 51 }, (_, i) => ({ id: `m${i}`, timestamp: "2026-12-01T13:00:00Z" }));
    const tooMany = await push(JSON.stringify(many));
    expect(tooMany.status).toBe(413);
    expect(tooMany.body.errors[0]).toMatchObject({ code: "PAYLOAD_TOO_LARGE", field: "body" });
    expect((await push("{not json")).status).toBe(400);
    expect((await push(fixture("generic.json"), { query: "?format=qradar" })).status).toBe(400);
  });

  it("in suggest mode waits for blue: link fills the control, unlink restores the values before it", async () => {
    const assessment = await team.lead.api.assessments.create({ name: "Suggest mode" });
    expect(assessment.alertMatching).toBe("suggest");
    await team.lead.api.assessments.update({ id: assessment.id, status: "in_progress" });
    await team.lead.api.acl
      .grant?.({ assessmentId: assessment.id, userId: team.blue.id, role: "blue" })
      .catch(() => undefined);
    await h.deps.db.prisma.assessmentAcl.upsert({
      where: { assessmentId_userId: { assessmentId: assessment.id, userId: team.blue.id } },
      create: { assessmentId: assessment.id, userId: team.blue.id, role: "blue" },
      update: { role: "blue" },
    });
    const host = await team.lead.api.assets.create({ kind: "host", name: "lab-01", identifier: "lab-01.corp.example" });
    const activity = await team.lead.api.activities.create({
      assessmentId: assessment.id,
      title: "WMI execution",
      techniques: ["T1047"],
      assetIds: [host.id],
    });
    await team.lead.api.activities.updateRed({ id: activity.id, executedAt: "2026-12-02T09:00:00.000Z" });
    await team.lead.api.activities.transition({ id: activity.id, to: "waiting_red" });
    await team.lead.api.activities.transition({ id: activity.id, to: "waiting_blue" });
    const edr = await team.lead.api.controls.create({ name: "Lab EDR", kind: "edr" });
    // Blue had recorded "logged" for this control by hand.
    await team.blue.api.activities.updateBlue({
      id: activity.id,
      controlOutcomes: [{ controlId: edr.id, outcome: "logged", notes: "seen in the raw telemetry" }],
    });
    expect((await team.blue.api.activities.get({ id: activity.id })).blue.outcome).toBe("logged");

    const pushed = await push(
      JSON.stringify({
        id: "edr-77",
        timestamp: "2026-12-02T09:01:40Z",
        host: "LAB-01",
        techniques: ["T1047"],
        severity: "medium",
        ruleName: "WMI process create",
        control: edr.id,
      }),
    );
    expect(pushed.body).toMatchObject({ stored: 1, matched: 1 });
    const before = await team.blue.api.activities.get({ id: activity.id });
    expect(before.blue.controlOutcomes).toEqual([expect.objectContaining({ outcome: "logged", detectedAt: null })]);
    const [alert] = (await team.blue.api.alerts.list({ assessmentId: assessment.id, status: "suggested" })).data;
    const matchId = alert?.matches[0]?.id as string;
    expect(alert?.matches[0]).toMatchObject({ status: "suggested", activityId: activity.id });

    await expectCode(team.spectator.api.alerts.link({ matchId }), "NOT_FOUND", "matchId");
    const linked = await team.blue.api.alerts.link({ matchId });
    expect(linked.matches[0]).toMatchObject({ status: "linked", decidedById: team.blue.id });
    const after = await team.blue.api.activities.get({ id: activity.id });
    expect(after.blue).toMatchObject({ outcome: "alerted", detectedAt: "2026-12-02T09:01:40.000Z" });
    expect(after.blue.controlOutcomes).toEqual([
      expect.objectContaining({
        outcome: "alerted",
        alertSeverity: "medium",
        ruleName: "WMI process create",
        notes: "seen in the raw telemetry",
      }),
    ]);
    const stats = await team.blue.api.statistics.assessment({ assessmentId: assessment.id });
    expect(stats.controls).toEqual([
      expect.objectContaining({ name: "Lab EDR", timeToDetect: { count: 1, meanSeconds: 100, medianSeconds: 100 } }),
    ]);

    const unlinked = await team.blue.api.alerts.unlink({ matchId });
    expect(unlinked.matches[0]?.status).toBe("unlinked");
    const restored = await team.blue.api.activities.get({ id: activity.id });
    expect(restored.blue.outcome).toBe("logged");
    expect(restored.blue.controlOutcomes).toEqual([
      expect.objectContaining({
        outcome: "logged",
        detectedAt: null,
        alertSeverity: null,
        ruleName: null,
        notes: "seen in the raw telemetry",
      }),
    ]);
    await expectCode(team.blue.api.alerts.unlink({ matchId }), "CONFLICT", "matchId");
    const audit = await h.deps.db.prisma.auditEvent.findMany({
      where: { type: { in: ["alert.match.linked", "alert.match.unlinked", "alerts.ingested"] } },
      select: { type: true },
    });
    expect(new Set(audit.map((e) => e.type))).toEqual(
      new Set(["alert.match.linked", "alert.match.unlinked", "alerts.ingested"]),
    );
  });
  it("finds the true activity among more than 50 of the same technique and time; a push's alerts apply in order", async () => {
    const executedAt = "2026-12-03T08:00:00.000Z";
    // 55 decoys share the technique and execution time on other hosts: the match is decided by host.
    for (let start = 0; start < 55; start += 11) {
      await Promise.all(
        Array.from({ length: 11 }, (_, i) =>
          seededActivity(
            `Decoy ${start + i}`,
            ["T1021.002"],
            { name: `decoy-${start + i}`, identifier: `10.9.0.${start + i}` },
            executedAt,
          ),
        ),
      );
    }
    const target = await seededActivity(
      "SMB lateral movement",
      ["T1021.002"],
      { name: "fs-07", identifier: "fs-07.corp.example" },
      executedAt,
    );
    const alert = (id: string, minutes: number, action?: string) => ({
      id,
      timestamp: `2026-12-03T08:${String(minutes).padStart(2, "0")}:00Z`,
      host: "FS-07.corp.example",
      techniques: ["T1021.002"],
      ruleName: `rule ${id}`,
      control: "Corp Firewall",
      ...(action ? { action } : {}),
    });
    const res = await push(JSON.stringify([alert("smb-2", 9), alert("smb-1", 5, "blocked")]));
    expect(res.body).toMatchObject({ stored: 2, matched: 2, unmatched: 0, errors: [] });
    const blue = (await team.lead.api.activities.get({ id: target })).blue;
    // The later alert was blocked (prevented wins), the earlier one sets the detection time.
    expect(blue.controlOutcomes).toEqual([
      expect.objectContaining({ outcome: "prevented", detectedAt: "2026-12-03T08:05:00.000Z", ruleName: "rule smb-1" }),
    ]);
    expect(blue.outcome).toBe("prevented");
    const matches = await h.deps.db.prisma.alertMatch.findMany({
      where: { activityId: target },
      orderBy: { createdAt: "asc" },
      select: { previous: true, alert: { select: { externalId: true } } },
    });
    // Each match keeps the values it replaced: none for the first, the first alert's for the second.
    expect(
      matches
        .map((m) => [m.alert.externalId, m.previous === null ? null : (m.previous as { outcome: string }).outcome])
        .sort(),
    ).toEqual([
      ["smb-1", "alerted"],
      ["smb-2", null],
    ]);
  }, 120_000);
});

describe("alert ingestion limits and documentation", () => {
  let h: Harness;

  beforeAll(async () => {
    h = await createHarness({
      RATE_LIMIT_LOGIN_PER_IP: "10000/1m",
      RATE_LIMIT_ALERT_INGEST_PER_KEY: "2/1m",
      BODY_LIMIT_BYTES: "20000",
    });
  }, 60_000);
  afterAll(() => h.close());

  it("limits pushes per key (429 with Retry-After) and leaves other keys alone", async () => {
    const org = await createOrg(h);
    const [first, second] = await Promise.all([
      issueKey(h, org.owner.token, ["alerts:ingest"], { organizationId: org.id }),
      issueKey(h, org.owner.token, ["alerts:ingest"], { organizationId: org.id }),
    ]);
    const push = (key: string) =>
      h.app.request("/api/v1/ingest/alerts", {
        method: "POST",
        headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
        body: "[]",
      });
    expect((await push(first.key)).status).toBe(200);
    expect((await push(first.key)).status).toBe(200);
    const limited = await push(first.key);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
    expect((await push(second.key)).status).toBe(200);
  });

  it("takes bodies over BODY_LIMIT_BYTES up to ALERT_INGEST_MAX_BYTES", async () => {
    const org = await createOrg(h);
    await org.owner.api.controls.create({ name: "Big SIEM", kind: "siem" });
    const { key } = await issueKey(h, org.owner.token, ["alerts:ingest"], { organizationId: org.id });
    const alerts = Array.from({ length: 100 }, (_, i) => ({
      id: `big-${i}`,
      timestamp: "2026-12-01T13:00:00Z",
      title: "x".repeat(400),
      control: "Big SIEM",
    }));
    const body = JSON.stringify(alerts);
    expect(body.length).toBeGreaterThan(20_000);
    const res = await h.app.request("/api/v1/ingest/alerts", {
      method: "POST",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      body,
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ received: 100, stored: 100, errors: [] });
  });

  it("documents POST /ingest/alerts in the OpenAPI document", async () => {
    const doc = (await (await h.app.request("/api/v1/openapi.json")).json()) as {
      paths: Record<string, Record<string, { operationId?: string; responses?: Record<string, unknown> }>>;
    };
    const route = doc.paths["/ingest/alerts"]?.post;
    expect(route?.operationId).toBe("alerts-ingest");
    expect(Object.keys(route?.responses ?? {})).toEqual(expect.arrayContaining(["200", "401", "403", "413", "429"]));
    expect(doc.paths["/controls"]).toBeDefined();
    expect(doc.paths["/alerts/matches/{matchId}/link"]).toBeDefined();
  });
});
