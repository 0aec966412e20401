/**
 * The web app's library and administration pages end to end in headless Chromium, against a
 * started server (as tests/web-app.test.ts, whose helpers it shares: support/web-app-browser.ts).
 * The organization, a member and the global templates (a document as templates.export writes
 * it, with an Atomic Red Team test) are set up through the API; the rest goes through the UI:
 * the first superuser writes a knowledge-base article in markdown (live preview, a refusal next
 * to its field, HTML shown as text, unsafe links dropped), edits it and reads the earlier
 * revision, filters the templates by technique and turns a campaign into an assessment whose
 * board lists its activities; then, as administrator, revokes the member's session (the
 * member's next API call is refused) and finds the event in the audit log. A member sees no
 * administration. axe-core checks each new page; screenshots land in
 * tests/artifacts/web-app-library/ (gitignored).
 */
import { fileURLToPath } from "node:url";
import { createAssayClient, errorCodeOf } from "@assay/client";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startReadyServer, type TestServer } from "./support/server.js";
import { axeProblems, launchChromium, openContext, screenshots, signIn, WAIT } from "./support/web-app-browser.js";

const shoot = screenshots(fileURLToPath(new URL("./artifacts/web-app-library/", import.meta.url)));

const ADMIN = { email: "admin@example.com", password: "library administrator passphrase" };
const MEMBER = { email: "member@example.com", password: "member analyst passphrase", name: "Mia Member" };

// Global templates as another Assay exports them: an imported Atomic Red Team test (with its
// GUID), a hand-written one, two phases and two campaigns.
const TEMPLATES = `format: assay.templates
version: 1
activityTemplates:
  - id: lsass-procdump
    name: Dump LSASS.exe Memory using ProcDump
    source: atomic-red-team
    atomicGuid: 0be2230c-9ab3-4ac2-8826-3199b9a0ebf8
    description: The memory of lsass.exe is often dumped for offline credential theft attacks.
    techniques: [T1003.001]
    platforms: [windows]
    inputArguments:
      - { name: output_file, type: path, default: 'C:\\Windows\\Temp\\lsass_dump.dmp' }
    executorName: command_prompt
    command: '"#{procdump_exe}" -accepteula -ma lsass.exe #{output_file}'
  - id: local-accounts
    name: Enumerate local accounts
    techniques: [T1087.001]
    platforms: [linux]
    command: cat /etc/passwd
activityGroupTemplates:
  - { id: creds, name: Credential access, activities: [lsass-procdump] }
  - { id: discovery, name: Discovery, activities: [local-accounts] }
campaignTemplates:
  - { name: Credential theft drill, groups: [creds] }
  - { name: Standard purple team, description: Credentials then discovery, groups: [creds, discovery] }
`;

const BODY = [
  "Alert when **procdump** opens `lsass.exe`.",
  "",
  "<script>window.__kbScript = 1</script>",
  "",
  "- See the [ATT&CK page](https://attack.mitre.org/techniques/T1003/001/)",
  "- Not a [bad link](javascript:window.__kbLink=1)",
].join("\n");

