/**
 * The web app's records of an assessment in headless Chromium, against a started server, as
 * tests/web-app.test.ts does: on the activity page an image uploaded as evidence shows its
 * preview (fetched with the token into a blob: URL, which the CSP allows), downloads byte for
 * byte, is offered for deletion to its uploader but not to red, and goes; the history names
 * each change. On the reports page an HTML report is generated, polled until completed and
 * downloaded; the CSV and JSON exports download, and the JSON imports back from the
 * assessments page. axe-core finds no serious or critical violation on these pages; screenshots
 * go to tests/artifacts/web-app/ (gitignored). Setup (accounts, organization, assessment,
 * activity, roles) goes through the API.
 */
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { crc32, deflateSync } from "node:zlib";
import { createAssayClient } from "@assay/client";
import type { Browser, Download, Page } from "playwright-core";
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
const ASSESSMENT = "Q1 records review";
const ACTIVITY = "Kerberoast service accounts";

/** A small PNG (a purple and white band), encoded here so the test ships no binary file. */
function png(width = 48, height = 24): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, "ascii"), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8-bit RGB
  const rows = Array.from({ length: height }, (_, y) =>
    Buffer.concat([
      Buffer.from([0]),
      ...Array.from({ length: width }, () => Buffer.from(y < height / 2 ? [91, 42, 134] : [255, 255, 255])),
    ]),
  );
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", header),
    chunk("IDAT", deflateSync(Buffer.concat(rows))),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

/** Clicks `button` and returns the file the page saves. */
async function downloadBy(page: Page, name: string | RegExp): Promise<{ download: Download; text: string }> {
  const [download] = await Promise.all([
    page.waitForEvent("download", WAIT),
    page.getByRole("button", { name, exact: typeof name === "string" }).click(),
  ]);
  const path = await download.path();
  return { download, text: await readFile(path, "utf8") };
}

