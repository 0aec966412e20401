/**
 * statistics.*: every figure checked against a small assessment whose numbers are worked out
 * by hand below (two activities played through the workflow services, the rest written
 * directly), tactic order from the ATT&CK table, organization figures limited to the
 * assessments the caller may read and to the time range, and refusals.
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Prisma } from "../../generated/prisma/client.js";
import { addMember, createOrg, createTeam, expectCode, grant, rest } from "../../test-support/assessment-fixtures.js";
import { createHarness, type Harness } from "../../test-support/harness.js";

const T0 = new Date("2026-03-02T10:00:00Z");
const at = (seconds: number) => new Date(T0.getTime() + seconds * 1000);

describe("statistics", () => {
  let h: Harness;
  let team: Awaited<ReturnType<typeof createTeam>>;
  let other: { assessmentId: string; deletedId: string };
  const prisma = () => h.deps.db.prisma;

  /** An activity written directly, for facts the workflow would take many calls to reach. */
  async function write(assessmentId: string, data: Partial<Prisma.ActivityCreateManyInput>) {
    const position = (await prisma().activity.count({ where: { assessmentId } })) + 1;
    await prisma().activity.create({
      data: {
        organizationId: team.orgId,
        assessmentId,
        position: position * 1024,
        title: `Activity ${position}`,
        techniques: [],
        knowledgeBaseArticleIds: [],
        ...data,
      },
    });
  }

  /** Plays an activity through the services: plan, red, blue, evaluate. */
  async function played(
    plan: { tactic: string; techniques: string[]; expectations: Record<string, unknown> },
    blue: Record<string, unknown>,
    overrides: { category: "logging"; result: "fail"; reason: string }[] = [],
  ) {
    const api = team.lead.api.activities;
    const { tactic, techniques, ...rest } = plan;
    const a = await api.create({ assessmentId: team.assessmentId, title: "played", ...rest });
    // The mapping is written directly: the figures must also sum tactics and techniques the
    // ATT&CK data does not know (activities saved before ids were checked, or since revoked).
    await prisma().activity.update({ where: { id: a.id }, data: { tactic, techniques } });
    await api.updateRed({ id: a.id, executedAt: T0.toISOString(), command: "mimikatz" });
    await api.transition({ id: a.id, to: "waiting_red" });
    await api.transition({ id: a.id, to: "waiting_blue" });
    await team.blue.api.activities.updateBlue({ id: a.id, ...blue });
    return api.evaluate({ id: a.id, overrides });
  }

  beforeAll(async () => {
    h = await createHarness();
    team = await createTeam(h);
    // ATT&CK knows two of the tactics used (in matrix order execution, then credential-access).
    await prisma().attackTactic.createMany({
      data: [
        {
          stixId: "x-tactic-7",
          attackId: "TA0006",
          name: "Credential Access",
          shortname: "credential-access",
          matrixOrder: 7,
        },
        { stixId: "x-tactic-3", attackId: "TA0002", name: "Execution", shortname: "execution", matrixOrder: 3 },
      ].map((t) => ({ ...t, description: "", attackVersion: "18.1" })),
    });
    await prisma().attackTechnique.create({
      data: {
        stixId: "x-technique-1",
        attackId: "T1003.001",
        name: "LSASS Memory",
        description: "",
        platforms: [],
        dataSources: [],
        isSubtechnique: true,
        parentAttackId: "T1003",
        attackVersion: "18.1",
      },
    });

    const evaluated = { status: "evaluated" as const, evaluatedAt: at(3600) };
    // A1 (services): prevented with a high alert, every category expected and passed; TTD 60 s, notified 300 s later.
    const a1 = await played(
      {
        tactic: "credential-access",
        techniques: ["T1003.001"],
        expectations: { prevented: true, alerted: true, logged: true, notified: true, expectedSeverity: "high" },
      },
      {
        outcome: "prevented",
        alertSeverity: "high",
        detectedAt: at(60).toISOString(),
        notifiedAt: at(360).toISOString(),
      },
    );
    expect(a1.evaluation.results).toEqual({
      prevention: "pass",
      detection: "pass",
      logging: "pass",
      notification: "pass",
      severity: "pass",
    });
    // A2: alerted (high for an expected medium), TTD 180 s.
    await write(team.assessmentId, {
      ...evaluated,
      tactic: "credential-access",
      techniques: ["T1003.001", "T1558"],
      expectAlerted: true,
      expectLogged: true,
      expectedSeverity: "medium",
      executedAt: T0,
      outcome: "alerted",
      alertSeverity: "high",
      detectedAt: at(180),
      preventionResult: "na",
      detectionResult: "pass",
      loggingResult: "pass",
      notificationResult: "na",
      severityResult: "pass",
    });
    // A3: not detected, every category expected and failed.
    await write(team.assessmentId, {
      ...evaluated,
      tactic: "execution",
      techniques: ["T1059"],
      expectPrevented: true,
      expectAlerted: true,
      expectLogged: true,
      expectNotified: true,
      expectedSeverity: "low",
      executedAt: T0,
      outcome: "not_detected",
      preventionResult: "fail",
      detectionResult: "fail",
      loggingResult: "fail",
      notificationResult: "fail",
      severityResult: "fail",
    });
    // A4: logged, waiting for evaluation; TTD 600 s.
    await write(team.assessmentId, {
      status: "waiting_blue",
      tactic: "execution",
      techniques: ["T1059"],
      executedAt: T0,
      outcome: "logged",
      detectedAt: at(600),
    });
    // A5: planned, no tactic.
    await write(team.assessmentId, { techniques: ["T1059"] });
    // A6: skipped, although blue wrote an outcome and times: it counts by status only.
    await write(team.assessmentId, {
      status: "skipped",
      tactic: "alpha-custom",
      executedAt: T0,
      outcome: "blocked",
      detectedAt: at(30),
    });
    // A7 (services): silently blocked, logging overridden to fail; detectedAt before executedAt (ignored for TTD).
    await played(
      { tactic: "zeta-custom", techniques: ["T1105"], expectations: { prevented: true, logged: true } },
      { outcome: "blocked", detectedAt: at(-10).toISOString() },
      [{ category: "logging", result: "fail", reason: "no log line found" }],
    );
    // Deleted: counts nowhere.
    await write(team.assessmentId, {
      ...evaluated,
      tactic: "execution",
      techniques: ["T1059"],
      outcome: "prevented",
      deletedAt: new Date(),
    });

    // Another assessment of the organization: one evaluated in January, one planned (created now).
    const second = await team.lead.api.assessments.create({ name: "B second" });
    await write(second.id, {
      ...evaluated,
      tactic: "execution",
      techniques: ["T1059"],
      executedAt: new Date("2026-01-10T08:00:00Z"),
      outcome: "prevented",
    });
    await write(second.id, { tactic: "execution" });
    // A deleted assessment: never counted.
    const deleted = await team.lead.api.assessments.create({ name: "C deleted" });
    await write(deleted.id, { outcome: "alerted", executedAt: T0 });
    await team.lead.api.assessments.delete({ id: deleted.id });
    other = { assessmentId: second.id, deletedId: deleted.id };
  });
  afterAll(() => h.close());

  const rate = (n: number, d: number) => n / d;

  it("counts activities by status and scores each evaluation category (n/a excluded)", async () => {
    const s = await team.spectator.api.statistics.assessment({ assessmentId: team.assessmentId });
    expect(s.assessmentId).toBe(team.assessmentId);
    expect(s.activities).toEqual({
      total: 7,
      byStatus: { planned: 1, waiting_red: 0, waiting_blue: 1, evaluated: 4, skipped: 1 },
    });
    expect(s.coverage).toEqual({
      prevention: { expected: 3, pass: 2, fail: 1, na: 1, score: rate(2, 3) },
      detection: { expected: 3, pass: 2, fail: 1, na: 1, score: rate(2, 3) },
      logging: { expected: 4, pass: 2, fail: 2, na: 0, score: 0.5 },
      notification: { expected: 2, pass: 1, fail: 1, na: 2, score: 0.5 },
      severity: { expected: 3, pass: 2, fail: 1, na: 1, score: rate(2, 3) },
    });
  });

  it("computes prevention and detection rates, the outcome score and coverage overall", async () => {
    const s = await team.lead.api.statistics.assessment({ assessmentId: team.assessmentId });
    // Observed: A1 prevented, A2 alerted, A3 not detected, A4 logged, A7 blocked (A6 is skipped, A5 has none).
    // Detected: A1 (stopped, alert recorded) and A2; A7 was blocked silently.
    expect(s.outcomes).toEqual({
      activities: 7,
      observed: 5,
      outcomes: { prevented: 1, blocked: 1, alerted: 1, logged: 1, not_detected: 1 },
      detected: 2,
      preventionRate: 0.4,
      detectionRate: 0.4,
      score: (100 + 60 + 0 + 40 + 100) / 5,
      coverage: rate(2 + 2 + 2 + 1 + 2, 15),
    });
  });

  it("averages time to detect and alert to notification in seconds, and measures severity accuracy", async () => {
    const s = await team.lead.api.statistics.assessment({ assessmentId: team.assessmentId });
    expect(s.timeToDetect).toEqual({ count: 3, meanSeconds: (60 + 180 + 600) / 3, medianSeconds: 180 });
    expect(s.alertToNotification).toEqual({ count: 1, meanSeconds: 300, medianSeconds: 300 });
    // Evaluated with an expected severity: A1 high/high, A2 medium/high, A3 low/none.
    expect(s.severityAccuracy).toEqual({
      evaluated: 3,
      exact: 1,
      atOrAbove: 2,
      exactRate: rate(1, 3),
      atOrAboveRate: rate(2, 3),
    });
  });

  it("orders tactics as ATT&CK does, then alphabetically, then activities without a tactic", async () => {
    const s = await team.lead.api.statistics.assessment({ assessmentId: team.assessmentId });
    expect(s.tactics.map((t) => [t.tactic, t.tacticName, t.activities, t.observed])).toEqual([
      ["execution", "Execution", 2, 2],
      ["credential-access", "Credential Access", 2, 2],
      ["alpha-custom", null, 1, 0],
      ["zeta-custom", null, 1, 1],
      [null, null, 1, 0],
    ]);
    const byTactic = new Map(s.tactics.map((t) => [t.tactic, t]));
    expect(byTactic.get("execution")).toMatchObject({ preventionRate: 0, detectionRate: 0, score: 20 });
    expect(byTactic.get("credential-access")).toMatchObject({ preventionRate: 0.5, detectionRate: 1, score: 80 });
    expect(byTactic.get("zeta-custom")).toMatchObject({ preventionRate: 1, detectionRate: 0, score: 100 });
    expect(byTactic.get("alpha-custom")).toMatchObject({ preventionRate: null, detectionRate: null, score: null });
  });

  it("rates each technique across tactics and builds the heatmap matrix per tactic", async () => {
    const s = await team.lead.api.statistics.assessment({ assessmentId: team.assessmentId });
    expect(s.techniques.map((t) => [t.techniqueId, t.name, t.activities, t.observed, t.score])).toEqual([
      ["T1003.001", "LSASS Memory", 2, 2, 80],
      ["T1059", null, 3, 2, 20],
      ["T1105", null, 1, 1, 100],
      ["T1558", null, 1, 1, 60],
    ]);
    const t1558 = s.techniques.find((t) => t.techniqueId === "T1558");
    expect(t1558).toMatchObject({ preventionRate: 0, detectionRate: 1, coverage: 1 });
    expect(
      s.matrix.map((column) => [column.tactic, column.techniques.map((t) => [t.techniqueId, t.activities, t.score])]),
    ).toEqual([
      ["execution", [["T1059", 2, 20]]],
      [
        "credential-access",
        [
          ["T1003.001", 2, 80],
          ["T1558", 1, 60],
        ],
      ],
      ["zeta-custom", [["T1105", 1, 100]]],
      [null, [["T1059", 1, null]]],
    ]);
    expect(s.matrix[1]?.tacticName).toBe("Credential Access");
  });

  it("answers zeros and nulls for an assessment without activities", async () => {
    const empty = await team.lead.api.assessments.create({ name: "Empty" });
    const s = await team.lead.api.statistics.assessment({ assessmentId: empty.id });
    expect(s.activities.total).toBe(0);
    expect(s.outcomes).toMatchObject({ observed: 0, preventionRate: null, detectionRate: null, score: null });
    expect(s.coverage.prevention).toEqual({ expected: 0, pass: 0, fail: 0, na: 0, score: null });
    expect(s.timeToDetect).toEqual({ count: 0, meanSeconds: null, medianSeconds: null });
    expect(s.severityAccuracy.exactRate).toBeNull();
    expect([s.tactics, s.techniques, s.matrix]).toEqual([[], [], []]);
  });

  describe("organization", () => {
    it("covers every live assessment for owners, with a summary per assessment", async () => {
      const s = await team.lead.api.statistics.organization({});
      expect(s.organizationId).toBe(team.orgId);
      expect(s.activities.total).toBe(9);
      expect(s.activities.byStatus).toEqual({ planned: 2, waiting_red: 0, waiting_blue: 1, evaluated: 5, skipped: 1 });
      expect(s.outcomes.outcomes).toEqual({ prevented: 2, blocked: 1, alerted: 1, logged: 1, not_detected: 1 });
      expect(s.assessments.map((a) => [a.name, a.activities, a.observed])).toEqual([
        ["B second", 2, 1],
        ["Q3 purple team", 7, 5],
      ]);
      expect(s.assessments.map((a) => a.assessmentId)).not.toContain(other.deletedId);
      expect([s.from, s.to]).toEqual([null, null]);
    });

    it("covers only the assessments a member's ACL names", async () => {
      const member = await addMember(h, team.orgId);
      expect((await member.api.statistics.organization({})).activities.total).toBe(0);
      await grant(h, other.assessmentId, member, "spectator");
      const s = await member.api.statistics.organization({});
      expect(s.activities.total).toBe(2);
      expect(s.assessments.map((a) => a.assessmentId)).toEqual([other.assessmentId]);
      // The team's spectator reads the team's assessment only.
      expect((await team.spectator.api.statistics.organization({})).activities.total).toBe(7);
    });

    it("bounds activities by execution time, or creation time when not executed", async () => {
      // March 2026: A1-A4, A6, A7 ran at T0; A5 and the second assessment's planned one were created now.
      const march = await team.lead.api.statistics.organization({ from: "2026-03-01", to: "2026-03-31" });
      expect(march.activities.total).toBe(6);
      expect(march.from).toBe("2026-03-01T00:00:00.000Z");
      expect(march.to).toBe("2026-04-01T00:00:00.000Z");
      // A plain date includes its whole day; a date-time is an exclusive bound.
      expect((await team.lead.api.statistics.organization({ to: "2026-03-02" })).activities.total).toBe(7);
      const before = await team.lead.api.statistics.organization({ to: T0.toISOString() });
      expect(before.activities.total).toBe(1);
      expect(before.outcomes.outcomes.prevented).toBe(1);
      await expectCode(
        team.lead.api.statistics.organization({ from: "2026-03-02", to: "2026-03-01" }),
        "VALIDATION",
        "to",
      );
      await expectCode(team.lead.api.statistics.organization({ from: "last week" }), "VALIDATION", "from");
    });

    it("never counts another organization's activities", async () => {
      const stranger = await createOrg(h);
      const theirs = await stranger.owner.api.assessments.create({ name: "theirs" });
      await stranger.owner.api.activities.create({ assessmentId: theirs.id, title: "x", tactic: "execution" });
      expect((await stranger.owner.api.statistics.organization({})).activities.total).toBe(1);
      expect((await team.lead.api.statistics.organization({})).activities.total).toBe(9);
    });
  });

  describe("refusals", () => {
    it("answers NOT_FOUND for unknown, foreign and unshared assessments", async () => {
      const stranger = await createOrg(h);
      const theirs = await stranger.owner.api.assessments.create({ name: "theirs" });
      for (const assessmentId of [randomUUID(), theirs.id, other.deletedId]) {
        await expectCode(team.lead.api.statistics.assessment({ assessmentId }), "NOT_FOUND", "assessmentId");
      }
      await expectCode(team.outsider.api.statistics.assessment({ assessmentId: team.assessmentId }), "NOT_FOUND");
      await expectCode(team.lead.api.statistics.assessment({ assessmentId: "x" }), "VALIDATION", "assessmentId");
    });
  });

  it("serves both over REST", async () => {
    const one = await rest(h, team.blue, "GET", `/assessments/${team.assessmentId}/statistics`);
    expect(one.status).toBe(200);
    expect(one.body.activities.total).toBe(7);
    const org = await rest(h, team.lead, "GET", "/statistics?from=2026-03-01&to=2026-03-31");
    expect(org.status).toBe(200);
    expect(org.body.activities.total).toBe(6);
    const refused = await rest(h, team.outsider, "GET", `/assessments/${team.assessmentId}/statistics`);
    expect(refused.status).toBe(404);
  });
});
