/**
 * Executions on one server without Redis (the in-process queue), over real HTTP: the typed
 * client's subscription streams the output live and resumes after a dropped connection
 * without losing or repeating a chunk; executions running when the server is killed are
 * failed when it starts again.
 */
import { readFileSync } from "node:fs";
import { type AssayClient, type AssayClientOptions, createAssayClient } from "@assay/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeTempDir, removeDir, startReadyServer, type TestServer } from "./support/server.js";

const ADMIN = { email: "inproc-admin@example.com", password: "inproc admin password 2024" };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A fetch whose first event stream is cut after its first tracked event (a dropped
 * connection); `streams` records, per stream opened, the Last-Event-ID it resumed after.
 */
function droppingFetch() {
  const streams: string[] = [];
  const fetchFn: NonNullable<AssayClientOptions["fetch"]> = async (input, init) => {
    const res = await fetch(input, init as RequestInit | undefined);
    if (!res.headers.get("content-type")?.startsWith("text/event-stream") || !res.body) return res;
    const headers = new Headers((init as RequestInit | undefined)?.headers);
    const inputParam = new URL(String(input)).searchParams.get("input") ?? "";
    streams.push(headers.get("last-event-id") ?? /"lastEventId":"(\d+)"/.exec(inputParam)?.[1] ?? "");
    if (streams.length > 1) return res;
    const reader = res.body.getReader();
    let seen = "";
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        const { value, done } = await reader.read();
        if (done) return controller.close();
        controller.enqueue(value);
        seen += new TextDecoder().decode(value);
        if (/\nid: ?\d+/.test(`\n${seen}`) && seen.includes("\n\n")) {
          await reader.cancel();
          controller.error(new Error("connection dropped"));
        }
      },
    });
    return new Response(body, { status: res.status, headers: res.headers });
  };
  return { streams, fetch: fetchFn };
}

describe("executions in-process, over HTTP", () => {
  let dataDir: string;
  let server: TestServer;
  let token: string;
  let orgId: string;
  let client: AssayClient;
  let sh: string;

  const start = () =>
    startReadyServer({
      dataDir,
      env: { FIRST_SUPERUSER_EMAIL: ADMIN.email, FIRST_SUPERUSER_PASSWORD: ADMIN.password },
    });

  beforeAll(async () => {
    dataDir = await makeTempDir();
    server = await start();
    const login = await createAssayClient({ url: server.url }).auth.login.mutate(ADMIN);
    if (login.mfaRequired) throw new Error("unexpected MFA");
    token = login.accessToken;
    orgId = (await createAssayClient({ url: server.url, token }).orgs.create.mutate({ name: "Solo" })).id;
    client = createAssayClient({ url: server.url, token, headers: { "x-organization-id": orgId } });
    sh = (
      await client.tools.create.mutate({
        name: "sh",
        category: "test",
        executable: "sh",
        args: ["-c", "{{script}}"],
        parameters: { type: "object", properties: { script: { type: "string" } }, required: ["script"] },
      })
    ).id;
  }, 120_000);
  afterAll(async () => {
    await server?.stop();
    await removeDir(dataDir);
  });

  it("resumes the subscription after a dropped connection, each chunk exactly once", async () => {
    const dropping = droppingFetch();
    const resuming = createAssayClient({
      url: server.url,
      token,
      headers: { "x-organization-id": orgId },
      fetch: dropping.fetch,
    });
    const { id } = await client.executions.start.mutate({
      toolId: sh,
      parameters: { script: "for i in 1 2 3 4 5; do echo n$i; sleep 0.3; done" },
    });
    const chunks: { seq: number; data: string }[] = [];
    let final: { status: string } | undefined;
    await new Promise<void>((resolve, reject) => {
      const sub = resuming.executions.stream.subscribe(
        { id },
        {
          onData(event) {
            const item = ("data" in event ? event.data : event) as {
              kind: string;
              seq?: number;
              data?: string;
              execution?: { status: string };
            };
            if (item.kind === "output") chunks.push({ seq: item.seq as number, data: item.data as string });
            else {
              final = item.execution;
              sub.unsubscribe();
              resolve();
            }
          },
          onError: reject,
        },
      );
    });
    expect(dropping.streams.length).toBeGreaterThanOrEqual(2);
    // The reconnection asked to resume after the chunk it had.
    expect(dropping.streams[0]).toBe("");
    expect(Number(dropping.streams[1])).toBeGreaterThanOrEqual(1);
    expect(chunks.map((c) => c.seq)).toEqual(chunks.map((_, i) => i + 1));
    expect(chunks.map((c) => c.data).join("")).toBe("n1\nn2\nn3\nn4\nn5\n");
    expect(final?.status).toBe("completed");
  });

  it("fails executions that were running when the server was killed, at the next start", async () => {
    const { id } = await client.executions.start.mutate({
      toolId: sh,
      parameters: { script: "echo pid=$$; sleep 60" },
    });
    let pid = 0;
    for (let i = 0; i < 200 && !pid; i++) {
      pid = Number(/pid=(\d+)/.exec((await client.executions.output.query({ id })).text)?.[1] ?? 0);
      if (!pid) await sleep(50);
    }
    server.child.kill("SIGKILL");
    // The server's spawner saw it go and killed the process group.
    expect(pid).toBeGreaterThan(0);
    let gone = false;
    for (let i = 0; i < 50 && !gone; i++) {
      try {
        process.kill(pid, 0);
        gone = readFileSync(`/proc/${pid}/stat`, "utf8").includes(") Z ");
        await sleep(50);
      } catch {
        gone = true;
      }
    }
    expect(gone).toBe(true);
    await server.exited;
    server = await start();
    const after = createAssayClient({ url: server.url, token, headers: { "x-organization-id": orgId } });
    // Embedded: the next start fails it at once (one process owns the database). PostgreSQL: other
    // nodes may share it, so it fails once the dead node's heartbeat is stale (20 s) + a round.
    let execution = await after.executions.get.query({ id });
    for (let i = 0; i < 450 && execution.status === "running"; i++) {
      await sleep(100);
      execution = await after.executions.get.query({ id });
    }
    expect(execution).toMatchObject({ status: "failed", error: "The server stopped while it ran" });
    expect((await after.executions.output.query({ id })).text).toBe("");
    client = after;
  });

  it("fails the executions it runs when the server is stopped (SIGTERM)", async () => {
    const { id } = await client.executions.start.mutate({ toolId: sh, parameters: { script: "echo up; sleep 60" } });
    for (let i = 0; i < 200; i++) {
      if ((await client.executions.get.query({ id })).status === "running") break;
      await sleep(50);
    }
    await server.stop();
    server = await start();
    client = createAssayClient({ url: server.url, token, headers: { "x-organization-id": orgId } });
    const execution = await client.executions.get.query({ id });
    expect(execution.status).toBe("failed");
    expect(execution.error).toContain("stopped");
    expect((await client.executions.output.query({ id })).text).toBe("up\n");
  });
});
