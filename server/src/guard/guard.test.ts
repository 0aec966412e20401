/**
 * The one guard chain, read from the app itself: every procedure that signs its caller in
 * declares a scope; every HTTP route the app serves is mounted behind a declared guard; and
 * the chain's steps (MFA requirement, organization agreement) hold on every guarded HTTP
 * route, not only on tRPC procedures.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appRouter } from "../app-router.js";
import { createHarness, type Harness } from "../test-support/harness.js";
import { servedRoutes } from "../test-support/served-routes.js";
import { listProcedures } from "../trpc/catalogue.js";

describe("the guard chain", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness({ MFA_REQUIRED_ROLES: "admin", BENCH_ROUTES: "true" });
  });
  afterAll(() => h.close());

  it("is declared by every procedure that signs its caller in (its scope)", () => {
    const procedures = listProcedures(appRouter);
    const undeclared = procedures.filter((p) => p.guarded && p.scope === null).map((p) => p.path);
    expect(undeclared, "declare meta.scope next to the builder").toEqual([]);
    const publicWithScope = procedures.filter((p) => !p.guarded && p.scope !== null).map((p) => p.path);
    expect(publicWithScope, "a public procedure checks no scope: drop it or guard the procedure").toEqual([]);
    expect(procedures.filter((p) => p.guarded).length).toBeGreaterThan(100);
  });

  it("guards every HTTP route the app serves", () => {
    const routes = servedRoutes(h.app);
    const unguarded = routes.filter((r) => !r.access).map((r) => `${r.method} ${r.path}`);
    expect(unguarded, "mount each route behind guard(), publicRoute() or procedureDoor()").toEqual([]);
    expect(routes.find((r) => r.path === "/trpc/*")?.access).toEqual({ kind: "procedures" });
    expect(routes.find((r) => r.path === "/api/v1/*" && r.method === "ALL")?.access).toEqual({ kind: "procedures" });
    expect(routes.find((r) => r.path === "/api/v1/activities/:id/evidence")?.access).toMatchObject({
      kind: "organization",
      scope: "activities:write",
    });
  });

  describe("on every signed-in HTTP route", () => {
    const signedInRoutes = () =>
      servedRoutes(h.app).filter((r) => r.access?.kind === "signed-in" || r.access?.kind === "organization");
    const concrete = (path: string) => path.replace(/:(\w+)/g, "00000000-0000-4000-8000-000000000000");

    it("refuses an admin who has not enrolled the second factor MFA_REQUIRED_ROLES asks for", async () => {
      const admin = await h.createUser({ role: "admin" });
      const { accessToken } = await h.login(admin);
      const routes = signedInRoutes();
      expect(routes.length).toBeGreaterThanOrEqual(2);
      for (const route of routes) {
        const res = await h.app.request(concrete(route.path), {
          method: route.method,
          headers: { authorization: `Bearer ${accessToken}`, "x-organization-id": crypto.randomUUID() },
        });
        expect(res.status, `${route.method} ${route.path}`).toBe(403);
        const body = (await res.json()) as { errors: { code: string; message: string }[] };
        expect(body.errors[0]?.code).toBe("FORBIDDEN");
        expect(body.errors[0]?.message).toMatch(/two-factor/);
      }
    });

    it("refuses a request whose header and query name different organizations", async () => {
      const { accessToken } = await h.login(await h.createUser());
      for (const route of signedInRoutes().filter((r) => r.access?.kind === "organization")) {
        const res = await h.app.request(`${concrete(route.path)}?organizationId=${crypto.randomUUID()}`, {
          method: route.method,
          headers: { authorization: `Bearer ${accessToken}`, "x-organization-id": crypto.randomUUID() },
        });
        expect(res.status, `${route.method} ${route.path}`).toBe(400);
        const body = (await res.json()) as { errors: { code: string; field: string }[] };
        expect(body.errors[0]).toMatchObject({ code: "VALIDATION", field: "organizationId" });
      }
    });

    it("refuses anonymous and forged credentials with 401", async () => {
      for (const route of signedInRoutes()) {
        for (const headers of [{}, { authorization: "Bearer not.a.token" }]) {
          const res = await h.app.request(concrete(route.path), { method: route.method, headers });
          expect(res.status, `${route.method} ${route.path}`).toBe(401);
        }
      }
    });
  });
});
