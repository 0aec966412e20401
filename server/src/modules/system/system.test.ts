import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHarness, type Harness } from "../../test-support/harness.js";
import { recordInstallation } from "./system.service.js";

describe("system.info", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness();
  });
  afterAll(() => h.close());

  it("names the product, its version, uptime, database kind, and whether sign-ups are open", async () => {
    const info = await h.caller().system.info();
    expect(info.name).toBe("Assay");
    expect(info.version).toBe("0.0.0-test");
    expect(info.environment).toBe("test");
    expect(info.uptimeSeconds).toBeGreaterThanOrEqual(0);
    expect(info.database).toBe(process.env.TEST_DATABASE_URL ? "postgresql" : "embedded");
    expect(info.installedAt).toBeNull();
    expect(info.registrationOpen).toBe(true);
  });

  it("reports the installation time recorded at first start, unchanged by later starts", async () => {
    const first = new Date("2026-01-02T03:04:05.000Z");
    await recordInstallation(h.deps.db, { now: () => first });
    await recordInstallation(h.deps.db, { now: () => new Date("2027-01-01T00:00:00.000Z") });
    expect((await h.caller().system.info()).installedAt).toBe(first.toISOString());
  });
});
