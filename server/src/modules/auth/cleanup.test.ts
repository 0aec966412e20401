import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dropStaleMailSecrets } from "../../lib/mail/sealed-secret.js";
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

  it("forgets a quiet address's failures after a week, but not a running lockout", async () => {
    const account = await h.createUser();
    const now = h.clock.now();
    const longAgo = new Date(now.getTime() - 8 * 24 * 3600 * 1000);
    await h.deps.db.prisma.loginFailure.createMany({
      data: [
        { userId: account.id, ip: "192.0.2.1", failedCount: 3, failedSince: longAgo },
        { userId: account.id, ip: "192.0.2.2", lockedUntil: new Date(now.getTime() + 3600_000), lockoutLevel: 6 },
        { userId: account.id, ip: "192.0.2.3", failedCount: 1, failedSince: now },
      ],
    });
    // Timestamps on the harness clock (moved on by the test above).
    await h.deps.db.prisma.$executeRaw`UPDATE login_failures SET "updatedAt" = ${longAgo} WHERE ip <> '192.0.2.3'`;
    await h.deps.db.prisma.$executeRaw`UPDATE login_failures SET "updatedAt" = ${now} WHERE ip = '192.0.2.3'`;
    await cleanupExpiredCredentials(h.deps);
    const left = await h.deps.db.prisma.loginFailure.findMany({
      where: { userId: account.id },
      orderBy: { ip: "asc" },
    });
    expect(left.map((row) => row.ip)).toEqual(["192.0.2.2", "192.0.2.3"]);
  });

  it("drops sealed link tokens from mail older than the longest link's life", async () => {
    const account = await h.createUser({ isSuperuser: true, role: "admin" });
    await h.deps.mailer.send({
      to: "old@example.com",
      subject: "Old",
      text: "token=aaaa-secret",
      secret: "aaaa-secret",
    });
    await h.deps.mailer.send({
      to: "new@example.com",
      subject: "New",
      text: "token=bbbb-secret",
      secret: "bbbb-secret",
    });
    const now = h.clock.now().getTime();
    await h.deps.db.prisma.mailMessage.updateMany({
      where: { to: "old@example.com" },
      data: { createdAt: new Date(now - 8 * 24 * 3600 * 1000) },
    });
    await h.deps.db.prisma.mailMessage.updateMany({
      where: { to: "new@example.com" },
      data: { createdAt: new Date(now - 6 * 24 * 3600 * 1000) },
    });
    expect(await dropStaleMailSecrets(h.deps)).toEqual({ mailSecrets: 1 });
    const superuser = h.as((await h.login(account)).accessToken);
    const [old] = await superuser.admin.mail.list({ to: "old@example.com" });
    const [fresh] = await superuser.admin.mail.list({ to: "new@example.com" });
    expect(old).toMatchObject({ secretHeld: false, text: "token=[secret removed]" });
    expect(fresh).toMatchObject({ secretHeld: true, text: "token=bbbb-secret" });
  });
});
