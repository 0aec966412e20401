/**
 * Fuzz: requests generated from the live OpenAPI document (tests/reliability/support/fuzz.ts),
 * sent as the first superuser acting in an organization of its own (most of them), anonymously
 * or with a garbage token. No answer may be a 5xx or carry a stack trace, and every 4xx must
 * be in the error shape { success:false, errors:[{code,message,field}], requestId }.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createOrg, login, rest, type Session } from "../bench/lib/api.js";
import { startReadyServer, type TestServer } from "../support/server.js";
import { type FuzzRequest, generateRequests, type OpenApiDocument, operationsOf } from "./support/fuzz.js";
import { type Answer, call, callOnFreshConnection, errorShapeProblems, stackTraceIn } from "./support/http.js";
import { BASE_ENV, SETTINGS, SMOKE, SUPERUSER } from "./support/settings.js";

const SEED = Number(process.env.RELIABILITY_SEED ?? 20261123);
const CONCURRENCY = 8;

/** Operations that would end the session or lock the account sending them: sent by a throwaway account. */
const SESSION_ENDING =
  /^(POST \/auth\/(logout|logout-all|change-password|password-reset\/confirm)|POST \/sessions\/revoke-others|DELETE \/sessions\/|POST \/mfa\/|DELETE \/orgs\/current$|POST \/orgs\/current\/(leave|transfer-ownership)|POST \/admin\/users\/\{id\}\/deactivate|PUT \/admin\/users\/\{id\}\/role|DELETE \/admin\/users\/\{id\}|DELETE \/admin\/sessions\/)/;

interface Failure {
  request: FuzzRequest;
  status: number;
  problem: string;
  body: string;
}

