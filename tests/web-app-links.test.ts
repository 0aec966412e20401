/**
 * The web app's mail-link pages and the board's ordering in headless Chromium, against a
 * started server, as tests/web-app.test.ts does. A password-reset mail's link opens the app's
 * /reset-password (the policy's refusal next to the field, then a new password); the invitee,
 * signed out, follows an invitation mail's link, signs in with that new password, comes back to
 * the invitation, accepts it and lands on the organization's assessments. On a board, the lead
 * drags an activity to another place in its phase and another to a different phase, then moves
 * one with the keyboard; the API reports each new order. axe-core finds no serious or critical
 * violation; screenshots go to tests/artifacts/web-app/ (gitignored).
 */
import { fileURLToPath } from "node:url";
import { type AssayClient, createAssayClient } from "@assay/client";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startReadyServer, type TestServer } from "./support/server.js";
import {
  axeProblems,
  launchChromium,
  openContext,
  requireChromium,
  screenshots,
  signIn,
  WAIT,
} from "./support/web-app-browser.js";

const shoot = screenshots(fileURLToPath(new URL("./artifacts/web-app/", import.meta.url)));
const LEAD = { email: "lead@example.com", password: "purple team lead passphrase" };
const INVITEE = { email: "ivy@example.com", password: "first ivy passphrase", name: "Ivy Invitee" };
const NEW_PASSWORD = "violet harbour lantern 81";
const ORG = "Link Team";

