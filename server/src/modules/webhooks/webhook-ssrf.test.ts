/**
 * The SSRF guard with WEBHOOK_ALLOW_PRIVATE_NETWORKS off (the default): private, loopback,
 * link-local, metadata, unique-local, CGNAT and unspecified targets are refused when a
 * webhook is saved, and again at delivery time, when the address is checked after DNS.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createTeam, failure } from "../../test-support/assessment-fixtures.js";
import { createHarness, type Harness } from "../../test-support/harness.js";
import { type Receiver, startReceiver } from "../../test-support/webhook-receiver.js";
import { isPublicAddress, resolveTarget, TargetRefusedError } from "./webhook-target.js";

describe("which addresses are public", () => {
  it.each([
    "127.0.0.1",
    "127.8.9.10",
    "10.1.2.3",
    "172.16.0.1",
    "192.168.1.1",
    "169.254.169.254",
    "100.64.0.1",
    "0.0.0.0",
    "::1",
    "::",
    "fe80::1",
    "fc00::1",
    "fd12:3456::1",
    "::ffff:127.0.0.1",
    "::ffff:10.0.0.1",
    "224.0.0.1",
    "255.255.255.255",
  ])("refuses %s", (address) => {
    expect(isPublicAddress(address)).toBe(false);
  });

  it.each(["93.184.215.14", "8.8.8.8", "2606:4700:4700::1111"])("accepts %s", (address) => {
    expect(isPublicAddress(address)).toBe(true);
  });

  it("checks URL hosts as the URL parser normalizes them (no octal or decimal tricks)", async () => {
    for (const url of ["http://0x7f.1/", "http://2130706433/", "http://[::ffff:7f00:1]/", "http://localhost/"]) {
      await expect(resolveTarget(url, false), url).rejects.toBeInstanceOf(TargetRefusedError);
    }
    await expect(resolveTarget("http://127.0.0.1/", true)).resolves.toMatchObject({ address: "127.0.0.1" });
  });
});

describe("webhook targets with WEBHOOK_ALLOW_PRIVATE_NETWORKS=false", () => {
  let h: Harness;
  let receiver: Receiver;
  beforeAll(async () => {
    h = await createHarness({
      WEBHOOK_ALLOW_PRIVATE_NETWORKS: "false",
      WEBHOOK_MAX_ATTEMPTS: "2",
      WEBHOOK_RETRY_BASE_MS: "10",
    });
    receiver = await startReceiver();
  });
  afterAll(async () => {
    await h.close();
    await receiver.close();
  });

  it("refuses private, loopback, link-local and metadata targets on create and update, with a clear error", async () => {
    const team = await createTeam(h);
    for (const url of [
      `${receiver.url}/hook`,
      "http://10.0.0.5/hook",
      "http://169.254.169.254/latest/meta-data/",
      "http://[::1]:8080/hook",
      "http://[fd00::1]/hook",
      "http://100.64.1.1/hook",
      "http://0.0.0.0/hook",
      "http://localhost:3000/hook",
    ]) {
      const refused = await failure(team.lead.api.webhooks.create({ url, events: ["activity.evaluated"] }));
      expect(refused.code, url).toBe("VALIDATION");
      expect(refused.fields).toContain("url");
      expect(refused.message).toMatch(/private, loopback, link-local or reserved address/);
    }
    const ftp = await failure(team.lead.api.webhooks.create({ url: "file:///etc/passwd", events: ["alert.matched"] }));
    expect(ftp).toMatchObject({ code: "VALIDATION", fields: ["url"] });
    expect(ftp.message).toContain("http");

    const ok = await team.lead.api.webhooks.create({
      url: "https://93.184.215.14/hook",
      events: ["activity.evaluated"],
      active: false,
    });
    const moved = await failure(team.lead.api.webhooks.update({ id: ok.id, url: "http://192.168.0.10/hook" }));
    expect(moved).toMatchObject({ code: "VALIDATION", fields: ["url"] });
    expect((await team.lead.api.webhooks.list()).data.map((w) => w.url)).toEqual(["https://93.184.215.14/hook"]);
    expect(await h.deps.db.prisma.webhook.count({ where: { organizationId: team.orgId } })).toBe(1);
  });

  it("checks again at delivery time and never connects to a private address", async () => {
    const team = await createTeam(h);
    // As if the name had pointed elsewhere when the webhook was saved (DNS rebinding).
    const hook = await h.deps.db.prisma.webhook.create({
      data: {
        organizationId: team.orgId,
        url: `${receiver.url}/rebound`,
        events: ["activity.waiting_blue"],
        secretSealed: h.deps.auth.ring.encrypt("whsec_c2VjcmV0LXNlY3JldC1zZWNyZXQ="),
      },
    });
    const activity = await team.lead.api.activities.create({ assessmentId: team.assessmentId, title: "T" });
    await team.red.api.activities.transition({ id: activity.id, to: "waiting_red" });
    await team.red.api.activities.transition({ id: activity.id, to: "waiting_blue" });
    const delivery = await vi.waitFor(
      async () => {
        const page = await team.lead.api.webhooks.deliveries({ webhookId: hook.id });
        expect(page.data[0]?.status).toBe("failed");
        return page.data[0];
      },
      { timeout: 15_000, interval: 20 },
    );
    expect(delivery?.attempts).toHaveLength(2);
    expect(delivery?.lastError).toMatch(/^Refused: .*private, loopback/);
    expect(delivery?.attempts.every((a) => a.responseStatus === null)).toBe(true);
    expect(receiver.received).toHaveLength(0);
  });
});
