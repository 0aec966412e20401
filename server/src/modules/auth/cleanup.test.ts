import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHarness, type Harness } from "../../test-support/harness.js";
import { cleanupExpiredCredentials } from "./cleanup.js";

describe("credential clean-up", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness();
  });
  afterAll(() => h.close());

  it("deletes expired refresh tokens and long-ended sessions, and keeps live ones", async () => {
    const account = await h.createUser();
    const stale = await h.login(account);
    await h.caller().auth.refresh({ refreshToken: stale.refreshToken });
    h.clock.advance(40 * 24 * 3600);
    const live = await h.login(account);
    const report = await cleanupExpiredCredentials(h.deps);
    expect(report.refreshTokens).toBeGreaterThanOrEqual(2);
    expect(report.sessions).toBeGreaterThanOrEqual(1);
    const prisma = h.deps.db.prisma;
    expect(await prisma.session.findUnique({ where: { id: stale.sessionId } })).toBeNull();
    expect(await prisma.session.findUnique({ where: { id: live.sessionId } })).not.toBeNull();
    await expect(h.caller().auth.refresh({ refreshToken: live.refreshToken })).resolves.toBeTruthy();
  });
});