describe("web app: mail links and the board's order", () => {
  let server: TestServer;
  let browser: Browser;
  let api: AssayClient;
  let orgId: string;
  const problems: string[] = [];

  /** The app path of the newest mail to `to` that links to `path` (the link's host is APP_URL's). */
  async function mailLink(to: string, path: string): Promise<string> {
    const pattern = new RegExp(`${path.replace(/\//g, "\\/")}\\?token=[\\w-]+`);
    for (const deadline = Date.now() + WAIT.timeout; Date.now() < deadline; ) {
      const mails = await api.admin.mail.list.query({ to, limit: 5 });
      const link = mails.map((mail) => pattern.exec(mail.text)?.[0]).find(Boolean);
      if (link) return `${server.url}${link}`;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`no mail to ${to} links to ${path}`);
  }

  beforeAll(async () => {
    requireChromium();
    [server, browser] = await Promise.all([
      startReadyServer({ env: { FIRST_SUPERUSER_EMAIL: LEAD.email, FIRST_SUPERUSER_PASSWORD: LEAD.password } }),
      launchChromium(),
    ]);
    const anonymous = createAssayClient({ url: server.url });
    const [lead] = await Promise.all([anonymous.auth.login.mutate(LEAD), anonymous.auth.register.mutate(INVITEE)]);
    if (lead.mfaRequired) throw new Error("the lead has no second factor");
    const org = await createAssayClient({ url: server.url, token: lead.accessToken }).orgs.create.mutate({ name: ORG });
    orgId = org.id;
    api = createAssayClient({ url: server.url, token: lead.accessToken, headers: { "X-Organization-Id": org.id } });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it("follows a reset link to a new password, then an invitation link through sign-in to the organization", async () => {
    const a11y: Record<string, string[]> = {};
    // The invitee asks for the link from the sign-in page's "Forgot your password?".
    const forgot = await openContext(browser, problems);
    await forgot.page.goto(`${server.url}/sign-in`);
    await forgot.page.getByRole("link", { name: "Forgot your password?" }).click();
    await forgot.page.getByLabel("Email").fill(INVITEE.email);
    await forgot.page.getByRole("button", { name: "Mail me a reset link" }).click();
    await forgot.page.getByRole("status").filter({ hasText: "a mail with a reset link is on its way" }).waitFor(WAIT);
    a11y.forgot = await axeProblems(forgot.page);
    await shoot(forgot.page, "forgot-password");
    await forgot.context.close();
    const resetLink = await mailLink(INVITEE.email, "/reset-password");
    // With the web app built, the link is the app's route: its index, under the app's CSP.
    const index = await fetch(resetLink);
    expect(index.headers.get("content-security-policy")).toContain("script-src 'self'");
    expect(await index.text()).toContain('<div id="root">');

    const reset = await openContext(browser, problems);
    await reset.page.goto(resetLink);
    await reset.page.getByRole("heading", { name: "Reset your password" }).waitFor(WAIT);
    await reset.page.getByLabel("New password").fill("password1234");
    await reset.page.getByLabel("The same again").fill("password1234");
    await reset.page.getByRole("button", { name: "Set the new password" }).click();
    // The policy's refusal shows next to the field it is about.
    await reset.page.locator(".field-error").first().waitFor(WAIT);
    expect(await reset.page.getByLabel("New password").getAttribute("aria-invalid")).toBe("true");
    a11y.reset = await axeProblems(reset.page);
    await shoot(reset.page, "reset-password");
    await reset.page.getByLabel("New password").fill(NEW_PASSWORD);
    await reset.page.getByLabel("The same again").fill(NEW_PASSWORD);
    await reset.page.getByRole("button", { name: "Set the new password" }).click();
    await reset.page.getByText("Your password was changed").waitFor(WAIT);
    await reset.page.getByRole("link", { name: "Sign in" }).click();
    await reset.page.getByRole("heading", { name: "Sign in to Assay" }).waitFor(WAIT);
    await reset.context.close();

    // The invitee, signed out, follows the invitation, signs in with the new password and comes back.
    await api.orgs.members.invite.mutate({ email: INVITEE.email });
    const invitationLink = await mailLink(INVITEE.email, "/invitations/accept");
    const { context, page } = await openContext(browser, problems);
    await page.goto(invitationLink);
    await page.getByRole("heading", { name: "Join an organization" }).waitFor(WAIT);
    await page.getByRole("heading", { name: "New to Assay?" }).waitFor(WAIT);
    a11y.invitation = await axeProblems(page);
    await shoot(page, "invitation-signed-out");
    await page.getByRole("link", { name: "Sign in to answer the invitation" }).click();
    await signIn(page, { email: INVITEE.email, password: INVITEE.password });
    await page.getByRole("alert").waitFor(WAIT);
    await signIn(page, { email: INVITEE.email, password: NEW_PASSWORD });
    await page.getByRole("button", { name: "Accept invitation" }).waitFor(WAIT);
    expect(new URL(page.url()).pathname).toBe("/invitations/accept");
    await shoot(page, "invitation-signed-in");
    await page.getByRole("button", { name: "Accept invitation" }).click();
    await page.getByRole("heading", { name: "Assessments", level: 1 }).waitFor(WAIT);
    expect(new URL(page.url()).pathname).toBe(`/orgs/${orgId}/assessments`);
    expect(await page.getByLabel("Organization", { exact: true }).inputValue()).toBe(orgId);
    await context.close();

    const members = await api.orgs.members.list.query({ pageSize: 100 });
    expect(members.data.map((m) => m.email)).toContain(INVITEE.email);
    expect(a11y).toEqual({ forgot: [], reset: [], invitation: [] });
    expect(problems).toEqual([]);
  });

  it("reorders the board by dragging within a phase and into another, and from the keyboard; the lead starts and copies it", async () => {
    const assessment = await api.assessments.create.mutate({ name: "Ordering drill" });
    const recon = await api.activityGroups.create.mutate({ assessmentId: assessment.id, name: "Recon" });
    const exploit = await api.activityGroups.create.mutate({ assessmentId: assessment.id, name: "Exploitation" });
    for (const [title, group] of [
      ["Scan ports", recon],
      ["Enumerate shares", recon],
      ["Harvest banners", recon],
      ["Spray passwords", exploit],
    ] as const) {
      await api.activities.create.mutate({ assessmentId: assessment.id, title, groupId: group.id });
    }
    /** Each phase's activity titles in the order the API lists them. */
    const order = async () => {
      const list = await api.activities.list.query({ assessmentId: assessment.id, pageSize: 100 });
      const titles = (groupId: string) => list.data.filter((a) => a.groupId === groupId).map((a) => a.title);
      return { recon: titles(recon.id), exploit: titles(exploit.id) };
    };

    const { context, page } = await openContext(browser, problems);
    await page.goto(`${server.url}/orgs/${orgId}/assessments/${assessment.id}`);
    await signIn(page, LEAD);
    await page.getByRole("heading", { name: "Ordering drill", level: 1 }).waitFor(WAIT);
    const item = (title: string) => page.locator("li.activity-item", { hasText: title });

    // Onto the upper half of the first activity: first of its phase.
    const grip = { x: 6, y: 6 };
    await item("Harvest banners").dragTo(item("Scan ports"), { sourcePosition: grip, targetPosition: { x: 20, y: 4 } });
    await expect
      .poll(order, WAIT)
      .toEqual({ recon: ["Harvest banners", "Scan ports", "Enumerate shares"], exploit: ["Spray passwords"] });
    // Onto the lower half of an activity of another phase: after it, in that phase.
    const below = await item("Spray passwords").boundingBox();
    await item("Enumerate shares").dragTo(item("Spray passwords"), {
      sourcePosition: grip,
      targetPosition: { x: 20, y: (below?.height ?? 20) - 4 },
    });
    await expect
      .poll(order, WAIT)
      .toEqual({ recon: ["Harvest banners", "Scan ports"], exploit: ["Spray passwords", "Enumerate shares"] });
    const exploitation = page.getByRole("region", { name: "Exploitation" });
    expect(await exploitation.getByRole("link").allTextContents()).toEqual(["Spray passwords", "Enumerate shares"]);

    // The keyboard alternative: a named button, focused and pressed.
    await page.getByRole("button", { name: "Move up: Enumerate shares" }).focus();
    await page.keyboard.press("Enter");
    await expect
      .poll(order, WAIT)
      .toEqual({ recon: ["Harvest banners", "Scan ports"], exploit: ["Enumerate shares", "Spray passwords"] });
    await page
      .getByText("Moved “Enumerate shares” to position 1 of 2 in Exploitation.")
      .waitFor({ ...WAIT, state: "attached" });
    // Focus stays on the control, now at the top of its phase.
    expect(await page.evaluate(() => document.activeElement?.getAttribute("aria-label"))).toBe(
      "Move up: Enumerate shares",
    );
    expect(await exploitation.getByRole("link").allTextContents()).toEqual(["Enumerate shares", "Spray passwords"]);
    expect(await axeProblems(page)).toEqual([]);
    await shoot(page, "board-ordered");

    // The lead's settings: start the assessment with automatic alert matching, then copy it.
    await page.getByText("Settings and copy").click();
    const settings = page.getByRole("form", { name: "Assessment settings" });
    await settings.getByLabel("Status").selectOption("in_progress");
    await settings.getByLabel("Alert matching").selectOption("auto");
    await settings.getByRole("button", { name: "Save settings" }).click();
    await settings.getByRole("status").filter({ hasText: "Saved." }).waitFor(WAIT);
    expect(await api.assessments.get.query({ id: assessment.id })).toMatchObject({
      status: "in_progress",
      alertMatching: "auto",
    });
    await page.getByLabel("Name of the copy").fill("Ordering drill, second round");
    await page.getByRole("button", { name: "Copy the assessment" }).click();
    await page.getByRole("link", { name: "Ordering drill, second round" }).click();
    await page.getByRole("heading", { name: "Ordering drill, second round", level: 1 }).waitFor(WAIT);
    const copies = await api.assessments.list.query({ q: "second round" });
    expect(copies.data.map((a) => a.name)).toEqual(["Ordering drill, second round"]);
    expect(await page.getByRole("region", { name: "Recon" }).getByRole("link").allTextContents()).toEqual([
      "Harvest banners",
      "Scan ports",
    ]);
    expect(await axeProblems(page)).toEqual([]);
    await context.close();
    expect(problems).toEqual([]);
  });
});
