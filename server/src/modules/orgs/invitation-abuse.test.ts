/**
 * Invitations and organizations as an abuse channel: a budget per inviter and per account
 * creating organizations (429 with Retry-After), names that cannot become links or break
 * the subject in the mail, and the link's token never stored in the clear.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SECRET_MARK } from "../../lib/mail/sealed-secret.js";
import { createHarness, type Harness } from "../../test-support/harness.js";
import { waitForMail } from "../../test-support/mail.js";
import { expectFailure, signIn } from "../../test-support/org-kit.js";

let h: Harness;
beforeAll(async () => {
  h = await createHarness({
    RATE_LIMIT_LOGIN_PER_IP: "10000/1m",
    RATE_LIMIT_INVITE_PER_ACCOUNT: "3/1h",
    RATE_LIMIT_ORG_CREATE_PER_ACCOUNT: "2/1h",
  });
});
afterAll(() => h.close());

let n = 0;
const freshEmail = () => `target${++n}.${Date.now()}@example.com`;

describe("budgets", () => {
  it("an inviter gets RATE_LIMITED with Retry-After once the budget is spent, in any organization", async () => {
    const owner = await signIn(h);
    const first = await owner.api.orgs.create({ name: "First" });
    const second = await owner.api.orgs.create({ name: "Second" });
    for (let i = 0; i < 3; i++)
      await owner.in(i === 0 ? first.id : second.id).orgs.members.invite({ email: freshEmail() });
    const spammed = freshEmail();
    await expectFailure(owner.in(second.id).orgs.members.invite({ email: spammed }), "RATE_LIMITED");
    const rest = await h.app.request("/api/v1/orgs/current/invitations", {
      method: "POST",
      headers: {
        "content-type": "application/json",
        authorization: `Bearer ${owner.token}`,
        "x-organization-id": first.id,
      },
      body: JSON.stringify({ email: spammed, role: "member" }),
    });
    expect(rest.status).toBe(429);
    expect(Number(rest.headers.get("retry-after"))).toBeGreaterThan(0);
    expect((await rest.json()).errors[0]).toMatchObject({ code: "RATE_LIMITED" });
    expect(await h.deps.db.prisma.invitation.count({ where: { email: spammed } })).toBe(0);
    expect(await h.deps.db.prisma.mailMessage.count({ where: { to: spammed } })).toBe(0);
    // Another inviter has a budget of their own.
    const other = await signIn(h);
    const theirs = await other.api.orgs.create({ name: "Theirs" });
    await expect(other.in(theirs.id).orgs.members.invite({ email: spammed })).resolves.toMatchObject({
      email: spammed,
    });
  });

  it("an account gets RATE_LIMITED with Retry-After after creating its budget of organizations", async () => {
    const founder = await signIn(h);
    await founder.api.orgs.create({ name: "One" });
    await founder.api.orgs.create({ name: "Two" });
    await expectFailure(founder.api.orgs.create({ name: "Three" }), "RATE_LIMITED");
    const rest = await h.app.request("/api/v1/orgs", {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${founder.token}` },
      body: JSON.stringify({ name: "Four" }),
    });
    expect(rest.status).toBe(429);
    expect(Number(rest.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(await h.deps.db.prisma.organization.count({ where: { createdById: founder.id } })).toBe(2);
  });
});

describe("the invitation mail", () => {
  it("keeps names from forming links, breaking the subject or injecting markup", async () => {
    const account = await h.createUser({ name: "Support <b>team</b> https://evil.example/login" });
    const inviter = await h.login(account);
    const org = await h
      .as(inviter.accessToken)
      .orgs.create({ name: "Visit www.evil.example\r\nBcc: all@corp.example" });
    const email = freshEmail();
    await h
      .caller({ headers: new Headers({ authorization: `Bearer ${inviter.accessToken}`, "x-organization-id": org.id }) })
      .orgs.members.invite({ email });
    const mail = await waitForMail(h, email);
    expect(mail.subject).not.toMatch(/[\r\n]/);
    for (const part of [mail.subject, mail.text, mail.html ?? ""]) {
      expect(part).not.toContain("evil.example");
      expect(part).not.toContain("corp.example");
      expect(part).not.toContain("https://evil");
    }
    expect(mail.subject).toBe(
      "Support <b>team</b> https[:]//evil[.]example/login invited you to Visit www[.]evil[.]example Bcc: all[@]corp[.]example on Assay",
    );
    expect(mail.html).toContain("Support &lt;b&gt;team&lt;/b&gt;");
    expect(mail.html).not.toContain("<b>team");
    // The accept link itself is untouched.
    expect(mail.text).toMatch(/\/invitations\/accept\?token=[\w-]{43}/);
  });

  it("stores the link's token sealed: the raw row holds the mark, superusers read the link", async () => {
    const owner = await signIn(h);
    const org = await owner.api.orgs.create({ name: "Sealed" });
    const email = freshEmail();
    await owner.in(org.id).orgs.members.invite({ email });
    const token = /token=([\w-]{43})/.exec((await waitForMail(h, email)).text)?.[1] as string;
    const rows = await h.deps.db.prisma.$queryRaw<unknown[]>`SELECT * FROM mail_messages WHERE "to" = ${email}`;
    expect(JSON.stringify(rows)).not.toContain(token);
    expect(JSON.stringify(rows)).toContain(`token=${SECRET_MARK}`);
  });
});
