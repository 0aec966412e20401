/**
 * The invitation link, followed from the mail to the end: the page signs in (with the TOTP
 * step when there is a factor) or registers, accepts, and keeps no session; the page is
 * script-free under a strict CSP, escapes what it shows, and refuses forged form posts.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Harness, TestAccount } from "../../test-support/harness.js";
import { waitForMail } from "../../test-support/mail.js";
import { enrol } from "../../test-support/mfa-kit.js";
import { createOrgHarness, signIn } from "../../test-support/org-kit.js";
import { PageBrowser } from "../../test-support/page-browser.js";

let h: Harness;
beforeAll(async () => {
  h = await createOrgHarness();
});
afterAll(() => h.close());

/** An organization named `name` whose owner invites `email`; returns the link from the mail. */
async function invite(email: string, name = "Blue Team"): Promise<{ orgId: string; link: string }> {
  const owner = await signIn(h);
  const org = await owner.api.orgs.create({ name });
  await owner.in(org.id).orgs.members.invite({ email, role: "member" });
  const link = /https?:\/\/\S+\/invitations\/accept\?token=[\w-]+/.exec((await waitForMail(h, email)).text)?.[0];
  expect(link, "the mail carries the accept link").toBeDefined();
  return { orgId: org.id, link: link as string };
}

const membership = (orgId: string, userId: string) =>
  h.deps.db.prisma.membership.findUnique({ where: { organizationId_userId: { organizationId: orgId, userId } } });

describe("the invitation page", () => {
  it("follows the mail's link to a membership, through sign-in, and keeps no session", async () => {
    const account = await h.createUser();
    const { orgId, link } = await invite(account.email);
    const browser = new PageBrowser(h);
    const page = await browser.open(link);
    expect(page.status).toBe(200);
    const csp = page.headers.get("content-security-policy") ?? "";
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("form-action 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toMatch(/script-src|unsafe-inline/);
    expect(page.headers.get("referrer-policy")).toBe("no-referrer");
    expect(page.headers.get("cache-control")).toBe("no-store");
    expect(page.headers.get("set-cookie")).toMatch(/HttpOnly/i);
    expect(page.headers.get("set-cookie")).toMatch(/SameSite=Strict/i);
    expect(page.html).not.toMatch(/<script|\son\w+=/i);
    // The token goes back only in the form body, never into another resource's URL.
    const token = new URL(link).searchParams.get("token") as string;
    expect(page.html).not.toMatch(new RegExp(`(href|src|action)="[^"]*${token}`));

    const done = await browser.submit("/invitations/accept", {
      ...page.hiddenFields("signin"),
      email: account.email,
      password: account.password,
    });
    expect(done.status).toBe(200);
    expect(done.html).toContain("You are now a member of <strong>Blue Team</strong>, as member.");
    expect(await membership(orgId, account.id)).toMatchObject({ role: "member" });
    const sessions = await h.deps.db.prisma.session.findMany({ where: { userId: account.id } });
    expect(sessions.length).toBeGreaterThan(0);
    expect(sessions.every((s) => s.revokedAt !== null)).toBe(true);
  });

  it("asks for the TOTP code when the account has a factor, then accepts", async () => {
    const account: TestAccount = await h.createUser();
    const factor = await enrol(h, account);
    const { orgId, link } = await invite(account.email);
    const browser = new PageBrowser(h);
    const page = await browser.open(link);
    const step = await browser.submit("/invitations/accept", {
      ...page.hiddenFields("signin"),
      email: account.email,
      password: account.password,
    });
    expect(step.status).toBe(200);
    expect(step.html).toContain('name="code"');
    expect(await membership(orgId, account.id)).toBeNull();
    const wrong = await browser.submit("/invitations/accept", { ...step.hiddenFields("code"), code: "000000" });
    expect(wrong.status).toBe(401);
    const done = await browser.submit("/invitations/accept", { ...wrong.hiddenFields("code"), code: factor.code() });
    expect(done.status).toBe(200);
    expect(await membership(orgId, account.id)).toMatchObject({ role: "member" });
  });

  it("registers a new account for the invited address when sign-ups are open", async () => {
    const email = `newcomer.${Date.now()}@example.com`;
    const { orgId, link } = await invite(email);
    const browser = new PageBrowser(h);
    const page = await browser.open(link);
    expect(page.html).toContain("Create account and accept");
    const done = await browser.submit("/invitations/accept", {
      ...page.hiddenFields("register"),
      name: "New Comer",
      email,
      password: "orange kettle violin 42",
    });
    expect(done.status).toBe(200);
    const user = await h.deps.db.prisma.user.findUniqueOrThrow({ where: { email } });
    expect(await membership(orgId, user.id)).toMatchObject({ role: "member" });
  });

  it("shows refusals on the page, escaped, and accepts nothing for the wrong account", async () => {
    const invited = await h.createUser();
    const other = await h.createUser();
    const { orgId, link } = await invite(invited.email, `<img src=x onerror=alert(1)> Org`);
    const browser = new PageBrowser(h);
    const page = await browser.open(link);
    const wrongPassword = await browser.submit("/invitations/accept", {
      ...page.hiddenFields("signin"),
      email: `"><script>alert(1)</script>@example.com`,
      password: "whatever it is",
    });
    expect(wrongPassword.status).toBe(400);
    expect(wrongPassword.html).not.toContain("<script>alert(1)");
    expect(wrongPassword.html).toContain("&quot;&gt;&lt;script&gt;");
    const elsewhere = await browser.submit("/invitations/accept", {
      ...wrongPassword.hiddenFields("signin"),
      email: other.email,
      password: other.password,
    });
    expect(elsewhere.status).toBe(403);
    expect(elsewhere.html).toContain("sent to another email address");
    expect(await membership(orgId, other.id)).toBeNull();
    // The org name is shown escaped once the right account accepts.
    const done = await browser.submit("/invitations/accept", {
      ...page.hiddenFields("signin"),
      email: invited.email,
      password: invited.password,
    });
    expect(done.html).toContain("&lt;img src=x onerror=alert(1)&gt; Org");
    expect(done.html).not.toContain("<img");
  });

  it("refuses forged posts: no cookie, a foreign form token, another site's Origin or Sec-Fetch-Site", async () => {
    const account = await h.createUser();
    const { orgId, link } = await invite(account.email);
    const victim = new PageBrowser(h);
    const fields: Record<string, string> = {
      ...(await victim.open(link)).hiddenFields("signin"),
      email: account.email,
      password: account.password,
    };
    const attacker = new PageBrowser(h);
    await attacker.open(link);
    const forged = [
      await new PageBrowser(h).submit("/invitations/accept", fields),
      await attacker.submit("/invitations/accept", fields),
      await victim.submit("/invitations/accept", { ...fields, csrf: `${fields.csrf}x` }),
      await victim.submit("/invitations/accept", fields, { origin: "https://evil.example" }),
      await victim.submit("/invitations/accept", fields, { "sec-fetch-site": "cross-site" }),
    ];
    for (const answer of forged) {
      expect(answer.status).toBe(403);
      expect(answer.html).toContain("did not come from this page");
    }
    expect(await membership(orgId, account.id)).toBeNull();
    const sessions = await h.deps.db.prisma.session.count({ where: { userId: account.id } });
    expect(sessions).toBe(0);
    // The real page still works afterwards.
    expect((await victim.submit("/invitations/accept", fields)).status).toBe(200);
  });

  it("answers a damaged link with 400 and no form", async () => {
    const page = await new PageBrowser(h).open("/invitations/accept?token=short");
    expect(page.status).toBe(400);
    expect(page.html).not.toContain("<form");
  });
});
