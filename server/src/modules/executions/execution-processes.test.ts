/**
 * What happens to the processes (in-process runner, real subprocesses): output streamed while
 * the process still runs (tRPC subscription and REST SSE, resumable), cancellation and
 * timeouts that kill grandchildren, the output cap, the concurrency limit.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createOrg, type Member } from "../../test-support/assessment-fixtures.js";
import { processAlive, registerTools, sseEvents, toolAdmin, waitForStatus } from "../../test-support/execution-kit.js";
import { createHarness, type Harness } from "../../test-support/harness.js";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A gate a script waits at (bounded: 30 s), so "the process still runs" holds when the test
 * looks at the first chunk however loaded the machine is; the test opens it after that look.
 */
function gate() {
  const path = join(mkdtempSync(join(tmpdir(), "assay-gate-")), "open");
  return {
    wait: `for i in $(seq 1 600); do [ -f '${path}' ] && break; sleep 0.05; done`,
    open: () => writeFileSync(path, ""),
  };
}

describe("execution processes (in-process)", () => {
  let h: Harness;
  let owner: Member;
  let tools: Record<"sh" | "seq" | "sleep", string>;

  beforeAll(async () => {
    // The smallest cap allowed, so a short seq passes it.
    h = await createHarness({ EXECUTION_MAX_OUTPUT_BYTES: "1024", EXECUTION_CONCURRENCY: "2" });
    tools = await registerTools(await toolAdmin(h), ["sh", "seq", "sleep"]);
    owner = (await createOrg(h)).owner;
  }, 60_000);
  afterAll(() => h.close());

  const script = (text: string, timeoutSeconds?: number) =>
    owner.api.executions.start({
      toolId: tools.sh,
      parameters: { script: text },
      ...(timeoutSeconds ? { timeoutSeconds } : {}),
    });

  /**
   * The execution's recorded status once the runner's "started" event is stored. Output reaches
   * subscribers straight from the runner while that event is still on its way to the database
   * (runners may be other machines), so the first chunk can beat it by a moment; the process is
   * held at a gate meanwhile, so whatever is recorded here is recorded while it runs.
   */
  async function recordedStatus(id: string): Promise<string> {
    let status = (await owner.api.executions.get({ id })).status;
    for (let i = 0; i < 500 && status === "pending"; i++) {
      await sleep(20);
      status = (await owner.api.executions.get({ id })).status;
    }
    return status;
  }

  it("streams output through the tRPC subscription while the process runs, then the final status", async () => {
    const second = gate();
    const { id } = await script(`echo first; ${second.wait}; echo second`);
    const events = await owner.api.executions.stream({ id });
    const seen: { kind: string; at: number; status?: string }[] = [];
    for await (const event of events) {
      // Output chunks come wrapped by tracked() as [id, data].
      const item = (Array.isArray(event) ? event[1] : event) as { kind: string; execution?: { status: string } };
      const status = item.kind === "status" ? item.execution?.status : await recordedStatus(id);
      seen.push({ kind: item.kind, at: Date.now(), ...(status ? { status } : {}) });
      second.open();
      if (item.kind === "status") break;
    }
    expect(seen[0]).toMatchObject({ kind: "output", status: "running" });
    expect(seen.at(-1)).toMatchObject({ kind: "status", status: "completed" });
    const text = (await owner.api.executions.output({ id })).text;
    expect(text).toBe("first\nsecond\n");
  });

  it("streams over REST SSE (id per chunk, a final status event) and resumes after Last-Event-ID", async () => {
    const rest = gate();
    const { id } = await script(`echo line1; ${rest.wait}; for i in 2 3; do echo line$i; sleep 0.2; done`);
    const res = await h.app.request(`/api/v1/executions/${id}/stream`, { headers: owner.headers });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/event-stream");
    const received: { id: string | null; event: string; data: string; running: boolean }[] = [];
    for await (const event of sseEvents(res.body as ReadableStream<Uint8Array>)) {
      const running = (await recordedStatus(id)) === "running";
      received.push({ ...event, running });
      rest.open();
      if (event.event === "status") break;
    }
    const outputs = received.filter((e) => e.event === "output");
    expect(outputs[0]?.running).toBe(true);
    expect(outputs.map((e) => JSON.parse(e.data).data).join("")).toBe("line1\nline2\nline3\n");
    expect(outputs.map((e) => Number(e.id))).toEqual(outputs.map((_, i) => i + 1));
    expect(JSON.parse(received.at(-1)?.data ?? "{}")).toMatchObject({ id, status: "completed", exitCode: 0 });

    // A client that saw chunk 1 reconnects: it gets the rest, then the status.
    const resumed = await h.app.request(`/api/v1/executions/${id}/stream`, {
      headers: { ...owner.headers, "last-event-id": "1" },
    });
    const again: string[] = [];
    for await (const event of sseEvents(resumed.body as ReadableStream<Uint8Array>)) {
      again.push(event.event === "output" ? JSON.parse(event.data).data : `[${event.event}]`);
    }
    expect(again.join("")).toBe(
      `${outputs
        .slice(1)
        .map((e) => JSON.parse(e.data).data)
        .join("")}[status]`,
    );
  });

  it("cancels: the whole process group (grandchildren too) is gone within 2 s", async () => {
    const { id } = await script("sleep 30 & echo child=$!; sleep 30 & wait");
    await waitForStatus(owner.api, id, ["running"]);
    let pid = 0;
    for (let i = 0; i < 200 && !pid; i++) {
      pid = Number(/child=(\d+)/.exec((await owner.api.executions.output({ id })).text)?.[1] ?? 0);
      if (!pid) await sleep(20);
    }
    expect(processAlive(pid)).toBe(true);
    const asked = Date.now();
    const cancelled = await owner.api.executions.cancel({ id });
    while (processAlive(pid) && Date.now() - asked < 3000) await sleep(20);
    expect(processAlive(pid)).toBe(false);
    expect(Date.now() - asked).toBeLessThan(2000);
    expect(cancelled).toMatchObject({ status: "cancelled", cancelRequestedAt: expect.any(String) });
  });

  it("times out: the process group is killed and the execution is timed_out", async () => {
    const { id } = await script("sleep 30 & echo child=$!; wait", 1);
    const done = await waitForStatus(owner.api, id);
    expect(done).toMatchObject({ status: "timed_out", timeoutSeconds: 1, exitCode: null });
    expect(done.error).toContain("Timed out after 1 s");
    const pid = Number(/child=(\d+)/.exec((await owner.api.executions.output({ id })).text)?.[1]);
    expect(pid).toBeGreaterThan(0);
    expect(processAlive(pid)).toBe(false);
    expect(done.durationMs).toBeLessThan(3000);
  });

  it("reads progress from the lines a tool's progressPattern matches", async () => {
    const admin = await toolAdmin(h);
    const tool = await admin.api.tools.create({
      name: "stepper",
      category: "test",
      executable: "sh",
      args: ["-c", "echo 'progress: 40%'; sleep 1; echo done"],
      parameters: { type: "object", properties: {} },
      progressPattern: "^progress: (\\d+)%$",
    });
    const { id } = await owner.api.executions.start({ toolId: tool.id, parameters: {} });
    let seen = 0;
    for (let i = 0; i < 100 && seen !== 40; i++) {
      const current = await owner.api.executions.get({ id });
      if (current.status === "running") seen = current.progress;
      await sleep(20);
    }
    expect(seen).toBe(40);
    expect(await waitForStatus(owner.api, id)).toMatchObject({ status: "completed", progress: 100 });
  });

  it("cuts the output at EXECUTION_MAX_OUTPUT_BYTES and marks it truncated", async () => {
    const { id } = await owner.api.executions.start({ toolId: tools.seq, parameters: { last: 5000 } });
    const done = await waitForStatus(owner.api, id);
    expect(done).toMatchObject({ status: "completed", truncated: true, outputBytes: 1024 });
    const text = (await owner.api.executions.output({ id })).text;
    expect(Buffer.byteLength(text)).toBe(1024);
    expect(text.startsWith("1\n2\n3\n")).toBe(true);
    const short = await owner.api.executions.start({ toolId: tools.seq, parameters: { last: 3 } });
    expect(await waitForStatus(owner.api, short.id)).toMatchObject({ truncated: false, outputBytes: 6 });
  });

  it("runs at most EXECUTION_CONCURRENCY executions at a time; the rest wait their turn", async () => {
    const ids = [];
    for (let i = 0; i < 4; i++) {
      ids.push((await owner.api.executions.start({ toolId: tools.sleep, parameters: { seconds: 0.5 } })).id);
    }
    let peak = 0;
    const deadline = Date.now() + 15_000;
    for (;;) {
      const statuses = await Promise.all(ids.map(async (id) => (await owner.api.executions.get({ id })).status));
      peak = Math.max(peak, statuses.filter((s) => s === "running").length);
      if (statuses.every((s) => s === "completed") || Date.now() > deadline) break;
      await sleep(20);
    }
    expect(peak).toBe(2);
    const runs = await Promise.all(ids.map((id) => owner.api.executions.get({ id })));
    const starts = runs.map((r) => Date.parse(r.startedAt ?? "")).sort((a, b) => a - b);
    const ends = runs.map((r) => Date.parse(r.finishedAt ?? "")).sort((a, b) => a - b);
    // The third started only once one of the first two had finished.
    expect(starts[2]).toBeGreaterThanOrEqual((ends[0] ?? 0) - 5);
  });
});
