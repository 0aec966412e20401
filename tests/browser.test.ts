/**
 * Proves the two browser pages work in a real Chromium: /docs renders Swagger UI from the
 * server's own assets (no CDN), /panel lists procedures, shows their schemas and calls them,
 * and production hides the panel. Fails (never skips) when Chromium is missing.
 */
import { existsSync } from "node:fs";
import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startReadyServer, type TestServer } from "./support/server.js";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** A page that records requests leaving the server's host and any script or CSP errors. */
async function openPage(browser: Browser, url: string) {
  const page: Page = await browser.newPage();
  const foreign: string[] = [];
  const problems: string[] = [];
  page.on("request", (request) => {
    const target = new URL(request.url());
    if (target.protocol === "data:" || target.protocol === "blob:") return;
    if (target.hostname !== "127.0.0.1") foreign.push(request.url());
  });
  page.on("pageerror", (error) => problems.push(`pageerror: ${error.message}`));
  page.on("console", (message) => {
    // Failed loads are reported below with their url; other errors (CSP, scripts) here.
    if (message.type() === "error" && !message.text().startsWith("Failed to load resource")) {
      problems.push(`console: ${message.text()}`);
    }
  });
  page.on("response", (res) => {
    // The browser asks for /favicon.ico on its own; none is served, and nobody sees that.
    if (res.status() >= 400 && new URL(res.url()).pathname !== "/favicon.ico") {
      problems.push(`${res.status()} ${res.url()}`);
    }
  });
  page.on("requestfailed", (request) => problems.push(`failed: ${request.url()} ${request.failure()?.errorText}`));
  const response = await page.goto(url);
  return { page, foreign, problems, status: response?.status() };
}

