/**
 * Executions for a purple team's activities: a finished run fills the red fields of an
 * activity that waits for red and stores the output as evidence (only for a starter who may
 * edit red fields); imported Atomic Red Team tests run once the organization enables them,
 * with their input arguments validated and their cleanup run after them.
 */
import { randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTeam, expectCode, rest } from "../../test-support/assessment-fixtures.js";
import { registerTools, sseEvents, toolAdmin, waitForStatus } from "../../test-support/execution-kit.js";
import { createHarness, type Harness } from "../../test-support/harness.js";
import { ATOMIC_TOOL_ID } from "../tools/builtin-tools.js";

describe("executions for activities and Atomic Red Team tests", () => {
  let h: Harness;
  let team: Awaited<ReturnType<typeof createTeam>>;
  let echo: string;

  beforeAll(async () => {
    h = await createHarness({ RATE_LIMIT_LOGIN_PER_IP: "10000/1m" });
    echo = (await registerTools(await toolAdmin(h), ["echo"])).echo;
    team = await createTeam(h);
  }, 60_000);
  afterAll(() => h.close());

  async function activity(status: "planned" | "waiting_red" = "waiting_red") {
    const created = await team.lead.api.activities.create({
      assessmentId: team.assessmentId,
      title: `A ${randomUUID()}`,
    });
    if (status === "waiting_red") await team.lead.api.activities.transition({ id: created.id, to: "waiting_red" });
    return created.id;
  }

  it("fills the red fields of an activity waiting for red and stores the output as text evidence", async () => {
    const activityId = await activity();
    const { id } = await team.red.api.executions.start({ toolId: echo, parameters: { message: "owned" }, activityId });
    // A live stream's final status event comes once the activity is written.
    const res = await h.app.request(`/api/v1/executions/${id}/stream`, { headers: team.red.headers });
    let done = {} as Awaited<ReturnType<typeof waitForStatus>>;
    for await (const event of sseEvents(res.body as ReadableStream<Uint8Array>)) {
      if (event.event === "status") done = JSON.parse(event.data);
    }
    // (On a slow machine the run may have ended before the stream opened: then poll for it.)
    for (let i = 0; i < 100 && !done.evidenceId; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      done = await team.red.api.executions.get({ id });
    }
    expect(done).toMatchObject({
      status: "completed",
      assessmentId: team.assessmentId,
      activityId,
      redFieldsFilled: true,
    });
    expect(done.evidenceId).toEqual(expect.any(String));
    const updated = await team.red.api.activities.get({ id: activityId });
    expect(updated.red).toMatchObject({
      command: "echo owned",
      executedAt: done.startedAt,
      executedBy: team.red.id,
      executedByUserId: team.red.id,
    });
    const evidence = await team.blue.api.evidence.list({ activityId });
    expect(evidence.data).toEqual([
      expect.objectContaining({ id: done.evidenceId, contentType: "text/plain", fileName: `execution-${id}.txt` }),
    ]);
    const file = await h.app.request(`/api/v1/evidence/${done.evidenceId}`, { headers: team.blue.headers });
    expect(await file.text()).toBe("owned\n");
  });

  it("leaves an activity that does not wait for red alone, and refuses blue and spectators", async () => {
    const planned = await activity("planned");
    const { id } = await team.red.api.executions.start({
      toolId: echo,
      parameters: { message: "x" },
      activityId: planned,
    });
    expect(await waitForStatus(team.red.api, id)).toMatchObject({ redFieldsFilled: false, evidenceId: null });
    expect((await team.red.api.activities.get({ id: planned })).red.command).toBeNull();
    const waiting = await activity();
    await expectCode(
      team.blue.api.executions.start({ toolId: echo, parameters: { message: "x" }, activityId: waiting }),
      "FORBIDDEN",
    );
    await expectCode(
      team.spectator.api.executions.start({ toolId: echo, parameters: { message: "x" }, activityId: waiting }),
      "FORBIDDEN",
    );
    await expectCode(
      team.outsider.api.executions.start({ toolId: echo, parameters: { message: "x" }, activityId: waiting }),
      "NOT_FOUND",
      "activityId",
    );
  });

  it("writes nothing when the starter lost red rights before the execution ended", async () => {
    const activityId = await activity();
    const { id } = await team.red.api.executions.start({
      toolId: (await registerTools(await toolAdmin(h), ["sleep"])).sleep,
      parameters: { seconds: 0.5 },
      activityId,
    });
    await h.deps.db.prisma.assessmentAcl.updateMany({
      where: { assessmentId: team.assessmentId, userId: team.red.id },
      data: { role: "spectator" },
    });
    try {
      expect(await waitForStatus(team.lead.api, id)).toMatchObject({ status: "completed", redFieldsFilled: false });
      expect((await team.lead.api.activities.get({ id: activityId })).red.command).toBeNull();
    } finally {
      await h.deps.db.prisma.assessmentAcl.updateMany({
        where: { assessmentId: team.assessmentId, userId: team.red.id },
        data: { role: "red" },
      });
    }
  });

  describe("Atomic Red Team", () => {
    let templateId: string;
    const marker = `/tmp/assay-atomic-${randomUUID()}`;

    beforeAll(async () => {
      const template = await h.deps.db.prisma.activityTemplate.create({
        data: {
          name: "Write a marker file",
          source: "atomic-red-team",
          atomicGuid: randomUUID(),
          techniques: ["T1059.004"],
          platforms: ["linux", "macos"],
          executorName: "sh",
          command: "echo #{message} > #{path} && cat #{path}",
          cleanupCommand: "rm -f #{path} && echo cleaned #{path}",
          inputArguments: [
            { name: "message", type: "string", description: "What to write", default: "atomic" },
            { name: "path", type: "path", description: "Where", default: marker },
            { name: "count", type: "integer", description: "How many", default: "1" },
          ],
        },
      });
      templateId = template.id;
    });

    const runAtomic = (inputArguments: Record<string, string | number> = {}, who = team.red) =>
      who.api.executions.start({
        toolId: ATOMIC_TOOL_ID,
        assessmentId: team.assessmentId,
        parameters: { templateId, inputArguments },
      });

    it("is off until an owner or admin enables it for the organization", async () => {
      expect(await team.red.api.executions.settings()).toEqual({ atomicExecutionEnabled: false });
      await expectCode(runAtomic(), "FORBIDDEN");
      await expectCode(team.red.api.executions.updateSettings({ atomicExecutionEnabled: true }), "FORBIDDEN");
      const res = await rest(h, team.lead, "PATCH", "/execution-settings", { atomicExecutionEnabled: true });
      expect(res.body).toEqual({ atomicExecutionEnabled: true });
      const audit = await h.deps.db.prisma.auditEvent.findMany({
        where: { type: "organization.execution_settings.updated" },
      });
      expect(audit).toHaveLength(1);
    });

    it("runs the test's command with its executor, then its cleanup", async () => {
      const { id } = await runAtomic({ message: "hello-atomic" });
      const done = await waitForStatus(team.red.api, id);
      expect(done).toMatchObject({
        status: "completed",
        toolKind: "atomic",
        argv: ["sh", "-c", `echo hello-atomic > ${marker} && cat ${marker}`],
        workerLabels: ["executor:sh"],
      });
      const text = (await team.red.api.executions.output({ id })).text;
      expect(text).toBe(
        `hello-atomic\n--- cleanup: sh -c rm -f ${marker} && echo cleaned ${marker}\ncleaned ${marker}\n`,
      );
      expect(existsSync(marker)).toBe(false);
    });

    it("validates input arguments against the test's declared types, and refuses shell syntax in them", async () => {
      await expectCode(runAtomic({ count: "two" }), "VALIDATION", "parameters.inputArguments.count");
      await expectCode(
        runAtomic({ message: "x; touch /tmp/pwned" }),
        "VALIDATION",
        "parameters.inputArguments.message",
      );
      await expectCode(runAtomic({ message: "$(id)" }), "VALIDATION", "parameters.inputArguments.message");
      await expectCode(runAtomic({ nope: "1" }), "VALIDATION", "parameters.inputArguments.nope");
      await expectCode(
        team.red.api.executions.start({ toolId: ATOMIC_TOOL_ID, assessmentId: team.assessmentId, parameters: {} }),
        "VALIDATION",
        "parameters.templateId",
      );
    });

    it("needs red or lead on an assessment, and refuses manual tests and executors no runner has", async () => {
      await expectCode(runAtomic({}, team.blue), "FORBIDDEN");
      await expectCode(
        team.lead.api.executions.start({ toolId: ATOMIC_TOOL_ID, parameters: { templateId } }),
        "VALIDATION",
        "assessmentId",
      );
      const manual = await h.deps.db.prisma.activityTemplate.create({
        data: { name: "By hand", techniques: [], platforms: [], executorName: "manual", command: "1. Open the door" },
      });
      await expectCode(
        team.red.api.executions.start({
          toolId: ATOMIC_TOOL_ID,
          assessmentId: team.assessmentId,
          parameters: { templateId: manual.id },
        }),
        "UNPROCESSABLE",
        "parameters.templateId",
      );
      const windows = await h.deps.db.prisma.activityTemplate.create({
        data: {
          name: "cmd",
          techniques: [],
          platforms: ["windows"],
          executorName: "command_prompt",
          command: "whoami",
        },
      });
      await expectCode(
        team.red.api.executions.start({
          toolId: ATOMIC_TOOL_ID,
          assessmentId: team.assessmentId,
          parameters: { templateId: windows.id },
        }),
        "UNPROCESSABLE",
        "workerLabels",
      );
    });
  });
});