describe("web app: evidence, history, reports, exports and imports", () => {
  let server: TestServer;
  let browser: Browser;
  let activityUrl: string;
  let boardUrl: string;
  const problems: string[] = [];

  beforeAll(async () => {
    requireChromium();
    [server, browser] = await Promise.all([
      startReadyServer({ env: { FIRST_SUPERUSER_EMAIL: LEAD.email, FIRST_SUPERUSER_PASSWORD: LEAD.password } }),
      launchChromium(),
    ]);
    const anonymous = createAssayClient({ url: server.url });
    const [lead, red] = await Promise.all([anonymous.auth.login.mutate(LEAD), anonymous.auth.register.mutate(RED)]);
    if (lead.mfaRequired) throw new Error("the lead has no second factor");
    const org = await createAssayClient({ url: server.url, token: lead.accessToken }).orgs.create.mutate({
      name: "Records Team",
    });
    const inOrg = (token: string) =>
      createAssayClient({ url: server.url, token, headers: { "X-Organization-Id": org.id } });
    const api = inOrg(lead.accessToken);
    await api.orgs.members.invite.mutate({ email: RED.email });
    const [mail] = await api.admin.mail.list.query({ to: RED.email, limit: 1 });
    await inOrg(red.accessToken).invitations.accept.mutate({
      token: /token=([\w-]+)/.exec(mail?.text ?? "")?.[1] ?? "",
    });
    const assessment = await api.assessments.create.mutate({ name: ASSESSMENT });
    const activity = await api.activities.create.mutate({
      assessmentId: assessment.id,
      title: ACTIVITY,
      tactic: "credential-access",
      techniques: ["T1558.003"],
    });
    await api.acl.grant.mutate({ assessmentId: assessment.id, userId: red.user.id, role: "red" });
    boardUrl = `${server.url}/orgs/${org.id}/assessments/${assessment.id}`;
    activityUrl = `${server.url}/orgs/${org.id}/activities/${activity.id}`;
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it("attaches an image as evidence (preview, download, delete as the ACL allows) and shows the history", async () => {
    const image = png();
    const a11y: Record<string, string[]> = {};
    const lead = await openContext(browser, problems);
    await lead.page.goto(activityUrl);
    await signIn(lead.page, LEAD);
    await lead.page.getByRole("heading", { name: ACTIVITY, level: 1 }).waitFor(WAIT);
    await lead.page.getByText("No evidence attached yet.").waitFor(WAIT);
    await lead.page
      .getByLabel("Evidence file")
      .setInputFiles({ name: "screenshot.png", mimeType: "image/png", buffer: image });
    await lead.page.getByRole("button", { name: "Upload evidence" }).click();
    const preview = lead.page.getByRole("img", { name: "Preview of screenshot.png" });
    await preview.waitFor(WAIT);
    await expect.poll(() => preview.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(48);
    expect(await preview.getAttribute("src")).toMatch(/^blob:/);
    const history = lead.page.getByRole("region", { name: "History" });
    await history.getByRole("row", { name: /evidence .*screenshot\.png/ }).waitFor(WAIT);

    // An edit shows up in the history, with who made it.
    await lead.page.getByLabel("Command").fill("Rubeus.exe kerberoast /outfile:hashes.txt");
    await lead.page.getByRole("button", { name: "Save red fields" }).click();
    await lead.page.getByText("Saved").waitFor(WAIT);
    const edit = history.getByRole("row", { name: /red › command/ });
    await edit.waitFor(WAIT);
    expect(await edit.textContent()).toContain("Rubeus.exe kerberoast /outfile:hashes.txt");
    expect(await edit.getByRole("cell").nth(1).textContent()).toBe("You");
    a11y.activity = await axeProblems(lead.page);
    await shoot(lead.page, "activity-evidence-history");

    // Red may download and add evidence, but not delete the lead's.
    const red = await openContext(browser, problems);
    await red.page.goto(activityUrl);
    await signIn(red.page, RED);
    await red.page.getByRole("img", { name: "Preview of screenshot.png" }).waitFor(WAIT);
    expect(await red.page.getByRole("button", { name: "Download screenshot.png" }).isEnabled()).toBe(true);
    expect(await red.page.getByRole("button", { name: "Delete screenshot.png" }).count()).toBe(0);
    expect(await red.page.getByLabel("Evidence file").isEditable()).toBe(true);
    await red.context.close();

    const [download] = await Promise.all([
      lead.page.waitForEvent("download", WAIT),
      lead.page.getByRole("button", { name: "Download screenshot.png" }).click(),
    ]);
    expect(download.suggestedFilename()).toBe("screenshot.png");
    expect(Buffer.compare(await readFile(await download.path()), image)).toBe(0);

    await lead.page.getByRole("button", { name: "Delete screenshot.png" }).click();
    await lead.page.getByText("No evidence attached yet.").waitFor(WAIT);
    await history.getByRole("row", { name: /evidence .*screenshot\.png —$/ }).waitFor(WAIT);
    await lead.context.close();
    expect(a11y).toEqual({ activity: [] });
    expect(problems).toEqual([]);
  });

  it("generates and downloads an HTML report, downloads the exports, and imports the JSON back", async () => {
    const a11y: Record<string, string[]> = {};
    const { context, page } = await openContext(browser, problems);
    await page.goto(boardUrl);
    await signIn(page, LEAD);
    await page.getByRole("heading", { name: ASSESSMENT, level: 1 }).waitFor(WAIT);
    await page.getByRole("link", { name: "Reports and exports" }).click();
    await page.getByRole("heading", { name: "Reports and exports", level: 1 }).waitFor(WAIT);
    await page.getByText("No reports yet").waitFor(WAIT);
    await page.getByLabel("Format").selectOption("html");
    await page.getByLabel("Template").selectOption({ label: "Built-in default" });
    await page.getByRole("button", { name: "Generate report" }).click();
    // Pending, then completed: the list polls by itself.
    await page.getByRole("button", { name: /^Download the HTML report/ }).waitFor({ timeout: 30_000 });
    expect(await page.getByRole("row", { name: /HTML/ }).textContent()).toContain("completed");
    const report = await downloadBy(page, /^Download the HTML report/);
    expect(report.download.suggestedFilename()).toMatch(/\.html$/);
    expect(report.text).toContain(ASSESSMENT);
    expect(report.text).toContain(ACTIVITY);
    a11y.reports = await axeProblems(page);
    await shoot(page, "reports");

    const csv = await downloadBy(page, "Download CSV");
    expect(csv.download.suggestedFilename()).toBe("q1-records-review-activities.csv");
    expect(csv.text.split("\r\n")[1]).toContain(ACTIVITY);
    const json = await downloadBy(page, "Download JSON");
    expect(JSON.parse(json.text)).toMatchObject({ format: "assay.assessment", assessment: { name: ASSESSMENT } });

    await page.getByRole("button", { name: /^Delete the HTML report/ }).click();
    await page.getByText("No reports yet").waitFor(WAIT);

    // The JSON export imports back as a new assessment.
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Assessments" }).click();
    await page.getByRole("button", { name: "Import an assessment" }).click();
    await page.getByLabel("Assessment file (JSON)").setInputFiles(await json.download.path());
    await page.getByLabel("New name").fill("Q1 records review (copy)");
    await page.getByRole("button", { name: "Import assessment" }).click();
    const imported = page.getByRole("status").getByRole("link", { name: "Q1 records review (copy)" });
    await imported.waitFor(WAIT);
    a11y.import = await axeProblems(page);
    await shoot(page, "assessments-import");
    await imported.click();
    await page.getByRole("link", { name: ACTIVITY }).waitFor(WAIT);
    await context.close();
    expect(a11y).toEqual({ reports: [], import: [] });
    expect(problems).toEqual([]);
  });
});
