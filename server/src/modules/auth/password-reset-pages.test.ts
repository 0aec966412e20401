/**
 * The reset link, followed from the mail to the end: the page sets the new password (old one
 * refused, new one accepted), shows the policy's reason for a weak one, says at once when a
 * link is spent, and refuses forged form posts.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHarness, type Harness, type TestAccount } from "../../test-support/harness.js";
import { waitForMail } from "../../test-support/mail.js";
import { PageBrowser } from "../../test-support/page-browser.js";

const NEW_PASSWORD = "violet harbour lantern 81";

let h: Harness;
let ips = 0;
beforeAll(async () => {
  h = await createHarness({ RATE_LIMIT_RESET_PER_IP: "100/1h" });
});
afterAll(() => h.close());

/** Requests a reset for `account` and returns the link from the mail. */
async function resetLink(account: TestAccount): Promise<string> {
  await h.caller({ ip: `10.7.0.${++ips}` }).auth.requestPasswordReset({ email: account.email });
  const link = /https?:\/\/\S+\/reset-password\?token=[\w-]+/.exec((await waitForMail(h, account.email)).text)?.[0];
  expect(link, "the mail carries the reset link").toBeDefined();
  return link as string;
}

const signsIn = (email: string, password: string) =>
  h
    .caller()
    .auth.login({ email, password })
    .then(
      () => true,
      () => false,
    );

describe("the password-reset page", () => {
  it("follows the mail's link to a changed password", async () => {
    const account = await h.createUser();
    const link = await resetLink(account);
    const browser = new PageBrowser(h);
    const page = await browser.open(link);
    expect(page.status).toBe(200);
    expect(page.headers.get("content-security-policy")).toMatch(/default-src 'none'.*form-action 'self'/);
    expect(page.headers.get("content-security-policy")).not.toContain("script-src");
    expect(page.headers.get("referrer-policy")).toBe("no-referrer");
    expect(page.headers.get("cache-control")).toBe("no-store");
    expect(page.html).not.toMatch(/<script|\son\w+=/i);
    expect(page.html).toContain('action="reset-password"');

    const done = await browser.submit("/reset-password", {
      ...page.hiddenFields(),
      newPassword: NEW_PASSWORD,
      confirmPassword: NEW_PASSWORD,
    });
    expect(done.status).toBe(200);
    expect(done.html).toContain("Your password was changed");
    expect(await signsIn(account.email, account.password)).toBe(false);
    expect(await signsIn(account.email, NEW_PASSWORD)).toBe(true);

    // The spent link says so at once, without a form.
    const again = await browser.open(link);
    expect(again.status).toBe(401);
    expect(again.html).toContain("invalid or was already used");
    expect(again.html).not.toContain("<form");
  });

  it("shows why a password is refused, and keeps the link usable", async () => {
    const account = await h.createUser();
    const browser = new PageBrowser(h);
    const page = await browser.open(await resetLink(account));
    const weak = await browser.submit("/reset-password", {
      ...page.hiddenFields(),
      newPassword: "password1234",
      confirmPassword: "password1234",
    });
    expect(weak.status).toBe(400);
    expect(weak.html).toContain("too easy to guess");
    const differ = await browser.submit("/reset-password", {
      ...weak.hiddenFields(),
      newPassword: NEW_PASSWORD,
      confirmPassword: `${NEW_PASSWORD}!`,
    });
    expect(differ.status).toBe(400);
    expect(differ.html).toContain("The two passwords differ");
    expect(await signsIn(account.email, account.password)).toBe(true);
    const done = await browser.submit("/reset-password", {
      ...differ.hiddenFields(),
      newPassword: NEW_PASSWORD,
      confirmPassword: NEW_PASSWORD,
    });
    expect(done.status).toBe(200);
  });

  it("refuses forged posts, and the password stays", async () => {
    const account = await h.createUser();
    const link = await resetLink(account);
    const victim = new PageBrowser(h);
    const fields: Record<string, string> = {
      ...(await victim.open(link)).hiddenFields(),
      newPassword: "attacker chosen passphrase 9",
      confirmPassword: "attacker chosen passphrase 9",
    };
    const forged = [
      await new PageBrowser(h).submit("/reset-password", fields),
      await victim.submit("/reset-password", { ...fields, csrf: "forged" }),
      await victim.submit("/reset-password", fields, { origin: "https://evil.example" }),
      await victim.submit("/reset-password", fields, { "sec-fetch-site": "same-site" }),
    ];
    for (const answer of forged) expect(answer.status).toBe(403);
    expect(await signsIn(account.email, account.password)).toBe(true);
  });

  it("answers damaged and unknown links without a form", async () => {
    for (const [url, status] of [
      ["/reset-password", 400],
      ["/reset-password?token=abc", 400],
      [`/reset-password?token=${"A".repeat(43)}`, 401],
    ] as const) {
      const page = await new PageBrowser(h).open(url);
      expect(page.status).toBe(status);
      expect(page.html).not.toContain("<form");
    }
  });
});
