/**
 * Executions across machines, as deployed: two API nodes sharing a PostgreSQL database, two
 * `assay worker` processes that know only REDIS_URL and a QUEUE_PREFIX of this test, all on
 * the machine's Redis. A job queued on node A runs on a worker and streams live to a client
 * of node B; labels pick the worker; a worker killed with SIGKILL leaves its execution
 * failed, not running forever.
 */
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { type AssayClient, createAssayClient } from "@assay/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dropKeys, REDIS_URL, scratchDatabase, startWorker, type WorkerProcess } from "./execution-nodes.js";
import { startReadyServer, type TestServer } from "./support/server.js";

const ADMIN = { email: "exec-admin@example.com", password: "exec admin password 2024" };
const prefix = `assay-test-${randomUUID()}`;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return !readFileSync(`/proc/${pid}/stat`, "utf8").includes(") Z ");
  } catch {
    return false;
  }
};

describe("executions through BullMQ, two workers and two API nodes", () => {
  let database: Awaited<ReturnType<typeof scratchDatabase>>;
  let nodeA: TestServer;
  let nodeB: TestServer;
  let workers: WorkerProcess[] = [];
  let a: AssayClient;
  let b: AssayClient;
  let tools: { echo: string; sh: string };

  beforeAll(async () => {
    database = await scratchDatabase();
    // One database, one Redis, one key: the two nodes are one deployment.
    const env = {
      DATABASE_URL: database.url,
      REDIS_URL,
      QUEUE_PREFIX: prefix,
      ENCRYPTION_KEY: Buffer.alloc(32, 5).toString("base64"),
    };
    nodeA = await startReadyServer({
      env: { ...env, FIRST_SUPERUSER_EMAIL: ADMIN.email, FIRST_SUPERUSER_PASSWORD: ADMIN.password },
    });
    nodeB = await startReadyServer({ env });
    workers = await Promise.all([
      startWorker({ prefix, labels: ["linux", "host=w1"] }),
      startWorker({ prefix, labels: ["linux", "host=w2"] }),
    ]);
    const login = await createAssayClient({ url: nodeA.url }).auth.login.mutate(ADMIN);
    if (login.mfaRequired) throw new Error("unexpected MFA");
    const token = login.accessToken;
    const org = await createAssayClient({ url: nodeA.url, token }).orgs.create.mutate({ name: "Distributed" });
    const headers = { "x-organization-id": org.id };
    a = createAssayClient({ url: nodeA.url, token, headers });
    b = createAssayClient({ url: nodeB.url, token, headers });
    const echo = await a.tools.create.mutate({
      name: "echo",
      category: "test",
      executable: "echo",
      args: ["{{message}}"],
      parameters: { type: "object", properties: { message: { type: "string" } }, required: ["message"] },
    });
    const sh = await a.tools.create.mutate({
      name: "sh",
      category: "test",
      executable: "sh",
      args: ["-c", "{{script}}"],
      parameters: { type: "object", properties: { script: { type: "string" } }, required: ["script"] },
    });
    tools = { echo: echo.id, sh: sh.id };
  }, 180_000);

  afterAll(async () => {
    await Promise.all(workers.map((w) => w.stop()));
    await Promise.all([nodeA?.stop(), nodeB?.stop()]);
    await database?.drop();
    await dropKeys(prefix);
  }, 60_000);

  async function finalOf(id: string, client = a, timeoutMs = 30_000) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const execution = await client.executions.get.query({ id });
      if (!["pending", "running"].includes(execution.status)) return execution;
      if (Date.now() > deadline) throw new Error(`${id} still ${execution.status}`);
      await sleep(50);
    }
  }

  it("lists both workers with their labels and heartbeat", async () => {
    const { data } = await b.workers.list.query();
    expect(data.map((w) => w.id).sort()).toEqual(workers.map((w) => w.id).sort());
    for (const worker of data) {
      expect(worker).toMatchObject({
        kind: "worker",
        online: true,
        labels: expect.arrayContaining(["linux", "os:linux"]),
      });
      expect(Date.now() - Date.parse(worker.lastHeartbeatAt)).toBeLessThan(15_000);
    }
  });

  /**
   * The status node B has recorded once the worker's "started" event is stored: output reaches
   * subscribers straight from the worker while that event is still on its way to the database,
   * so the first chunk can beat it by a moment (the script sleeps before it ends meanwhile).
   */
  async function recordedStatus(id: string): Promise<string> {
    let status = (await b.executions.get.query({ id })).status;
    for (let i = 0; i < 500 && status === "pending"; i++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      status = (await b.executions.get.query({ id })).status;
    }
    return status;
  }

  it("queues on node A, runs on a worker, and streams live to a subscriber of node B", async () => {
    const { id } = await a.executions.start.mutate({
      toolId: tools.sh,
      parameters: { script: "echo one; sleep 1; echo two" },
    });
    const received: { kind: string; status?: string }[] = [];
    await new Promise<void>((resolve, reject) => {
      const sub = b.executions.stream.subscribe(
        { id },
        {
          async onData(event) {
            const item = ("data" in event ? event.data : event) as { kind: string; execution?: { status: string } };
            const status = item.kind === "status" ? item.execution?.status : await recordedStatus(id);
            received.push({ kind: item.kind, ...(status ? { status } : {}) });
            if (item.kind === "status") {
              sub.unsubscribe();
              resolve();
            }
          },
          onError: reject,
        },
      );
    });
    expect(received[0]).toMatchObject({ kind: "output", status: "running" });
    expect(received.at(-1)).toMatchObject({ kind: "status", status: "completed" });
    const done = await finalOf(id, b);
    expect(workers.map((w) => w.id)).toContain(done.workerId);
    expect((await b.executions.output.query({ id })).text).toBe("one\ntwo\n");
  });

  it("sends a job to the worker whose labels it asks for", async () => {
    for (const [host, worker] of [
      ["w2", workers[1]],
      ["w1", workers[0]],
    ] as const) {
      const { id } = await a.executions.start.mutate({
        toolId: tools.echo,
        parameters: { message: host },
        workerLabels: [`host=${host}`],
      });
      expect((await finalOf(id)).workerId).toBe(worker?.id);
    }
    await expect(
      a.executions.start.mutate({ toolId: tools.echo, parameters: { message: "x" }, workerLabels: ["host=nowhere"] }),
    ).rejects.toMatchObject({ data: { code: "UNPROCESSABLE" } });
  });

  it("fails the execution of a worker killed with SIGKILL within 60 s (worker lost)", async () => {
    const victim = workers[0] as WorkerProcess;
    const { id } = await a.executions.start.mutate({
      toolId: tools.sh,
      parameters: { script: "echo pid=$$; sleep 120" },
      workerLabels: ["host=w1"],
    });
    let pid = 0;
    for (let i = 0; i < 200 && !pid; i++) {
      pid = Number(/pid=(\d+)/.exec((await a.executions.output.query({ id })).text)?.[1] ?? 0);
      if (!pid) await sleep(50);
    }
    expect((await a.executions.get.query({ id })).status).toBe("running");
    const killedAt = Date.now();
    victim.child.kill("SIGKILL");
    try {
      const done = await finalOf(id, b, 60_000);
      expect(done).toMatchObject({ status: "failed", workerId: victim.id });
      expect(done.error).toMatch(/worker .*lost/i);
      expect(Date.now() - killedAt).toBeLessThan(60_000);
      expect((await a.workers.list.query()).data.find((w) => w.id === victim.id)?.online).toBe(false);
      // Its spawner saw it go and killed the process group: nothing it started outlives it.
      expect(pid).toBeGreaterThan(0);
      expect(alive(pid)).toBe(false);
    } finally {
      try {
        if (pid) process.kill(-pid, "SIGKILL");
      } catch {
        // Already gone.
      }
    }
  }, 90_000);
});
