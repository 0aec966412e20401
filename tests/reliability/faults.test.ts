/**
 * Faults, on a PostgreSQL cluster and a Redis server this run starts itself (temporary
 * folder, spare ports): PostgreSQL restarted under load (requests fail fast with 503
 * SERVICE_UNAVAILABLE, none hangs, service comes back without restarting Assay), Redis killed
 * and restarted under load (rate limits fall back to memory, nothing fails, Redis is used again
 * afterwards), and kill -9 in the middle of an import (the server during an assessment JSON
 * import; the CLI during an Atomic Red Team import, on PostgreSQL and on the embedded
 * database) leaves nothing half-written.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { cpSync, rmSync } from "node:fs";
import { join } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createOrg, login, rest } from "../bench/lib/api.js";
import { ATOMICS_DIR } from "../bench/lib/imports.js";
import {
  assayCommand,
  makeTempDir,
  SERVER_DIR,
  startReadyServer,
  type TestServer,
  waitUntilReady,
} from "../support/server.js";
import { type Answer, call, codeOf, errorShapeProblems } from "./support/http.js";
import { type PgCluster, type RedisServer, startPgCluster, startRedis } from "./support/services.js";
import { BASE_ENV, SETTINGS, SUPERUSER } from "./support/settings.js";

const CLIENT_TIMEOUT_MS = 10_000;
/** How long a request may take to be refused while the database is down (DATABASE_CONNECT_TIMEOUT_MS + margin). */
const FAIL_FAST_MS = 5_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Sample {
  at: number;
  op: string;
  answer: Answer;
}

/** Runs `workers` loops of `step` until `stop()` is called; returns every answer with its start time. */
function loadUntilStopped(workers: number, step: (w: number, i: number) => Promise<{ op: string; answer: Answer }>) {
  const samples: Sample[] = [];
  let running = true;
  const t0 = performance.now();
  const done = Promise.all(
    Array.from({ length: workers }, async (_, w) => {
      for (let i = 0; running; i++) {
        const at = performance.now() - t0;
        const { op, answer } = await step(w, i);
        samples.push({ at, op, answer });
      }
    }),
  );
  return {
    samples,
    now: () => performance.now() - t0,
    stop: async () => {
      running = false;
      await done;
      return samples;
    },
  };
}

function describeSample(s: Sample): string {
  return `${s.op} at ${Math.round(s.at)} ms -> ${s.answer.status || s.answer.failureDetail} in ${Math.round(s.answer.ms)} ms ${s.answer.body.slice(0, 160)}`;
}

/** Waits (10 s at most) until no session is left on `database`: PostgreSQL has rolled back a killed client's transaction. */
async function sessionsGone(cluster: PgCluster, database: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const open = await cluster.query<{ n: number }>(
      "postgres",
      "SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()",
      [database],
    );
    if (open[0]?.n === 0) return;
    await sleep(100);
  }
}

