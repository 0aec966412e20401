/**
 * The red/blue workflow: field-level rules per role and status, transitions in order,
 * evaluation with overrides, and one activity played through REST by a red and a blue user.
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTeam, expectCode, rest } from "../../test-support/assessment-fixtures.js";
import { createHarness, type Harness } from "../../test-support/harness.js";

describe("activity workflow", () => {
  let h: Harness;
  let team: Awaited<ReturnType<typeof createTeam>>;
  beforeAll(async () => {
    h = await createHarness({}, { attack: true });
    team = await createTeam(h);
  });
  afterAll(() => h.close());

  const fresh = (extra: Record<string, unknown> = {}) =>
    team.lead.api.activities.create({ assessmentId: team.assessmentId, title: "Kerberoast", ...extra });

  /** An activity moved to `waiting_blue` by red, with red's fields filled in. */
  async function waitingBlue(expectations: Record<string, unknown>) {
    const a = await fresh({ expectations });
    await team.red.api.activities.transition({ id: a.id, to: "waiting_red" });
    await team.red.api.activities.updateRed({
      id: a.id,
      command: "Rubeus kerberoast",
      executedAt: "2026-06-01T10:00:00Z",
    });
    await team.red.api.activities.transition({ id: a.id, to: "waiting_blue" });
    return a;
  }

  describe("field-level rules", () => {
    it("lets spectators write nothing", async () => {
      const a = await fresh();
      await expectCode(team.spectator.api.activities.updateRed({ id: a.id, command: "x" }), "FORBIDDEN");
      await expectCode(team.spectator.api.activities.updateBlue({ id: a.id, notes: "x" }), "FORBIDDEN");
      await expectCode(team.spectator.api.activities.transition({ id: a.id, to: "waiting_red" }), "FORBIDDEN");
      await expectCode(team.spectator.api.activities.evaluate({ id: a.id }), "FORBIDDEN");
      expect((await team.spectator.api.activities.history({ id: a.id })).data.map((e) => e.field)).toEqual(["created"]);
    });

    it("keeps red out of blue fields and blue out of red fields", async () => {
      const a = await waitingBlue({ alerted: true });
      await expectCode(team.red.api.activities.updateBlue({ id: a.id, outcome: "alerted" }), "FORBIDDEN");
      const b = await fresh();
      await expectCode(team.blue.api.activities.updateRed({ id: b.id, command: "x" }), "FORBIDDEN");
    });

    it("lets red edit red fields while planned or waiting for red, not once it waits for blue", async () => {
      const a = await fresh();
      await team.red.api.activities.updateRed({ id: a.id, command: "whoami /all" });
      await team.red.api.activities.transition({ id: a.id, to: "waiting_red" });
      await team.red.api.activities.updateRed({ id: a.id, source: "kali01", target: "dc01" });
      await team.red.api.activities.transition({ id: a.id, to: "waiting_blue" });
      await expectCode(team.red.api.activities.updateRed({ id: a.id, command: "changed my mind" }), "FORBIDDEN");
      // Blue waits only for its turn; the lead may correct either side at any time.
      const b = await fresh();
      await expectCode(team.blue.api.activities.updateBlue({ id: b.id, outcome: "logged" }), "FORBIDDEN");
      const fixed = await team.lead.api.activities.updateRed({ id: a.id, command: "whoami /priv" });
      expect(fixed.red).toMatchObject({ command: "whoami /priv", source: "kali01", target: "dc01" });
    });

    it("validates red and blue input, and resolves executedBy to a member", async () => {
      const a = await fresh();
      await expectCode(team.red.api.activities.updateRed({ id: a.id, executedAt: "10am" }), "VALIDATION", "executedAt");
      await expectCode(
        team.red.api.activities.updateRed({ id: a.id, expectations: { expectedSeverity: "severe" as "high" } }),
        "VALIDATION",
        "expectations.expectedSeverity",
      );
      await expectCode(
        team.red.api.activities.updateRed({ id: a.id, executedBy: randomUUID() }),
        "VALIDATION",
        "executedBy",
      );
      const byMember = await team.red.api.activities.updateRed({ id: a.id, executedBy: team.red.id });
      expect(byMember.red).toMatchObject({ executedBy: team.red.id, executedByUserId: team.red.id });
      const byName = await team.red.api.activities.updateRed({ id: a.id, executedBy: "Contractor Bob" });
      expect(byName.red).toMatchObject({ executedBy: "Contractor Bob", executedByUserId: null });
      await team.red.api.activities.transition({ id: a.id, to: "waiting_red" });
      await team.red.api.activities.transition({ id: a.id, to: "waiting_blue" });
      await expectCode(
        team.blue.api.activities.updateBlue({ id: a.id, outcome: "seen" as "logged" }),
        "VALIDATION",
        "outcome",
      );
    });
  });

  describe("transitions", () => {
    it("refuses out-of-order moves with CONFLICT on `to`", async () => {
      const a = await fresh();
      await expectCode(team.lead.api.activities.transition({ id: a.id, to: "waiting_blue" }), "CONFLICT", "to");
      await expectCode(team.lead.api.activities.transition({ id: a.id, to: "evaluated" }), "CONFLICT", "to");
      await expectCode(team.lead.api.activities.transition({ id: a.id, to: "planned" }), "CONFLICT", "to");
      await expectCode(team.lead.api.activities.transition({ id: a.id, to: "done" as "planned" }), "VALIDATION", "to");
    });

    it("lets red start and hand over, and only the lead skip or step back", async () => {
      const a = await fresh();
      await expectCode(team.blue.api.activities.transition({ id: a.id, to: "waiting_red" }), "FORBIDDEN");
      await expectCode(team.red.api.activities.transition({ id: a.id, to: "skipped" }), "FORBIDDEN");
      await team.red.api.activities.transition({ id: a.id, to: "waiting_red" });
      await expectCode(team.red.api.activities.transition({ id: a.id, to: "planned" }), "FORBIDDEN");
      const back = await team.lead.api.activities.transition({ id: a.id, to: "planned" });
      expect(back.status).toBe("planned");
      const skipped = await team.lead.api.activities.transition({ id: a.id, to: "skipped" });
      expect(skipped.status).toBe("skipped");
      await expectCode(team.lead.api.activities.transition({ id: a.id, to: "waiting_red" }), "CONFLICT", "to");
      expect((await team.lead.api.activities.transition({ id: a.id, to: "planned" })).status).toBe("planned");
    });

    it("cannot skip an evaluated activity, but the lead can reopen it (clearing the scores)", async () => {
      const a = await waitingBlue({ logged: true });
      await team.blue.api.activities.updateBlue({ id: a.id, outcome: "logged" });
      await team.lead.api.activities.transition({ id: a.id, to: "evaluated" });
      await expectCode(team.lead.api.activities.transition({ id: a.id, to: "skipped" }), "CONFLICT", "to");
      const reopened = await team.lead.api.activities.transition({ id: a.id, to: "waiting_blue" });
      expect(reopened).toMatchObject({
        status: "waiting_blue",
        evaluation: { results: { logging: null }, evaluatedAt: null },
      });
    });

    it("records each status change in the history", async () => {
      const a = await waitingBlue({});
      const history = await team.lead.api.activities.history({ id: a.id });
      const statuses = history.data.filter((e) => e.field === "status").map((e) => [e.oldValue, e.newValue]);
      expect(statuses).toEqual([
        ["waiting_red", "waiting_blue"],
        ["planned", "waiting_red"],
      ]);
    });
  });

  describe("evaluation", () => {
    it("needs blue's outcome and an activity waiting for blue", async () => {
      const planned = await fresh();
      await expectCode(team.lead.api.activities.evaluate({ id: planned.id }), "CONFLICT", "status");
      const a = await waitingBlue({ alerted: true });
      await expectCode(team.lead.api.activities.evaluate({ id: a.id }), "UNPROCESSABLE", "outcome");
      await expectCode(team.red.api.activities.evaluate({ id: a.id }), "FORBIDDEN");
      await expectCode(team.blue.api.activities.evaluate({ id: a.id }), "FORBIDDEN");
    });

    it("scores each category from expectations and outcome, and stores it", async () => {
      const a = await waitingBlue({
        prevented: true,
        alerted: true,
        logged: true,
        notified: true,
        expectedSeverity: "high",
      });
      await team.blue.api.activities.updateBlue({
        id: a.id,
        outcome: "alerted",
        detectedAt: "2026-06-01T10:03:00Z",
        detectionSource: "Defender for Identity",
        alertSeverity: "medium",
        notes: "Alert on TGS-REQ burst",
      });
      const evaluated = await team.lead.api.activities.evaluate({ id: a.id });
      expect(evaluated.status).toBe("evaluated");
      expect(evaluated.evaluation.results).toEqual({
        prevention: "fail",
        detection: "pass",
        logging: "pass",
        notification: "fail",
        severity: "fail",
      });
      expect(evaluated.evaluation.evaluatedById).toBe(team.lead.id);
      const stored = await h.deps.db.prisma.activity.findUniqueOrThrow({ where: { id: a.id } });
      expect(stored).toMatchObject({ preventionResult: "fail", detectionResult: "pass", severityResult: "fail" });
      const fields = (await team.lead.api.activities.history({ id: a.id })).data.map((e) => e.field);
      expect(fields).toEqual(
        expect.arrayContaining(["evaluation.detection", "evaluation.severity", "blue.outcome", "status"]),
      );
    });

    it("scores a prevented outcome: prevention and logging pass, detection without an alert fails", async () => {
      const a = await waitingBlue({ prevented: true, alerted: true, logged: true });
      await team.blue.api.activities.updateBlue({ id: a.id, outcome: "prevented" });
      const { evaluation } = await team.lead.api.activities.evaluate({ id: a.id });
      expect(evaluation.results).toMatchObject({
        prevention: "pass",
        detection: "fail",
        logging: "pass",
        notification: "na",
      });
    });

    it("applies overrides only with a reason, keeping the computed value beside them", async () => {
      const a = await waitingBlue({ alerted: true, notified: true });
      await team.blue.api.activities.updateBlue({ id: a.id, outcome: "logged", notifiedAt: "2026-06-01T11:00:00Z" });
      await expectCode(
        team.lead.api.activities.evaluate({
          id: a.id,
          overrides: [{ category: "detection", result: "pass", reason: " " }],
        }),
        "VALIDATION",
        "overrides.0.reason",
      );
      await expectCode(
        team.lead.api.activities.evaluate({
          id: a.id,
          overrides: [
            { category: "detection", result: "pass", reason: "a" },
            { category: "detection", result: "fail", reason: "b" },
          ],
        }),
        "VALIDATION",
        "overrides",
      );
      const evaluated = await team.lead.api.activities.evaluate({
        id: a.id,
        overrides: [
          { category: "detection", result: "pass", reason: "SOC triaged the log into a ticket within 5 min" },
        ],
      });
      expect(evaluated.evaluation.results).toMatchObject({ detection: "pass", notification: "pass", prevention: "na" });
      expect(evaluated.evaluation.overrides).toEqual([
        expect.objectContaining({ category: "detection", computed: "fail", result: "pass", byId: team.lead.id }),
      ]);
      // Re-evaluating an evaluated activity without overrides goes back to the computed scores.
      const again = await team.lead.api.activities.evaluate({ id: a.id });
      expect(again.evaluation).toMatchObject({ results: { detection: "fail" }, overrides: [] });
    });
  });

  it("plays one activity through REST: lead plans, red runs, blue answers, lead evaluates", async () => {
    const { lead, red, blue, assessmentId } = team;
    const call = async (who: typeof lead, method: string, path: string, body?: unknown) => {
      const res = await rest(h, who, method, path, body);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      return res.body;
    };
    const created = await call(lead, "POST", `/assessments/${assessmentId}/activities`, {
      title: "DCSync",
      tactic: "credential-access",
      techniques: ["T1003.006"],
      expectations: { alerted: true, logged: true, expectedSeverity: "critical" },
    });
    const id = created.id as string;
    await call(red, "POST", `/activities/${id}/transition`, { to: "waiting_red" });
    await call(red, "PATCH", `/activities/${id}/red`, {
      command: "lsadump::dcsync /user:krbtgt",
      executedAt: "2026-06-02T09:00:00Z",
      executedBy: red.id,
      source: "ws-042",
      target: "dc01",
    });
    // Blue may not answer yet; red may not touch blue's fields.
    const early = await rest(h, blue, "PATCH", `/activities/${id}/blue`, { outcome: "alerted" });
    expect(early.status).toBe(403);
    expect(early.body).toMatchObject({ success: false, errors: [{ code: "FORBIDDEN" }] });
    await call(red, "POST", `/activities/${id}/transition`, { to: "waiting_blue" });
    const late = await rest(h, red, "PATCH", `/activities/${id}/red`, { command: "edited" });
    expect(late.status).toBe(403);
    const outOfOrder = await rest(h, red, "POST", `/activities/${id}/transition`, { to: "planned" });
    expect(outOfOrder.status).toBe(409);
    expect(outOfOrder.body.errors[0]).toMatchObject({ code: "CONFLICT", field: "to" });
    await call(blue, "PATCH", `/activities/${id}/blue`, {
      outcome: "alerted",
      detectedAt: "2026-06-02T09:04:00Z",
      detectionSource: "SIEM rule 4662",
      alertSeverity: "critical",
      notes: "Replication request from a workstation",
    });
    const evaluated = await call(lead, "POST", `/activities/${id}/evaluate`, {});
    expect(evaluated).toMatchObject({
      status: "evaluated",
      evaluation: { results: { detection: "pass", logging: "pass", severity: "pass", prevention: "na" } },
    });
    const history = await call(blue, "GET", `/activities/${id}/history?pageSize=100`);
    const actors = new Set(history.data.map((e: { actorId: string }) => e.actorId));
    expect(actors).toEqual(new Set([lead.id, red.id, blue.id]));
  });
});
