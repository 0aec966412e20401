/**
 * The Liquid dialect of report templates (liquidjs), configured for untrusted templates:
 * own properties only (no `constructor`, no prototype walks), unknown filters refused,
 * no file system (includes resolve against an empty in-memory set), and limits on parse
 * length, render time and memory. The same options check a template when it is saved
 * (templates.report.create/update and templates.import, through the body's schema) and render it in the reports module's worker thread.
 */
import { Liquid, type LiquidOptions } from "liquidjs";

/** Filters of Assay's own that report templates may use (the worker defines them: reports/liquid-worker.ts). */
export const REPORT_FILTER_NAMES = ["pct", "md", "cell", "codeblock", "duration"] as const;

/** Largest template body parsed, in characters (templates.report bodies are at most 1,000,000). */
export const REPORT_PARSE_LIMIT = 1_000_000;
/** Memory a render may allocate through Liquid (strings, arrays, ranges), in liquidjs units. */
export const REPORT_MEMORY_LIMIT = 64_000_000;

/** The engine options for untrusted report templates; `renderLimitMs` bounds one render. */
export function reportLiquidOptions(renderLimitMs: number): LiquidOptions {
  return {
    ownPropertyOnly: true,
    strictFilters: true,
    strictVariables: false,
    dynamicPartials: false,
    jsTruthy: false,
    templates: {},
    parseLimit: REPORT_PARSE_LIMIT,
    renderLimit: renderLimitMs,
    memoryLimit: REPORT_MEMORY_LIMIT,
  };
}

/** The line, column and message of a Liquid syntax error, or null when `body` parses. */
export function reportTemplateSyntaxError(body: string): { line: number; column: number; message: string } | null {
  const engine = new Liquid(reportLiquidOptions(1000));
  for (const name of REPORT_FILTER_NAMES) engine.registerFilter(name, (value: unknown) => value);
  try {
    engine.parse(body);
    return null;
  } catch (error) {
    const token = (error as { token?: { getPosition?: () => [number, number] } }).token;
    const [line, column] = token?.getPosition?.() ?? [1, 1];
    const raw = error instanceof Error ? error.message : String(error);
    // liquidjs appends ", line:x, col:y"; the position is given in its own words below.
    const message = raw.replace(/,\s*line:\d+,\s*col:\d+\s*$/, "");
    return { line, column, message };
  }
}