describe("web app: knowledge base, templates, administration", () => {
  let server: TestServer;
  let browser: Browser;
  let orgId: string;
  let memberToken: string;
  let admin: { context: BrowserContext; page: Page } | undefined;
  const problems: string[] = [];
  const a11y: Record<string, string[]> = {};

  /** The administrator's tab, signed in on first use. */
  async function adminPage(): Promise<Page> {
    if (admin) return admin.page;
    admin = await openContext(browser, problems);
    await admin.page.goto(`${server.url}/orgs/${orgId}/knowledge`);
    await signIn(admin.page, ADMIN);
    await admin.page.getByRole("heading", { name: "Knowledge base", level: 1 }).waitFor(WAIT);
    return admin.page;
  }

  beforeAll(async () => {
    [server, browser] = await Promise.all([
      startReadyServer({ env: { FIRST_SUPERUSER_EMAIL: ADMIN.email, FIRST_SUPERUSER_PASSWORD: ADMIN.password } }),
      launchChromium(),
    ]);
    const anonymous = createAssayClient({ url: server.url });
    const [signedIn, member] = await Promise.all([
      anonymous.auth.login.mutate(ADMIN),
      anonymous.auth.register.mutate(MEMBER),
    ]);
    if (signedIn.mfaRequired) throw new Error("the administrator has no second factor");
    memberToken = member.accessToken;
    const api = createAssayClient({ url: server.url, token: signedIn.accessToken });
    const [org, imported] = await Promise.all([
      api.orgs.create.mutate({ name: "Library Team" }),
      api.templates.import.mutate({ yaml: TEMPLATES, scope: "global" }),
    ]);
    orgId = org.id;
    expect(imported.created).toBe(6);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it("writes a markdown article, edits it, reads its history, and instantiates a campaign template", async () => {
    const page = await adminPage();
    await page.getByText("No articles yet").waitFor(WAIT);
    await page.getByRole("link", { name: "New article" }).click();
    await page.getByRole("heading", { name: "New article", level: 1 }).waitFor(WAIT);
    await page.getByLabel("Title").fill("Detecting LSASS dumps");
    await page.getByLabel("Kind").selectOption("detection");
    await page.getByLabel("Techniques").fill("T1003.001, lsass");
    await page.getByLabel("Tags").fill("credential access, edr");
    await page.getByLabel("Body (markdown)").fill(BODY);

    // The live preview: markdown rendered, HTML as text, only http(s)/mailto links.
    const preview = page.getByRole("region", { name: "Preview" });
    await preview.locator("strong", { hasText: "procdump" }).waitFor(WAIT);
    expect(await preview.textContent()).toContain("<script>window.__kbScript = 1</script>");
    expect(await preview.locator("script").count()).toBe(0);
    expect(await preview.getByRole("link", { name: "ATT&CK page" }).getAttribute("href")).toBe(
      "https://attack.mitre.org/techniques/T1003/001/",
    );
    expect(await preview.getByRole("link", { name: "bad link" }).count()).toBe(0);
    a11y["article-editor"] = await axeProblems(page);
    await shoot(page, "kb-editor");

    // "lsass" is no technique id: the refusal shows next to the field.
    await page.getByRole("button", { name: "Save article" }).click();
    await page.locator(".field-error").first().waitFor(WAIT);
    expect(await page.getByLabel("Techniques").getAttribute("aria-invalid")).toBe("true");
    await page.getByLabel("Techniques").fill("T1003.001");
    await page.getByRole("button", { name: "Save article" }).click();
    await page.getByRole("heading", { name: "Detecting LSASS dumps", level: 1 }).waitFor(WAIT);
    const text = page.getByRole("article", { name: "Article text" });
    await text.locator("strong", { hasText: "procdump" }).waitFor(WAIT);
    expect(await text.textContent()).toContain("<script>");
    expect(await text.locator("script").count()).toBe(0);
    expect(await page.evaluate(() => Object.keys(window).filter((key) => key.startsWith("__kb")))).toEqual([]);
    await page.getByText("No earlier versions").waitFor(WAIT);

    // An edit with the formatting buttons makes revision 2; revision 1 stays readable.
    await page.getByRole("link", { name: "Edit article" }).click();
    await page.getByLabel("Body (markdown)").press("ControlOrMeta+End");
    await page.getByRole("button", { name: "Bold", exact: true }).click();
    await preview.locator("strong", { hasText: "bold text" }).waitFor(WAIT);
    await page.getByRole("button", { name: "Save article" }).click();
    await text.locator("strong", { hasText: "bold text" }).waitFor(WAIT);
    await page.getByRole("link", { name: "Revision 1", exact: true }).click();
    await page.getByText("You are reading an earlier version of this article.").waitFor(WAIT);
    const earlier = page.getByRole("article", { name: "Revision 1" });
    await earlier.locator("strong", { hasText: "procdump" }).waitFor(WAIT);
    expect(await earlier.locator("strong", { hasText: "bold text" }).count()).toBe(0);
    a11y.article = await axeProblems(page);
    await shoot(page, "kb-article-revision");

    const nav = page.getByRole("navigation", { name: "Main" });
    await nav.getByRole("link", { name: "Knowledge base" }).click();
    await page.getByLabel("Search").fill("procdump");
    await page.getByRole("button", { name: "Apply" }).click();
    await page.getByRole("link", { name: "Detecting LSASS dumps" }).waitFor(WAIT);
    a11y.knowledge = await axeProblems(page);
    await shoot(page, "kb-list");

    // Templates: both campaigns and the Atomic Red Team test, then filtered by technique.
    await nav.getByRole("link", { name: "Templates" }).click();
    await page.getByRole("heading", { name: "Credential theft drill" }).waitFor(WAIT);
    const atomic = page.getByRole("row").filter({ hasText: "Dump LSASS.exe Memory using ProcDump" });
    await atomic.getByText("Atomic Red Team").waitFor(WAIT);
    await page.getByLabel("Technique").fill("T1087.001");
    await page.getByRole("button", { name: "Apply" }).click();
    await page.getByRole("heading", { name: "Credential theft drill" }).waitFor({ state: "detached", ...WAIT });
    await page.getByRole("heading", { name: "Standard purple team" }).waitFor(WAIT);
    await page.getByRole("row").filter({ hasText: "Enumerate local accounts" }).waitFor(WAIT);
    // The activity templates refresh on their own query: wait for the filtered list, then check.
    await atomic.waitFor({ state: "detached", ...WAIT });
    expect(await atomic.count()).toBe(0);
    a11y.templates = await axeProblems(page);
    await shoot(page, "templates");

    await page.getByRole("button", { name: "Create an assessment from Standard purple team" }).click();
    await page.getByLabel("Assessment name").fill("Q1 purple team");
    await page.getByRole("button", { name: "Create the assessment" }).click();
    await page.getByRole("link", { name: "Open the board of Q1 purple team" }).click();
    await page.getByRole("heading", { name: "Q1 purple team", level: 1 }).waitFor(WAIT);
    const phase = (name: string) => page.getByRole("region", { name });
    await phase("Credential access").getByRole("link", { name: "Dump LSASS.exe Memory using ProcDump" }).waitFor(WAIT);
    await phase("Discovery").getByRole("link", { name: "Enumerate local accounts" }).waitFor(WAIT);
    await shoot(page, "campaign-board");
    expect(problems).toEqual([]);
  });

  it("administers: revokes a member's session (refused at once) and finds it in the audit log", async () => {
    const page = await adminPage();
    const member = createAssayClient({ url: server.url, token: memberToken });
    expect((await member.auth.me.query()).email).toBe(MEMBER.email);

    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Admin" }).click();
    await page.getByRole("heading", { name: "Users", level: 1 }).waitFor(WAIT);
    a11y.users = await axeProblems(page);
    await shoot(page, "admin-users");
    await page.getByRole("link", { name: MEMBER.name }).click();
    await page.getByRole("heading", { name: MEMBER.name, level: 1 }).waitFor(WAIT);
    await page.getByRole("button", { name: /^Revoke the session of / }).click();
    await page.getByText("No active session.").waitFor(WAIT);
    const refused = await member.auth.me.query().then(
      () => "answered",
      (error: unknown) => errorCodeOf(error),
    );
    expect(refused).toBe("AUTH_TOKEN_INVALID");
    a11y.user = await axeProblems(page);
    await shoot(page, "admin-user");

    await page.getByRole("navigation", { name: "Administration" }).getByRole("link", { name: "Audit log" }).click();
    await page.getByRole("heading", { name: "Audit log", level: 1 }).waitFor(WAIT);
    await page.getByLabel("Event type").fill("session.revoked");
    await page.getByRole("button", { name: "Apply" }).click();
    const event = page.getByRole("row").filter({ hasText: "session.revoked" });
    await event.waitFor(WAIT);
    expect(await event.count()).toBe(1);
    expect(await event.textContent()).toContain(ADMIN.email);
    a11y.audit = await axeProblems(page);
    await shoot(page, "admin-audit");

    // A member signs in again: no administration in the navigation, and the pages refuse.
    const other = await openContext(browser, problems);
    await other.page.goto(`${server.url}/admin/users`);
    await signIn(other.page, MEMBER);
    await other.page.getByText("Only administrators can open these pages.").waitFor(WAIT);
    expect(
      await other.page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Admin" }).count(),
    ).toBe(0);
    await other.context.close();
    await admin?.context.close();

    expect(a11y).toEqual({
      "article-editor": [],
      article: [],
      knowledge: [],
      templates: [],
      users: [],
      user: [],
      audit: [],
    });
    expect(problems).toEqual([]);
  });
});
