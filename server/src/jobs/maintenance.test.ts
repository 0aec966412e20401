import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHarness, type Harness } from "../test-support/harness.js";
import { runMaintenance } from "./maintenance.js";

describe("maintenance", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness();
  });
  afterAll(() => h.close());

  it("purges organizations past their grace period and keeps those still restorable", async () => {
    const prisma = h.deps.db.prisma;
    const now = h.clock.now();
    const due = await prisma.organization.create({
      data: { name: "Due", slug: "due", deletedAt: now, purgeAfter: new Date(now.getTime() - 1000) },
    });
    const restorable = await prisma.organization.create({
      data: { name: "Later", slug: "later", deletedAt: now, purgeAfter: new Date(now.getTime() + 86_400_000) },
    });
    await runMaintenance(h.deps);
    expect(await prisma.organization.findUnique({ where: { id: due.id } })).toBeNull();
    expect(await prisma.organization.findUnique({ where: { id: restorable.id } })).not.toBeNull();
  });

  it("deletes the OAuth server's expired codes and tokens, and keeps live ones and registered clients", async () => {
    const prisma = h.deps.db.prisma;
    const past = new Date(Date.now() - 1000);
    const future = new Date(Date.now() + 600_000);
    await prisma.oAuthRecord.createMany({
      data: [
        { model: "AuthorizationCode", id: "expired", payload: {}, expiresAt: past },
        { model: "RefreshToken", id: "live", payload: {}, expiresAt: future },
        { model: "Client", id: "client", payload: {}, expiresAt: null },
      ],
    });
    await runMaintenance(h.deps);
    const left = await prisma.oAuthRecord.findMany({ select: { id: true }, orderBy: { id: "asc" } });
    expect(left.map((r) => r.id)).toEqual(["client", "live"]);
  });
});
