/**
 * The web app end to end in headless Chromium, against a started server (`pnpm build`'s output,
 * as `pnpm start` serves it). Accounts and the organization are set up through the API; the
 * assessment is played through the UI: the lead creates it, plans an activity and grants red
 * and blue; red and blue, each in their own browser context, fill their own side and see the
 * other side read-only; the lead evaluates and the statistics page shows the result. Every
 * main page is checked with axe-core (no serious or critical violation) and photographed into
 * tests/artifacts/web-app/ (gitignored). Fails (never skips) when Chromium is missing.
 */
import { createHmac } from "node:crypto";
import { fileURLToPath } from "node:url";
import { createAssayClient } from "@assay/client";
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
const RED = { email: "red@example.com", password: "red team passphrase", name: "Rita Red" };
const BLUE = { email: "blue@example.com", password: "blue team passphrase", name: "Bo Blue" };
const CAREFUL = { email: "careful@example.com", password: "careful analyst passphrase", name: "Cora Careful" };

/** The RFC 6238 code (SHA-1, 6 digits, 30 s) of a base32 secret, as an authenticator app shows it. */
function totp(secret: string, at = Date.now()): string {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  let bits = "";
  for (const char of secret.replace(/=+$/, "").toUpperCase())
    bits += alphabet.indexOf(char).toString(2).padStart(5, "0");
  const key = Buffer.from((bits.match(/.{8}/g) ?? []).map((byte) => Number.parseInt(byte, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(at / 30_000)));
  const mac = createHmac("sha1", key).update(counter).digest();
  const offset = (mac[mac.length - 1] ?? 0) & 0xf;
  return String((mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000).padStart(6, "0");
}

describe("web app", () => {
  let server: TestServer;
  let browser: Browser;
  let orgId: string;
  let leadApi: ReturnType<typeof createAssayClient>;
  const problems: string[] = [];
  const a11y: Record<string, string[]> = {};

  beforeAll(async () => {
    requireChromium();
    [server, browser] = await Promise.all([
      startReadyServer({ env: { FIRST_SUPERUSER_EMAIL: LEAD.email, FIRST_SUPERUSER_PASSWORD: LEAD.password } }),
      launchChromium(),
    ]);
    // Accounts and the organization through the API (README's guided tour, steps 2-5).
    const anonymous = createAssayClient({ url: server.url });
    const [red, blue, lead] = await Promise.all([
      anonymous.auth.register.mutate(RED),
      anonymous.auth.register.mutate(BLUE),
      anonymous.auth.login.mutate(LEAD),
      anonymous.auth.register.mutate(CAREFUL),
    ]);
    if (lead.mfaRequired) throw new Error("the lead has no second factor");
    const org = await createAssayClient({ url: server.url, token: lead.accessToken }).orgs.create.mutate({
      name: "Purple Team",
    });
    orgId = org.id;
    await createAssayClient({ url: server.url, token: lead.accessToken }).tools.create.mutate({
      name: "sh",
      category: "test",
      executable: "sh",
      args: ["-c", "{{script}}"],
      parameters: { type: "object", properties: { script: { type: "string" } }, required: ["script"] },
    });
    const inOrg = (token: string) =>
      createAssayClient({ url: server.url, token, headers: { "X-Organization-Id": org.id } });
    leadApi = inOrg(lead.accessToken);
    await leadApi.controls.create.mutate({ name: "Corp EDR", kind: "edr", vendor: "Acme" });
    for (const member of [red, blue]) {
      await inOrg(lead.accessToken).orgs.members.invite.mutate({ email: member.user.email });
      const [mail] = await inOrg(lead.accessToken).admin.mail.list.query({ to: member.user.email, limit: 1 });
      const token = /token=([\w-]+)/.exec(mail?.text ?? "")?.[1] ?? "";
      await inOrg(member.accessToken).invitations.accept.mutate({ token });
    }
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it("serves the app under a strict CSP, falls back to its index, and leaves /api's 404 alone", async () => {
    const index = await fetch(`${server.url}/`);
    expect(index.status).toBe(200);
    const csp = index.headers.get("content-security-policy") ?? "";
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("default-src 'none'");
    expect(csp).not.toContain("unsafe-inline");
    const html = await index.text();
    expect(html).toContain('<div id="root">');
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);

    const deep = await fetch(`${server.url}/orgs/${orgId}/assessments/anything`);
    expect(deep.status).toBe(200);
    expect(deep.headers.get("content-type")).toContain("text/html");
    expect(await deep.text()).toBe(html);

    const api = await fetch(`${server.url}/api/nope`);
    expect(api.status).toBe(404);
    expect(api.headers.get("content-type")).toContain("application/json");
    expect(((await api.json()) as { errors: { code: string }[] }).errors[0]?.code).toBe("NOT_FOUND");
    const trpc = await fetch(`${server.url}/trpc/nope`);
    expect(trpc.status).toBe(404);
    expect(trpc.headers.get("content-type")).toContain("application/json");
  });

  it("plays an assessment: the lead plans it, red and blue fill their sides, the lead evaluates", async () => {
    // The lead signs in and creates the assessment through the UI.
    const lead = await openContext(browser, problems);
    await lead.page.goto(`${server.url}/`);
    await lead.page.getByRole("heading", { name: "Sign in to Assay" }).waitFor(WAIT);
    a11y["sign-in"] = await axeProblems(lead.page);
    await shoot(lead.page, "sign-in");
    await signIn(lead.page, LEAD);
    await lead.page.getByRole("heading", { name: "Assessments", exact: true }).waitFor(WAIT);
    await lead.page.getByText("No assessments yet").waitFor(WAIT);
    expect(await lead.page.title()).toBe("Assessments · Assay");
    expect(await lead.page.getByRole("navigation", { name: "Main" }).isVisible()).toBe(true);
    expect(await lead.page.getByRole("main").isVisible()).toBe(true);

    await lead.page.getByRole("button", { name: "New assessment" }).click();
    await lead.page.getByRole("button", { name: "Create assessment" }).click();
    // The API's message shows next to the field it is about.
    await lead.page.locator(".field-error").first().waitFor(WAIT);
    expect(await lead.page.getByLabel("Name", { exact: true }).getAttribute("aria-invalid")).toBe("true");
    await lead.page.getByLabel("Name", { exact: true }).fill("Q4 purple team");
    await lead.page.getByRole("button", { name: "Create assessment" }).click();
    await lead.page.getByRole("heading", { name: "Q4 purple team", level: 1 }).waitFor(WAIT);

    await lead.page.getByLabel("Title").fill("Dump LSASS with procdump");
    await lead.page.getByLabel("Tactic").fill("credential-access");
    await lead.page.getByLabel("Techniques").fill("T1003.001");
    await lead.page.getByRole("button", { name: "Add activity" }).click();
    await lead.page.getByRole("link", { name: "Dump LSASS with procdump" }).waitFor(WAIT);

    for (const [who, role] of [
      [RED, "red"],
      [BLUE, "blue"],
    ] as const) {
      await lead.page.getByLabel("Member", { exact: true }).selectOption({ label: `${who.name} (${who.email})` });
      await lead.page.getByLabel("Role", { exact: true }).selectOption(role);
      await lead.page.getByRole("button", { name: "Grant role" }).click();
      await lead.page.getByText(`${who.name} (${who.email}): ${role}`).waitFor(WAIT);
    }
    a11y.board = await axeProblems(lead.page);
    await shoot(lead.page, "assessment-board");

    await lead.page.getByRole("link", { name: "Dump LSASS with procdump" }).click();
    await lead.page.getByRole("heading", { name: "Dump LSASS with procdump", level: 1 }).waitFor(WAIT);
    const activityUrl = lead.page.url();

    // Red opens the activity's link, signs in, and lands on it.
    const red = await openContext(browser, problems);
    await red.page.goto(activityUrl);
    await signIn(red.page, RED);
    await red.page.getByRole("heading", { name: "Dump LSASS with procdump", level: 1 }).waitFor(WAIT);
    expect(await red.page.getByLabel("Command").isEditable()).toBe(true);
    expect(await red.page.getByLabel("Outcome", { exact: true }).isDisabled()).toBe(true);
    expect(await red.page.getByLabel("Notes").isEditable()).toBe(false);
    await red.page.getByRole("button", { name: "Start (waiting for red)" }).click();
    await red.page.getByRole("button", { name: "Hand over to blue" }).waitFor(WAIT);
    await red.page.getByLabel("Command").fill("procdump -ma lsass.exe lsass.dmp");
    await red.page.getByLabel("Executed at").fill("2025-11-04T10:00");
    await red.page.getByLabel("Source", { exact: true }).fill("WS-042");
    await red.page.getByLabel("Target").fill("DC-01");
    await red.page.getByLabel("Prevented").check();
    await red.page.getByLabel("Alerted").check();
    await red.page.getByLabel("Expected severity").selectOption("high");
    await red.page.getByRole("button", { name: "Save red fields" }).click();
    await red.page.getByText("Saved").waitFor(WAIT);
    a11y.activity = await axeProblems(red.page);
    await shoot(red.page, "activity-red");
    await red.page.getByRole("button", { name: "Hand over to blue" }).click();
    await red.page.getByText("waiting blue", { exact: true }).first().waitFor(WAIT);
    expect(await red.page.getByLabel("Command").isEditable()).toBe(false);

    // Blue sees red's record read-only and writes its own side.
    const blue = await openContext(browser, problems);
    await blue.page.goto(activityUrl);
    await signIn(blue.page, BLUE);
    await blue.page.getByRole("heading", { name: "Dump LSASS with procdump", level: 1 }).waitFor(WAIT);
    expect(await blue.page.getByLabel("Command").inputValue()).toBe("procdump -ma lsass.exe lsass.dmp");
    expect(await blue.page.getByLabel("Command").isEditable()).toBe(false);
    expect(await blue.page.getByLabel("Source", { exact: true }).isDisabled()).toBe(true);
    await blue.page.getByLabel("Outcome", { exact: true }).selectOption("prevented");
    await blue.page.getByLabel("Detected at", { exact: true }).fill("2025-11-04T10:02");
    await blue.page.getByLabel("Detection source").fill("EDR");
    await blue.page.getByLabel("Alert severity").selectOption("high");
    // Per defensive control: the EDR blocked it, under a named rule.
    await blue.page.getByLabel("Control", { exact: true }).selectOption({ label: "Corp EDR (edr)" });
    await blue.page.getByRole("button", { name: "Add control" }).click();
    await blue.page.getByLabel("Outcome (Corp EDR)").selectOption("blocked");
    await blue.page.getByLabel("Rule (Corp EDR)").fill("LSASS handle access");
    await blue.page.getByRole("button", { name: "Save blue fields" }).click();
    await blue.page.getByText("Saved").waitFor(WAIT);
    const saved = await leadApi.activities.get.query({ id: activityUrl.split("/").pop() ?? "" });
    expect(saved.blue.controlOutcomes).toEqual([
      expect.objectContaining({ controlName: "Corp EDR", outcome: "blocked", ruleName: "LSASS handle access" }),
    ]);
    // Blue chose the overall outcome by hand: it stays "prevented", not derived from the EDR's "blocked".
    expect(saved.blue).toMatchObject({ outcome: "prevented", outcomeSetByHand: true });
    expect(await blue.page.getByRole("button", { name: "Evaluate" }).count()).toBe(0);
    await shoot(blue.page, "activity-blue");

    // Red, on a fresh load, sees blue's record read-only.
    await red.page.reload();
    await red.page.getByRole("heading", { name: "Dump LSASS with procdump", level: 1 }).waitFor(WAIT);
    expect(await red.page.getByLabel("Outcome", { exact: true }).inputValue()).toBe("prevented");
    expect(await red.page.getByLabel("Outcome", { exact: true }).isDisabled()).toBe(true);
    expect(await red.page.getByLabel("Detection source").inputValue()).toBe("EDR");

    // The lead evaluates; the statistics show the result.
    await lead.page.reload();
    await lead.page.getByRole("button", { name: "Evaluate" }).click();
    await lead.page.getByText(/^Evaluated /).waitFor(WAIT);
    // Within the evaluation: the history below has rows naming evaluation › prevention too.
    const evaluation = lead.page.getByRole("region", { name: "Evaluation" });
    const prevention = evaluation.getByRole("row", { name: /prevention/ });
    expect(await prevention.textContent()).toContain("pass");
    await shoot(lead.page, "activity-evaluated");

    await lead.page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Statistics" }).click();
    await lead.page.getByRole("heading", { name: "Statistics", level: 1 }).waitFor(WAIT);
    await lead.page.getByLabel("Scope").selectOption({ label: "Q4 purple team" });
    const rate = lead.page.locator(".kpi", { hasText: "Prevention rate" });
    await rate.getByText("100 %").waitFor(WAIT);
    expect(await lead.page.locator(".kpi", { hasText: "Evaluated" }).textContent()).toContain("1");
    expect(await lead.page.getByRole("img", { name: "Outcomes" }).isVisible()).toBe(true);
    a11y.statistics = await axeProblems(lead.page);
    await shoot(lead.page, "statistics");

    await lead.page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "ATT&CK coverage" }).click();
    await lead.page.getByText("T1003.001").first().waitFor(WAIT);
    a11y.coverage = await axeProblems(lead.page);
    await shoot(lead.page, "coverage");

    await lead.page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Assessments" }).click();
    await lead.page.getByRole("link", { name: "Q4 purple team" }).waitFor(WAIT);
    await lead.page.getByLabel("Status").selectOption("completed");
    await lead.page.getByText("No assessment matches these filters.").waitFor(WAIT);
    await lead.page.getByLabel("Status").selectOption("");
    await lead.page.getByRole("link", { name: "Q4 purple team" }).waitFor(WAIT);
    a11y.assessments = await axeProblems(lead.page);
    await shoot(lead.page, "assessments");

    await lead.page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Account" }).click();
    await lead.page.getByText("(this device)").waitFor(WAIT);
    await lead.page.getByRole("heading", { name: "API keys" }).waitFor(WAIT);
    a11y.account = await axeProblems(lead.page);
    await shoot(lead.page, "account");

    // The lead runs a tool and follows its output live.
    await lead.page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Executions" }).click();
    await lead.page.getByText("Nothing has run yet.").waitFor(WAIT);
    await lead.page.getByLabel("Tool", { exact: true }).selectOption({ label: "sh" });
    await lead.page.getByLabel("Parameters (JSON)").fill('{"script": "echo hello from assay"}');
    await lead.page.getByRole("button", { name: "Run", exact: true }).click();
    await lead.page.getByLabel("Output").getByText("hello from assay").waitFor(WAIT);
    await lead.page.getByRole("heading", { name: /sh completed/ }).waitFor(WAIT);
    a11y.executions = await axeProblems(lead.page);
    await shoot(lead.page, "executions");

    // The red team signs out; the sign-in page is back.
    await red.page.getByRole("button", { name: "Sign out", exact: true }).click();
    await red.page.getByRole("button", { name: "Sign in", exact: true }).waitFor(WAIT);

    for (const { context } of [lead, red, blue]) await context.close();
    expect(a11y).toEqual({
      "sign-in": [],
      board: [],
      activity: [],
      statistics: [],
      coverage: [],
      assessments: [],
      account: [],
      executions: [],
    });
    expect(problems).toEqual([]);
  });

  it("sets up two-step sign-in on the account page, then signs in with a recovery code", async () => {
    const { context, page } = await openContext(browser, problems);
    // A federated sign-in that came back refused, or with a code that does not redeem, says so.
    await page.goto(`${server.url}/sign-in?error=access_denied`);
    await page.getByRole("alert").getByText("The sign-in was cancelled at the provider.").waitFor(WAIT);
    await page.goto(`${server.url}/sign-in?code=not-a-real-code`);
    await page.getByRole("alert").first().waitFor(WAIT);
    await page.goto(`${server.url}/account`);
    await signIn(page, CAREFUL);
    await page.getByRole("heading", { name: "Account", level: 1 }).waitFor(WAIT);
    await page.getByRole("button", { name: "Set up an authenticator app" }).click();
    await page.getByRole("img", { name: "QR code for your authenticator app" }).waitFor(WAIT);
    const secret =
      (await page.locator("p", { hasText: "Or enter this key by hand" }).locator("code").textContent()) ?? "";
    await page.getByLabel("Authentication code").fill("000000");
    await page.getByRole("button", { name: "Confirm" }).click();
    await page.locator(".field-error, .alert").first().waitFor(WAIT);
    await page.getByLabel("Authentication code").fill(totp(secret));
    await page.getByRole("button", { name: "Confirm" }).click();
    await page.getByText("Recovery codes").waitFor(WAIT);
    const codes = await page.locator(".codes code").allTextContents();
    expect(codes).toHaveLength(10);
    await shoot(page, "account-mfa");

    await page.getByRole("button", { name: "Sign out", exact: true }).click();
    await signIn(page, CAREFUL);
    await page.getByLabel("Authentication code").waitFor(WAIT);
    expect(await axeProblems(page)).toEqual([]);
    await shoot(page, "sign-in-second-step");
    await page.getByRole("button", { name: "Use a recovery code" }).click();
    await page.getByLabel("Recovery code").fill(codes[0] ?? "");
    await page.getByRole("button", { name: "Verify" }).click();
    // Back on the page where the session ended; with no organization, the start page leads to the organizations page.
    await page.getByRole("heading", { name: "Account", level: 1 }).waitFor(WAIT);
    await page.getByRole("link", { name: "Assay" }).click();
    await page.getByRole("heading", { name: "Organizations", level: 1 }).waitFor(WAIT);
    await page.getByText("You are not a member of any organization yet").waitFor(WAIT);
    expect(await axeProblems(page)).toEqual([]);
    await shoot(page, "organizations");
    await context.close();
    expect(problems).toEqual([]);
  });
});
