/**
 * The scope dimension of the authorization matrix. For every guarded procedure (read from
 * the router) and every guarded HTTP route (read from the app), through every door it has:
 * an API key holding every scope but the declared one is refused with 403 naming it (and,
 * on REST and routes, `WWW-Authenticate: Bearer error="insufficient_scope"`); a key holding
 * only the declared one is not refused for scope. `interactive` doors refuse any key;
 * `signed-in` ones take any. The keys belong to a superuser, so nothing but the scope stands
 * in the way, and a procedure added tomorrow is covered by the same loop.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appRouter } from "../../app-router.js";
import { SCOPES, type Scope } from "../../identity/scopes.js";
import { listProcedures, type ProcedureEntry } from "../../trpc/catalogue.js";
import { issueKey } from "../api-key-kit.js";
import { createHarness, type Harness } from "../harness.js";
import { servedRoutes } from "../served-routes.js";
import { streamedRefusal } from "./doors.js";

interface Answer {
  status: number;
  message: string;
  challenge: string | null;
}

interface Door {
  name: string;
  scope: string;
  call: (key: string) => Promise<Answer>;
}

const SOME_ID = "00000000-0000-4000-8000-000000000000";
const LACKS_SCOPE = /lacks the scope/;
const PERSON_ONLY = /person's own signed-in session/;

describe("scopes on every door", () => {
  let h: Harness;
  let orgId: string;
  const without = new Map<Scope, string>();
  const only = new Map<Scope, string>();
  let everyScope: string;

  async function answer(res: Response): Promise<Answer> {
    const text = await res.text();
    const streamed = res.headers.get("content-type")?.startsWith("text/event-stream") ? streamedRefusal(text) : null;
    if (streamed)
      return { status: streamed.status, message: streamed.message, challenge: res.headers.get("www-authenticate") };
    let message = "";
    try {
      const body = JSON.parse(text);
      message = body.errors?.[0]?.message ?? body.error?.message ?? "";
    } catch {
      // Not an error body.
    }
    return { status: res.status, message, challenge: res.headers.get("www-authenticate") };
  }

  async function request(path: string, method: string, key: string): Promise<Answer> {
    const withBody = method !== "GET" && method !== "DELETE";
    const res = await h.app.request(path, {
      method,
      headers: {
        authorization: `Bearer ${key}`,
        "x-organization-id": orgId,
        ...(withBody ? { "content-type": "application/json" } : {}),
      },
      ...(withBody ? { body: "{}" } : {}),
    });
    return answer(res);
  }

  function doorsOf(proc: ProcedureEntry): Door[] {
    const scope = String(proc.scope);
    const method = proc.type === "mutation" ? "POST" : "GET";
    const doors: Door[] = [
      { name: `${proc.path} via tRPC`, scope, call: (key) => request(`/trpc/${proc.path}`, method, key) },
    ];
    if (proc.rest) {
      const { rest } = proc;
      const path = rest.path.replace(/\{\w+\}/g, SOME_ID);
      doors.push({
        name: `${proc.path} via REST`,
        scope,
        call: (key) => request(path, rest.method.toUpperCase(), key),
      });
    }
    return doors;
  }

  function routeDoors(): Door[] {
    return servedRoutes(h.app)
      .filter((r) => r.access?.kind === "signed-in" || r.access?.kind === "organization")
      .map((r) => {
        const scope = r.access && "scope" in r.access ? r.access.scope : "";
        const method = r.method === "ALL" ? "POST" : r.method;
        return {
          name: `${r.method} ${r.path}`,
          scope,
          call: (key) => request(r.path.replace(/:\w+/g, SOME_ID), method, key),
        };
      });
  }

  beforeAll(async () => {
    h = await createHarness({ RATE_LIMIT_API_KEY: "1000000/1m", BENCH_ROUTES: "true" });
    const superuser = await h.createUser({ role: "admin", isSuperuser: true });
    const token = (await h.login(superuser)).accessToken;
    orgId = (await h.deps.db.prisma.organization.create({ data: { name: "Scopes", slug: `scopes-${Date.now()}` } })).id;
    for (const scope of SCOPES) {
      without.set(
        scope,
        (
          await issueKey(
            h,
            token,
            SCOPES.filter((s) => s !== scope),
          )
        ).key,
      );
      only.set(scope, (await issueKey(h, token, [scope])).key);
    }
    everyScope = (await issueKey(h, token, [...SCOPES])).key;
  }, 120_000);
  afterAll(() => h.close());

  const allDoors = () => [
    ...listProcedures(appRouter)
      .filter((p) => p.guarded)
      .flatMap(doorsOf),
    ...routeDoors(),
  ];

  it("covers every guarded procedure and route, each with a known requirement", () => {
    const doors = allDoors();
    expect(doors.length).toBeGreaterThan(200);
    const known = new Set<string>([...SCOPES, "interactive", "signed-in"]);
    expect(doors.filter((d) => !known.has(d.scope)).map((d) => d.name)).toEqual([]);
  });

  it("refuses a key without the declared scope (403 naming it) and lets one with it through", async () => {
    const problems: string[] = [];
    for (const door of allDoors().filter((d) => (SCOPES as readonly string[]).includes(d.scope))) {
      const scope = door.scope as Scope;
      const refused = await door.call(without.get(scope) ?? "");
      if (refused.status !== 403 || !refused.message.includes(`lacks the scope ${scope}`)) {
        problems.push(`${door.name} without ${scope}: ${refused.status} ${refused.message}`);
      }
      if (
        !door.name.includes("via tRPC") &&
        !refused.challenge?.includes(`error="insufficient_scope", scope="${scope}"`)
      ) {
        problems.push(`${door.name} without ${scope}: WWW-Authenticate ${refused.challenge}`);
      }
      const allowed = await door.call(only.get(scope) ?? "");
      if (allowed.status === 401 || (allowed.status === 403 && LACKS_SCOPE.test(allowed.message))) {
        problems.push(`${door.name} with ${scope}: ${allowed.status} ${allowed.message}`);
      }
    }
    expect(problems).toEqual([]);
  }, 300_000);

  it("refuses any key on interactive doors, and takes any on signed-in ones", async () => {
    const problems: string[] = [];
    for (const door of allDoors()) {
      if (door.scope === "interactive") {
        const refused = await door.call(everyScope);
        if (refused.status !== 403 || !PERSON_ONLY.test(refused.message)) {
          problems.push(`${door.name}: ${refused.status} ${refused.message}`);
        }
      }
      if (door.scope === "signed-in") {
        const allowed = await door.call(only.get("attack:read") ?? "");
        if (
          allowed.status === 401 ||
          (allowed.status === 403 && (LACKS_SCOPE.test(allowed.message) || PERSON_ONLY.test(allowed.message)))
        ) {
          problems.push(`${door.name}: ${allowed.status} ${allowed.message}`);
        }
      }
    }
    expect(problems).toEqual([]);
  }, 300_000);
});