/** `assay <args>`, as the reliability run builds it (or through tsx, as `pnpm assay` runs it). */
function cli(args: string[], env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, [...assayCommand(), ...args], {
    cwd: SERVER_DIR,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      NODE_ENV: "test",
      LOG_LEVEL: "warn",
      ENCRYPTION_KEY: Buffer.alloc(32, 5).toString("base64"),
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
}

function finished(child: ChildProcess, timeoutMs = 180_000): Promise<{ code: number | null; output: string }> {
  let output = "";
  child.stdout?.on("data", (c: Buffer) => {
    output += c.toString();
  });
  child.stderr?.on("data", (c: Buffer) => {
    output += c.toString();
  });
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.once("exit", (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

describe("faults", () => {
  let cluster: PgCluster;
  let redis: RedisServer;
  const servers: TestServer[] = [];

  beforeAll(async () => {
    [cluster, redis] = await Promise.all([startPgCluster(), startRedis()]);
  });
  afterAll(async () => {
    for (const s of servers) await s.stop();
    await Promise.all([cluster?.destroy(), redis?.destroy()]);
  });

  async function serverOn(database: string, env: Record<string, string> = {}) {
    const url = await cluster.createDatabase(database);
    const server = await startReadyServer({ env: { ...BASE_ENV, DATABASE_URL: url, ...env } });
    servers.push(server);
    const token = await login(server.url, SUPERUSER.email, SUPERUSER.password);
    const session = await createOrg({ url: server.url, token }, `Faults ${database}`);
    const assessment = await rest<{ id: string }>(session, "POST", "/assessments", { name: "Under fault" });
    return { server, session, assessmentId: assessment.id, databaseUrl: url };
  }

  it("PostgreSQL restarted under load: fast 503s with a code, no hang, recovery without restarting Assay", async () => {
    const { server, session, assessmentId } = await serverOn("assay_fault_pg");
    const headers = {
      authorization: `Bearer ${session.token}`,
      "x-organization-id": session.orgId,
      "content-type": "application/json",
    };
    const base = `${server.url}/api/v1`;
    const load = loadUntilStopped(16, async (w, i) =>
      w % 4 === 0
        ? {
            op: "create",
            answer: await call(
              `${base}/assessments/${assessmentId}/activities`,
              { method: "POST", headers, body: JSON.stringify({ title: `fault ${w}-${i}` }) },
              CLIENT_TIMEOUT_MS,
            ),
          }
        : {
            op: "list",
            answer: await call(
              `${base}/assessments/${assessmentId}/activities?pageSize=20`,
              { headers },
              CLIENT_TIMEOUT_MS,
            ),
          },
    );
    await sleep(2_000);
    const stoppedAt = load.now();
    cluster.stop("fast");
    const readyWhileDown = await call(`${server.url}/health/ready`, {}, CLIENT_TIMEOUT_MS);
    await sleep(3_000);
    cluster.start();
    const startedAt = load.now();
    await sleep(8_000);
    const samples = await load.stop();

    const ok = samples.filter((s) => s.answer.status >= 200 && s.answer.status < 300);
    const refused = samples.filter((s) => s.answer.status === 503);
    const hung = samples.filter((s) => s.answer.failure === "timeout");
    const lost = samples.filter((s) => s.answer.failure === "network");
    const other = samples.filter((s) => !ok.includes(s) && !refused.includes(s) && !s.answer.failure);
    const badShape = refused.filter(
      (s) => codeOf(s.answer) !== "SERVICE_UNAVAILABLE" || errorShapeProblems(s.answer).length > 0,
    );
    const slowRefusals = refused.filter((s) => s.answer.ms > FAIL_FAST_MS);
    const recoveredAt = ok.find((s) => s.at > startedAt)?.at;
    const afterRecovery = samples.filter((s) => s.at > startedAt + 5_000);
    console.log(
      `postgres restart: ${samples.length} requests; ${ok.length} ok, ${refused.length} 503 (slowest ${Math.round(Math.max(0, ...refused.map((s) => s.answer.ms)))} ms), ` +
        `${hung.length} hung, ${lost.length} without answer, ${other.length} other; down ${Math.round(stoppedAt)}-${Math.round(startedAt)} ms, ` +
        `first success after restart at +${recoveredAt === undefined ? "never" : Math.round(recoveredAt - startedAt)} ms; ready while down: ${readyWhileDown.status}`,
    );

    expect(readyWhileDown.status).toBe(503);
    expect(refused.length, "the outage was not felt").toBeGreaterThan(0);
    expect(hung.map(describeSample)).toEqual([]);
    expect(lost.map(describeSample)).toEqual([]);
    expect(other.map(describeSample)).toEqual([]);
    expect(badShape.map(describeSample)).toEqual([]);
    expect(slowRefusals.map(describeSample)).toEqual([]);
    expect(recoveredAt).toBeDefined();
    expect(afterRecovery.length).toBeGreaterThan(0);
    expect(afterRecovery.filter((s) => s.answer.status !== 200 && s.answer.status !== 201).map(describeSample)).toEqual(
      [],
    );
    // The same process answers: Assay was not restarted.
    expect(server.child.exitCode).toBeNull();
    await waitUntilReady(server.url, 60_000);
  });

  it("Redis killed and restarted under load: limits fall back to memory, nothing fails, Redis is used again", async () => {
    const { server, session, assessmentId } = await serverOn("assay_fault_redis", { REDIS_URL: redis.url });
    const headers = { authorization: `Bearer ${session.token}`, "x-organization-id": session.orgId };
    const base = `${server.url}/api/v1`;
    const credentials = JSON.stringify({ email: SUPERUSER.email, password: SUPERUSER.password });
    const loginCall = () =>
      call(
        `${base}/auth/login`,
        { method: "POST", headers: { "content-type": "application/json" }, body: credentials },
        CLIENT_TIMEOUT_MS,
      );
    expect((await loginCall()).status).toBe(200);
    const keysBefore = redis.keys("assay:rl:*");
    const load = loadUntilStopped(8, async (w) =>
      w < 2
        ? { op: "login", answer: await loginCall() }
        : {
            op: "list",
            answer: await call(`${base}/assessments/${assessmentId}/activities`, { headers }, CLIENT_TIMEOUT_MS),
          },
    );
    await sleep(2_000);
    const killedAt = load.now();
    await redis.kill();
    await sleep(1_000);
    const readyWhileDown = await call(`${server.url}/health/ready`);
    await sleep(3_000);
    await redis.start();
    const restartedAt = load.now();
    // Used again: the rate limiter writes its counters to the new Redis.
    let keysAfter: string[] = [];
    for (let i = 0; i < 40 && keysAfter.length === 0; i++) {
      await sleep(250);
      keysAfter = redis.keys("assay:rl:*");
    }
    await sleep(2_000);
    const samples = await load.stop();
    const failed = samples.filter((s) => s.answer.status !== 200);
    const during = samples.filter((s) => s.at > killedAt && s.at < restartedAt);
    console.log(
      `redis restart: ${samples.length} requests (${during.length} while down: ${during.filter((s) => s.op === "login").length} logins, ` +
        `${during.filter((s) => s.op === "list").length} lists); ${failed.length} not 200; p max ${Math.round(Math.max(...samples.map((s) => s.answer.ms)))} ms; ` +
        `ready while down ${readyWhileDown.status} ${readyWhileDown.body.slice(0, 200)}; limiter keys before ${keysBefore.length}, after restart ${keysAfter.length}`,
    );
    expect(keysBefore.length).toBeGreaterThan(0);
    expect(during.filter((s) => s.op === "login").length).toBeGreaterThan(0);
    expect(failed.map(describeSample)).toEqual([]);
    // Redis is optional: the instance stays ready and says Redis is down.
    expect(readyWhileDown.status).toBe(200);
    expect(readyWhileDown.body).toMatch(/"redis":\{"status":"down"/);
    expect(keysAfter.length, "the rate limiter did not use Redis again after its restart").toBeGreaterThan(0);
    expect(server.child.exitCode).toBeNull();
  });

  it("kill -9 of the server during an assessment JSON import leaves no partial import", async () => {
    const { server, session, databaseUrl } = await serverOn("assay_fault_import", { BODY_LIMIT_BYTES: "20000000" });
    const database = new URL(databaseUrl).pathname.slice(1);
    const count = async () =>
      (
        await cluster.query<{ assessments: number; activities: number; comments: number }>(
          database,
          `SELECT (SELECT count(*)::int FROM assessments) AS assessments, (SELECT count(*)::int FROM activities) AS activities,
             (SELECT count(*)::int FROM activity_comments) AS comments`,
        )
      )[0];
    const before = await count();
    const activities = 6_000;
    const document = {
      format: "assay.assessment",
      version: 1,
      assessment: { name: "Imported under kill -9", tags: ["imported"] },
      tags: [{ name: "imported", color: "#1f6feb" }],
      activities: Array.from({ length: activities }, (_, i) => ({
        ref: `a${i + 1}`,
        title: `Imported activity ${i + 1}`,
        description: "Procedure, expected telemetry and notes. ".repeat(4),
        techniques: ["T1003.001", "T1059.001"],
        tags: ["imported"],
        comments: [{ author: null, body: "imported comment", createdAt: "2026-01-01T00:00:00.000Z" }],
      })),
    };
    const importing = call(
      `${server.url}/api/v1/assessments/import`,
      {
        method: "POST",
        headers: {
          authorization: `Bearer ${session.token}`,
          "x-organization-id": session.orgId,
          "content-type": "application/json",
        },
        body: JSON.stringify({ document }),
      },
      120_000,
    );
    // Wait until the import's transaction has written rows, then kill the server outright.
    const row = await cluster.waitForRow<{ query: string }>(
      `SELECT query FROM pg_stat_activity WHERE datname = $1 AND backend_xid IS NOT NULL AND query ILIKE '%activit%'`,
      [database],
      60_000,
    );
    const caught = row ? row.query.slice(0, 80).replace(/\s+/g, " ") : "";
    server.child.kill("SIGKILL");
    const answer = await importing;
    expect(caught, "the import transaction was never seen writing").not.toBe("");
    expect(answer.failure).toBe("network");
    // PostgreSQL rolls the transaction back once it notices the client is gone.
    await sessionsGone(cluster, database);
    const after = await count();
    console.log(
      `server kill -9 during import: killed while "${caught}"; before ${JSON.stringify(before)}, after ${JSON.stringify(after)}`,
    );
    expect(after).toEqual(before);

    // A new process on the same database serves, and the same import then completes whole.
    const again = await startReadyServer({
      env: { ...BASE_ENV, DATABASE_URL: databaseUrl, BODY_LIMIT_BYTES: "20000000" },
    });
    servers.push(again);
    const token = await login(again.url, SUPERUSER.email, SUPERUSER.password);
    const done = await rest<{ created: Record<string, number> }>(
      { url: again.url, token, orgId: session.orgId },
      "POST",
      "/assessments/import",
      { document },
    );
    expect((await count())?.activities).toBe((before?.activities ?? 0) + activities);
    expect(done.created).toBeDefined();
  });

  it("kill -9 of the CLI during an Atomic Red Team import on PostgreSQL leaves nothing behind", async () => {
    const databaseUrl = await cluster.createDatabase("assay_fault_atomics");
    const database = "assay_fault_atomics";
    const dataDir = await makeTempDir("assay-rel-cli-");
    const env = { DATABASE_URL: databaseUrl, DATA_DIR: dataDir };
    const templates = async () =>
      (
        await cluster
          .query<{ n: number }>(
            database,
            `SELECT count(*)::int AS n FROM activity_templates WHERE source = 'atomic-red-team'`,
          )
          .catch(() => [{ n: 0 }])
      )[0]?.n ?? 0;
    try {
      const child = cli(["import", "atomics", ATOMICS_DIR, "--json"], env);
      const exit = finished(child);
      // The import's transaction once it has written (its INSERT running, or done and the transaction still open).
      const row = await cluster.waitForRow<{ query: string }>(
        `SELECT query FROM pg_stat_activity WHERE datname = $1 AND backend_xid IS NOT NULL AND query ILIKE '%activity_templates%'`,
        [database],
        150_000,
        () => child.exitCode !== null,
      );
      const caught = row ? row.query.slice(0, 60).replace(/\s+/g, " ") : "";
      child.kill("SIGKILL");
      const killed = await exit;
      await sessionsGone(cluster, database);
      const afterKill = await templates();
      const complete = await finished(cli(["import", "atomics", ATOMICS_DIR, "--json"], env));
      const full = await templates();
      console.log(
        `CLI kill -9 during the atomics import (PostgreSQL): killed while "${caught}" (exit ${killed.code}); ` +
          `templates after the kill ${afterKill}, after a complete run ${full}`,
      );
      expect(caught, "the import's INSERT was never seen running").not.toBe("");
      expect(killed.code).toBeNull();
      expect(afterKill).toBe(0);
      expect(complete.code, complete.output).toBe(0);
      expect(full).toBeGreaterThan(1000);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it("kill -9 of the CLI during an Atomic Red Team import on the embedded database leaves all or nothing", async () => {
    const root = await makeTempDir("assay-rel-embedded-");
    const countIn = async (dataDir: string) => {
      const db = await PGlite.create({ dataDir: join(dataDir, "pglite") });
      try {
        return (
          await db.query<{ n: number }>(
            `SELECT count(*)::int AS n FROM activity_templates WHERE source = 'atomic-red-team'`,
          )
        ).rows[0]?.n;
      } finally {
        await db.close();
      }
    };
    try {
      // A migrated folder with ATT&CK loaded, copied for each run.
      const base = join(root, "base");
      const seeded = await finished(cli(["seed", "--json"], { DATA_DIR: base }));
      expect(seeded.code, seeded.output).toBe(0);
      const reference = join(root, "reference");
      cpSync(base, reference, { recursive: true });
      const t0 = performance.now();
      const complete = await finished(cli(["import", "atomics", ATOMICS_DIR, "--json"], { DATA_DIR: reference }));
      const fullMs = performance.now() - t0;
      expect(complete.code, complete.output).toBe(0);
      const full = await countIn(reference);
      expect(full).toBeGreaterThan(1000);

      const outcomes: string[] = [];
      for (const fraction of SETTINGS.embeddedKillPoints) {
        const dir = join(root, `kill-${fraction}`);
        cpSync(base, dir, { recursive: true });
        const child = cli(["import", "atomics", ATOMICS_DIR, "--json"], { DATA_DIR: dir });
        const exit = finished(child);
        await sleep(fullMs * fraction);
        child.kill("SIGKILL");
        const { code } = await exit;
        const found = await countIn(dir);
        outcomes.push(
          `${Math.round(fullMs * fraction)} ms: ${code === null ? "killed" : `exited ${code}`}, ${found} templates`,
        );
        expect([0, full]).toContain(found);
        // The folder is still usable (stale claim taken over) and the import completes.
        const rerun = await finished(cli(["import", "atomics", ATOMICS_DIR, "--json"], { DATA_DIR: dir }));
        expect(rerun.code, rerun.output).toBe(0);
        expect(await countIn(dir)).toBe(full);
      }
      console.log(
        `CLI kill -9 during the atomics import (embedded, full run ${Math.round(fullMs)} ms, ${full} templates): ${outcomes.join("; ")}`,
      );
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