describe("browser pages", () => {
  let server: TestServer;
  let browser: Browser;

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(
        `Chromium not found at ${CHROMIUM}: install it (apt-get install -y chromium) or set CHROMIUM_PATH`,
      );
    }
    [server, browser] = await Promise.all([
      startReadyServer(),
      chromium.launch({ executablePath: CHROMIUM, args: ARGS }),
    ]);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it("/docs renders Swagger UI with the /system/info operation, loading nothing from other hosts", async () => {
    const { page, foreign, problems, status } = await openPage(browser, `${server.url}/docs`);
    expect(status).toBe(200);
    const operation = page.locator('.opblock-summary-path[data-path="/system/info"]');
    await operation.waitFor({ state: "visible", timeout: 15_000 });
    expect((await operation.textContent())?.replace(/\u200b/g, "")).toBe("/system/info");
    await expect(page.locator(".opblock-get .opblock-summary-method").first().textContent()).resolves.toBe("GET");
    await expect(page.locator(".info .title").textContent()).resolves.toContain("Assay API");
    await page.waitForLoadState("networkidle");
    expect(foreign).toEqual([]);
    expect(problems).toEqual([]);
    await page.close();
  });

  it("/panel lists system.info and shows its input and output schemas", async () => {
    const { page, foreign, problems, status } = await openPage(browser, `${server.url}/panel`);
    expect(status).toBe(200);
    const entry = page.locator('#procedures button[data-path="system.info"]');
    await entry.waitFor({ state: "visible", timeout: 15_000 });
    await expect(entry.textContent()).resolves.toContain("system.info");
    await entry.click();
    await expect(page.locator("#detail h2").textContent()).resolves.toBe("system.info");
    const input = page.getByTestId("input-schema");
    await input.waitFor({ state: "visible" });
    await expect(input.textContent()).resolves.toBe("No input");
    const output = page.getByTestId("output-schema");
    await output.waitFor({ state: "visible" });
    for (const field of ["installedAt", "uptimeSeconds", "database"]) {
      await expect(output.textContent()).resolves.toContain(field);
    }
    expect(foreign).toEqual([]);
    expect(problems).toEqual([]);
    await page.close();
  });

  it("/panel runs system.info with its pre-filled input and shows 200 and the response", async () => {
    const { page, problems } = await openPage(browser, `${server.url}/panel`);
    await page.locator('#procedures button[data-path="system.info"]').click();
    await page.locator("button.run").click();
    const statusLine = page.getByTestId("status");
    await statusLine.waitFor({ state: "visible", timeout: 15_000 });
    const response = (await page.getByTestId("response").textContent()) ?? "";
    expect(await statusLine.textContent(), response).toMatch(/^200 /);
    expect(response).toContain('"name": "Assay"');
    expect(problems).toEqual([]);
    await page.close();
  });

  it("/panel sends the Organization field as X-Organization-Id, lists your organizations and remembers the choice", async () => {
    const post = async (path: string, body: unknown, token?: string) => {
      const res = await fetch(`${server.url}/api/v1${path}`, {
        method: "POST",
        headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify(body),
      });
      expect(res.status, path).toBe(200);
      return res.json();
    };
    const email = `panel-${Date.now()}@example.com`;
    const { accessToken } = await post("/auth/register", {
      email,
      password: "a long and sound passphrase",
      name: "Panel",
    });
    const org = await post("/orgs", { name: "Panel Purple Team" }, accessToken);

    const { page, problems } = await openPage(browser, `${server.url}/panel`);
    const organization = page.getByLabel("Organization");
    await page.getByLabel("Bearer token").fill(accessToken);
    // "Mine" lists the caller's organizations; with exactly one, it fills the field.
    await page.locator("#load-organizations").click();
    await page.locator(`#organizations option[value="${org.id}"]`).waitFor({ state: "attached", timeout: 15_000 });
    await expect(page.locator("#organizations option").first().textContent()).resolves.toBe(
      "Panel Purple Team (owner)",
    );
    await expect(organization.inputValue()).resolves.toBe(org.id);

    const runOrgsGet = async () => {
      await page.locator('#procedures button[data-path="orgs.get"]').click();
      await page.locator("button.run").click();
      const statusLine = page.getByTestId("status");
      await statusLine.waitFor({ state: "visible", timeout: 15_000 });
      return {
        status: (await statusLine.textContent()) ?? "",
        body: (await page.getByTestId("response").textContent()) ?? "",
      };
    };
    const inOrg = await runOrgsGet();
    expect(inOrg.status, inOrg.body).toMatch(new RegExp(`^200 .* · organization ${org.id}$`));
    expect(inOrg.body).toContain('"name": "Panel Purple Team"');

    // Remembered in the page: a reload keeps the organization (and the token).
    await page.reload();
    await expect(organization.inputValue()).resolves.toBe(org.id);
    await expect(page.getByLabel("Bearer token").inputValue()).resolves.toBe(accessToken);

    // Without it, the organization-scoped call has no organization to act in.
    await organization.fill("");
    const noOrg = await runOrgsGet();
    expect(noOrg.status).not.toMatch(/^200 /);
    expect(noOrg.body).not.toContain("Panel Purple Team");
    expect(problems.filter((p) => !p.includes("/trpc/orgs.get"))).toEqual([]);
    await page.close();
  });

  it("hides the panel in production (404) but still serves /docs", async () => {
    const production = await startReadyServer({
      env: { NODE_ENV: "production", ENCRYPTION_KEY: Buffer.alloc(32, 3).toString("base64") },
    });
    try {
      for (const path of ["/panel", "/panel/", "/panel/panel.js", "/panel/procedures.json"]) {
        const res = await fetch(`${production.url}${path}`);
        expect(res.status, path).toBe(404);
        expect(await res.text(), path).not.toContain("system.info");
      }
      expect((await fetch(`${production.url}/docs`)).status).toBe(200);
      // The same paths answer in the test environment: the 404 above is production's doing.
      expect((await fetch(`${server.url}/panel`)).status).toBe(200);
    } finally {
      await production.stop();
    }
  });
});
