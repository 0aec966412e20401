/**
 * Executions without Redis (the in-process queue and runner), through tRPC and REST, with
 * real processes: output captured, parameters validated and kept as single argv elements,
 * the child's environment an allow-list, tenancy.
 */

import { randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createOrg, createTeam, expectCode, type Member, rest } from "../../test-support/assessment-fixtures.js";
import { registerTools, type ToolAdmin, toolAdmin, waitForStatus } from "../../test-support/execution-kit.js";
import { createHarness, type Harness } from "../../test-support/harness.js";

// Secrets of the server process: none may reach a child.
const SECRET = `server-secret-${randomUUID()}`;
process.env.ASSAY_TEST_SERVER_SECRET = SECRET;
process.env.SMTP_URL ??= `smtp://user:${SECRET}@mail.invalid`;

describe("executions (in-process)", () => {
  let h: Harness;
  let admin: ToolAdmin;
  let tools: Record<"echo" | "seq" | "env" | "sleep", string>;
  let team: Awaited<ReturnType<typeof createTeam>>;

  beforeAll(async () => {
    h = await createHarness({ RATE_LIMIT_LOGIN_PER_IP: "10000/1m" });
    admin = await toolAdmin(h);
    tools = await registerTools(admin, ["echo", "seq", "env", "sleep"]);
    team = await createTeam(h);
  }, 60_000);
  afterAll(() => h.close());

  it("runs a tool for the organization's lead and keeps its output, exit code and timings", async () => {
    const started = await team.lead.api.executions.start({ toolId: tools.echo, parameters: { message: "hello" } });
    expect(started.status).toBe("pending");
    const done = await waitForStatus(team.lead.api, started.id);
    expect(done).toMatchObject({
      status: "completed",
      exitCode: 0,
      argv: ["echo", "hello"],
      command: "echo hello",
      toolName: "echo",
      outputBytes: 6,
      truncated: false,
      progress: 100,
      error: null,
      startedById: team.lead.id,
    });
    expect(done.durationMs).toBeGreaterThanOrEqual(0);
    expect(Date.parse(done.finishedAt ?? "")).toBeGreaterThanOrEqual(Date.parse(done.startedAt ?? ""));
    expect((await team.lead.api.executions.output({ id: done.id })).text).toBe("hello\n");
  });

  it("keeps an injection attempt in a parameter as one argv element: nothing else runs", async () => {
    const marker = `/tmp/assay-injection-${randomUUID()}`;
    const message = `hi; touch ${marker} && echo $(id)`;
    const { id } = await team.lead.api.executions.start({ toolId: tools.echo, parameters: { message } });
    const done = await waitForStatus(team.lead.api, id);
    expect(done.argv).toEqual(["echo", message]);
    expect(done.command).toBe(`echo 'hi; touch ${marker} && echo $(id)'`);
    expect((await team.lead.api.executions.output({ id })).text).toBe(`${message}\n`);
    expect(existsSync(marker)).toBe(false);
  });

  it("gives the child only PATH, HOME, LANG, TMPDIR and what the tool declares", async () => {
    const { id } = await team.lead.api.executions.start({ toolId: tools.env, parameters: {} });
    await waitForStatus(team.lead.api, id);
    const text = (await team.lead.api.executions.output({ id })).text;
    const names = text
      .trim()
      .split("\n")
      .map((line) => line.split("=")[0]);
    expect(names.every((name) => ["PATH", "HOME", "LANG", "TMPDIR", "TOOL_VARIABLE", "PWD"].includes(name ?? ""))).toBe(
      true,
    );
    expect(text).toContain("TOOL_VARIABLE=declared");
    for (const leaked of [SECRET, "DATABASE_URL", "ENCRYPTION_KEY", "REDIS_URL", "SMTP_URL", "OIDC_PROVIDERS"]) {
      expect(text).not.toContain(leaked);
    }
  });

  it("refuses bad parameters with 400 VALIDATION naming the parameter, before anything runs", async () => {
    const start = (parameters: Record<string, unknown>, toolId = tools.seq) =>
      team.lead.api.executions.start({ toolId, parameters: parameters as never });
    await expectCode(start({}), "VALIDATION", "parameters.last");
    await expectCode(start({ last: "5" }), "VALIDATION", "parameters.last");
    await expectCode(start({ last: 0 }), "VALIDATION", "parameters.last");
    await expectCode(start({ last: 3, extra: 1 }), "VALIDATION", "parameters.extra");
    await expectCode(start({ message: "a\u0000b" }, tools.echo), "VALIDATION", "parameters.message");
    const res = await rest(h, team.lead, "POST", `/tools/${tools.seq}/execute`, { parameters: { last: 2.5 } });
    expect(res.status).toBe(400);
    expect(res.body.errors[0]).toMatchObject({ code: "VALIDATION", field: "parameters.last" });
    expect(await h.deps.db.prisma.execution.count({ where: { toolId: tools.seq } })).toBe(0);
  });

  it("serves REST: start (202), list, get, text/plain output and DELETE to cancel", async () => {
    const started = await rest(h, team.lead, "POST", `/tools/${tools.seq}/execute`, { parameters: { last: 3 } });
    expect(started.status).toBe(202);
    expect(started.body).toEqual({ id: expect.any(String), status: "pending" });
    await waitForStatus(team.lead.api, started.body.id);
    const output = await h.app.request(`/api/v1/executions/${started.body.id}/output`, { headers: team.lead.headers });
    expect(output.status).toBe(200);
    expect(output.headers.get("content-type")).toBe("text/plain; charset=utf-8");
    expect(await output.text()).toBe("1\n2\n3\n");
    const got = await rest(h, team.lead, "GET", `/executions/${started.body.id}`);
    expect(got.body).toMatchObject({ status: "completed", exitCode: 0, argv: ["seq", "1", "3"] });
    const list = await rest(h, team.lead, "GET", `/executions?toolId=${tools.seq}`);
    expect(list.body.data.map((e: { id: string }) => e.id)).toContain(started.body.id);

    const long = await rest(h, team.lead, "POST", `/tools/${tools.sleep}/execute`, { parameters: { seconds: 20 } });
    await waitForStatus(team.lead.api, long.body.id, ["running"]);
    const cancelled = await rest(h, team.lead, "DELETE", `/executions/${long.body.id}`);
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.status).toBe("cancelled");
    const again = await rest(h, team.lead, "POST", `/executions/${long.body.id}/cancel`, {});
    expect(again.status).toBe(409);
    const audit = await h.deps.db.prisma.auditEvent.findMany({
      where: { targetId: long.body.id },
      orderBy: { createdAt: "asc" },
    });
    expect(audit.map((e) => [e.type, e.actorId])).toEqual([
      ["execution.started", team.lead.id],
      ["execution.cancelled", team.lead.id],
    ]);
  });

  it("needs red or lead on the linked assessment, or an owner or admin without one", async () => {
    const run = (who: Member, extra: Record<string, unknown>) =>
      who.api.executions.start({ toolId: tools.echo, parameters: { message: "x" }, ...extra });
    const ok = await run(team.red, { assessmentId: team.assessmentId });
    expect(ok.status).toBe("pending");
    await expectCode(run(team.blue, { assessmentId: team.assessmentId }), "FORBIDDEN");
    await expectCode(run(team.spectator, { assessmentId: team.assessmentId }), "FORBIDDEN");
    await expectCode(run(team.outsider, { assessmentId: team.assessmentId }), "NOT_FOUND");
    await expectCode(run(team.red, {}), "FORBIDDEN");
    await expectCode(team.lead.api.executions.start({ toolId: randomUUID(), parameters: {} }), "NOT_FOUND", "toolId");
    // Blue reads the assessment's executions (and their output) but cannot cancel them.
    const seen = await team.blue.api.executions.get({ id: ok.id });
    expect(seen.id).toBe(ok.id);
    await waitForStatus(team.blue.api, ok.id);
  });

  it("hides another organization's executions (404), and runners are listed for admins", async () => {
    const { id } = await team.lead.api.executions.start({ toolId: tools.echo, parameters: { message: "mine" } });
    const other = await createOrg(h);
    await expectCode(other.owner.api.executions.get({ id }), "NOT_FOUND");
    await expectCode(other.owner.api.executions.output({ id }), "NOT_FOUND");
    await expectCode(other.owner.api.executions.cancel({ id }), "NOT_FOUND");
    const res = await rest(h, other.owner, "GET", `/executions/${id}/output`);
    expect(res.status).toBe(404);
    const { data } = await admin.api.workers.list();
    expect(data).toEqual([
      expect.objectContaining({
        kind: "in-process",
        online: true,
        concurrency: 2,
        labels: expect.arrayContaining(["os:linux"]),
      }),
    ]);
    await expectCode(team.lead.api.workers.list(), "FORBIDDEN");
  });
});
