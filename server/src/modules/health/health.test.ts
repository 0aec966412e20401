import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHarness, type Harness } from "../../test-support/harness.js";
import { checkReadiness } from "./health.service.js";

describe("health", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness();
  });
  afterAll(() => h.close());

  it("GET /health answers 200 while the process runs", async () => {
    const res = await h.app.request("/health");
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: "ok" });
  });

  it("GET /health/ready reports the database check with its response time", async () => {
    const res = await h.app.request("/health/ready");
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.status).toBe("ok");
    expect(body.checks.database.status).toBe("ok");
    expect(typeof body.checks.database.responseTimeMs).toBe("number");
  });

  it("is not ready while migrations are pending, and says why", async () => {
    const report = await checkReadiness({
      db: h.deps.db,
      readiness: { migrated: false, migrationError: "relation missing", shuttingDown: false },
    });
    expect(report.status).toBe("down");
    expect(report.checks.database).toMatchObject({ status: "down", error: "relation missing" });
  });

  it("is not ready when the database does not answer", async () => {
    const broken = { ...h.deps.db, query: () => Promise.reject(new Error("connect ECONNREFUSED")) };
    const report = await checkReadiness({ db: broken, readiness: h.deps.readiness });
    expect(report.status).toBe("down");
    expect(report.checks.database?.status).toBe("down");
  });
});