describe(`fuzz from the OpenAPI document (${SETTINGS.fuzzRequests} requests, seed ${SEED})`, () => {
  let server: TestServer;
  let admin: Session & { orgId: string };
  let throwaway: string;
  let throwaways = 0;
  /** Requests lost to a connection the server closed while the client reused it. */
  const dropped: { at: number; request: FuzzRequest; detail: string }[] = [];

  async function newThrowaway(): Promise<string> {
    const n = ++throwaways;
    const tokens = await rest<{ accessToken: string }>({ url: server.url }, "POST", "/auth/register", {
      email: `fuzz-throwaway-${n}-${Date.now()}@example.com`,
      password: `throwaway password ${n} xyz`,
      name: `Throwaway ${n}`,
    });
    return tokens.accessToken;
  }

  beforeAll(async () => {
    server = await startReadyServer({ env: BASE_ENV });
    const token = await login(server.url, SUPERUSER.email, SUPERUSER.password);
    admin = await createOrg({ url: server.url, token }, "Fuzz org");
    throwaway = await newThrowaway();
  });
  afterAll(async () => {
    await server?.stop();
  });

  it("answers every request without a 5xx, a stack trace or a malformed error", async () => {
    // Real records, so that valid requests reach past the lookups.
    const assessment = await rest<{ id: string }>(admin, "POST", "/assessments", { name: "Fuzz target" });
    const tag = await rest<{ id: string }>(admin, "POST", "/tags", { name: "fuzz", color: "#123456" });
    const activity = await rest<{ id: string }>(admin, "POST", `/assessments/${assessment.id}/activities`, {
      title: "Fuzz activity",
      techniques: ["T1003"],
      tagIds: [tag.id],
    });
    const asset = await rest<{ id: string }>(admin, "POST", "/assets", { name: "host-1", kind: "host" }).catch(
      () => undefined,
    );
    const known = {
      ids: [admin.orgId, assessment.id, tag.id, activity.id, ...(asset ? [asset.id] : [])],
    };

    const docAnswer = await call(`${server.url}/api/v1/openapi.json`);
    expect(docAnswer.status).toBe(200);
    const doc = JSON.parse(docAnswer.body) as OpenApiDocument;
    const ops = operationsOf(doc);
    expect(ops.length).toBeGreaterThan(20);
    const requests = generateRequests(doc, ops, known, admin.orgId, SETTINGS.fuzzRequests, SEED);
    expect(requests.length).toBeGreaterThanOrEqual(SETTINGS.fuzzRequests);

    const failures: Failure[] = [];
    const slowest: { ms: number; at: number; request: FuzzRequest; status: number }[] = [];
    const socketFailures: number[] = [];
    dropped.length = 0;
    const statuses = new Map<number, number>();
    const kinds = new Map<string, number>();
    let sent = 0;
    let next = 0;

    const started = performance.now();

    async function keepIdentitiesAlive() {
      const me = await call(`${server.url}/api/v1/auth/me`, { headers: { authorization: `Bearer ${admin.token}` } });
      if (me.status === 401) admin.token = await login(server.url, SUPERUSER.email, SUPERUSER.password);
      const org = await call(`${server.url}/api/v1/orgs/current`, {
        headers: { authorization: `Bearer ${admin.token}`, "x-organization-id": admin.orgId },
      });
      if (org.status === 404)
        throw new Error("the fuzz organization disappeared: an operation is missing from SESSION_ENDING");
      const other = await call(`${server.url}/api/v1/auth/me`, { headers: { authorization: `Bearer ${throwaway}` } });
      if (other.status !== 200) throwaway = await newThrowaway();
    }

    function judge(request: FuzzRequest, answer: Answer) {
      statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
      kinds.set(request.kind, (kinds.get(request.kind) ?? 0) + 1);
      const at = performance.now() - started;
      slowest.push({ ms: answer.ms, at, request, status: answer.status });
      slowest.sort((a, b) => b.ms - a.ms).splice(5);
      if (answer.failure) socketFailures.push(Math.round(at));
      const fail = (problem: string) =>
        failures.push({ request, status: answer.status, problem, body: answer.body.slice(0, 400) });
      if (answer.failure) return fail(`no answer: ${answer.failureDetail}`);
      if ((answer.headers.get("content-type") ?? "").includes(",")) return fail("Content-Type sent more than once");
      if (answer.status >= 500) return fail(`HTTP ${answer.status}`);
      const trace = stackTraceIn(answer.body);
      if (trace) return fail(`stack trace in body: ${trace}`);
      if (answer.status >= 400) {
        const problems = errorShapeProblems(answer);
        if (problems.length > 0) fail(`error shape: ${problems.join("; ")}`);
      }
    }

    async function worker() {
      while (next < requests.length) {
        const request = requests[next++] as FuzzRequest;
        const headers: Record<string, string> = { ...request.headers };
        const token =
          request.auth === "user"
            ? SESSION_ENDING.test(request.operation)
              ? throwaway
              : admin.token
            : request.auth === "garbage"
              ? "garbage.token.value"
              : undefined;
        if (token && !headers.authorization) headers.authorization = `Bearer ${token}`;
        const url = `${server.url}/api/v1${request.url}`;
        const init = { method: request.method, headers, ...(request.body === undefined ? {} : { body: request.body }) };
        let answer = await call(url, init, 30_000);
        if (answer.failure === "network") {
          // The server closed a kept-alive connection under this request: note it, and ask again
          // on a connection of its own so that the answer itself is still judged.
          dropped.push({ at: Math.round(performance.now() - started), request, detail: answer.failureDetail ?? "" });
          answer = await callOnFreshConnection(url, init, 30_000);
        }
        judge(request, answer);
        if (++sent % 250 === 0) await keepIdentitiesAlive();
      }
    }
    await Promise.all(Array.from({ length: CONCURRENCY }, () => worker()));
    const seconds = (performance.now() - started) / 1000;

    // The server is still healthy afterwards.
    expect((await call(`${server.url}/health/ready`)).status).toBe(200);

    const byStatus = Object.fromEntries([...statuses.entries()].sort((a, b) => a[0] - b[0]));
    console.log(
      `fuzz${SMOKE ? " (smoke)" : ""}: ${sent} requests over ${ops.length} operations in ${seconds.toFixed(1)} s; ` +
        `kinds ${JSON.stringify(Object.fromEntries(kinds))}; statuses ${JSON.stringify(byStatus)}; ${failures.length} failures`,
    );
    console.log(
      `slowest: ${slowest.map((x) => `${Math.round(x.ms)} ms at ${Math.round(x.at)} ms ${x.request.operation} [${x.request.variant}] -> ${x.status}`).join("; ")}`,
    );
    if (dropped.length > 0) console.log(`dropped connections (asked again): ${dropped.length}`);
    if (socketFailures.length > 0) {
      console.log(`requests without an answer at (ms): ${socketFailures.join(", ")}`);
      const noisy = server.logs.filter((l) => (l.level ?? 0) >= 40).slice(-20);
      console.log(`server warnings and errors:\n${noisy.map((l) => JSON.stringify(l).slice(0, 600)).join("\n")}`);
      console.log(
        `server non-JSON output:\n${server
          .output()
          .split("\n")
          .filter((l) => l && !l.startsWith("{"))
          .slice(-30)
          .join("\n")}`,
      );
    }
    const distinct = new Map<string, Failure>();
    for (const f of failures) distinct.set(`${f.request.operation} ${f.status} ${f.problem.slice(0, 60)}`, f);
    const report = [...distinct.values()]
      .slice(0, 25)
      .map(
        (f) =>
          `- ${f.request.operation} [${f.request.kind}: ${f.request.variant}] -> ${f.problem}\n` +
          `    ${f.request.method} /api/v1${f.request.url.slice(0, 200)}\n` +
          `    body sent: ${(f.request.body ?? "").slice(0, 200)}\n    answer: ${f.body.slice(0, 300)}`,
      )
      .join("\n");
    expect(failures.length, `${failures.length} failures (${distinct.size} distinct):\n${report}`).toBe(0);
    expect(sent).toBeGreaterThanOrEqual(SETTINGS.fuzzRequests);
  });

  // A separate verdict: a request sent on a kept-alive connection that the server then closed
  // got no answer (it was asked again on a fresh connection above, so the fuzz verdict stands).
  // Timing-dependent, so the CI smoke run reports it without failing on it.
  it.skipIf(SMOKE)("loses no request to a connection the server closed", () => {
    const report = dropped
      .slice(0, 10)
      .map((d) => `- at ${d.at} ms: ${d.request.operation} [${d.request.variant}]: ${d.detail.slice(0, 200)}`)
      .join("\n");
    expect(dropped.length, `${dropped.length} requests got no answer on a reused connection:\n${report}`).toBe(0);
  });
});
