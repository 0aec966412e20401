/**
 * PDF reports: the HTML report printed by headless Chromium (playwright-core drives the
 * browser the machine has: CHROMIUM_PATH, or /usr/bin/chromium). The page runs without
 * JavaScript and every network request is refused: the HTML is self-contained.
 */
import { accessSync, constants } from "node:fs";
import type { Config } from "../../config.js";

const DEFAULT_CHROMIUM = "/usr/bin/chromium";

/** The Chromium executable to print with, or null when none is installed. */
export function findChromium(config: Pick<Config, "reports">): string | null {
  const path = config.reports.chromiumPath ?? DEFAULT_CHROMIUM;
  try {
    accessSync(path, constants.X_OK);
    return path;
  } catch {
    return null;
  }
}

/** `html` printed to A4 PDF by Chromium at `executablePath`, within `timeoutMs`. */
export async function printPdf(executablePath: string, html: string, timeoutMs: number): Promise<Uint8Array> {
  // playwright-core is loaded on the first PDF: it is about a third of the program's modules, which
  // every start would load otherwise.
  const { chromium } = await import("playwright-core");
  const browser = await chromium.launch({
    executablePath,
    headless: true,
    timeout: timeoutMs,
    args: ["--disable-gpu", "--disable-dev-shm-usage", "--no-first-run"],
  });
  try {
    const context = await browser.newContext({ javaScriptEnabled: false, offline: true });
    const page = await context.newPage();
    await page.route("**/*", (route) => route.abort());
    page.setDefaultTimeout(timeoutMs);
    await page.setContent(html, { waitUntil: "load", timeout: timeoutMs });
    const pdf = await page.pdf({
      format: "A4",
      printBackground: true,
      margin: { top: "18mm", bottom: "18mm", left: "16mm", right: "16mm" },
    });
    return new Uint8Array(pdf);
  } finally {
    await browser.close().catch(() => undefined);
  }
}
