/**
 * Renders a report template in a worker thread: a hostile template (a loop over a billion
 * items, a memory bomb) spends the worker's time and heap, never the server's. The worker
 * is stopped after REPORT_RENDER_TIMEOUT_SECONDS and has its own heap limit; liquidjs's own
 * render and memory limits usually stop such a template earlier, with a clearer message.
 */
import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";
import { type WorkerFailure, workerAnswer } from "../../lib/worker-answer.js";
import { reportLiquidOptions } from "../templates/report-liquid.js";

// The worker's code is plain JavaScript run from a string, so it needs no build step and
// runs the same under tsx, vitest and the compiled server. Filters: REPORT_FILTER_NAMES.
const WORKER_SOURCE = String.raw`
const { parentPort, workerData } = require("node:worker_threads");
const { Liquid } = require(workerData.liquidPath);
const text = (v) => (v === null || v === undefined ? "" : String(v));
const longestRun = (s, ch) => { let best = 0, run = 0; for (const c of s) { run = c === ch ? run + 1 : 0; if (run > best) best = run; } return best; };
const filters = {
  // A share in [0, 1] as a percentage; empty values as an em dash.
  pct: (v) => (typeof v === "number" && Number.isFinite(v) ? Math.round(v * 1000) / 10 + "%" : "\u2014"),
  // Text that must stay text inside markdown (titles, names): markdown punctuation escaped, one line.
  md: (v) => text(v).replace(/[\r\n]+/g, " ").replace(/([\\\x60*_{}\[\]()#+\-.!|<>~])/g, "\\$1"),
  // The same for a table cell.
  cell: (v) => { const s = text(v).replace(/[\r\n]+/g, " ").replace(/([\\\x60*_{}\[\]()#+\-.!|<>~])/g, "\\$1"); return s === "" ? "\u2014" : s; },
  // A fenced code block whose fence is longer than any backtick run in the text.
  codeblock: (v, lang) => { const s = text(v); const fence = "\x60".repeat(Math.max(3, longestRun(s, "\x60") + 1)); return "\n" + fence + (lang ? text(lang).replace(/[^a-z0-9_+-]/gi, "") : "") + "\n" + s + "\n" + fence + "\n"; },
  // Seconds as "1 h 2 min 3 s"; empty values as an em dash.
  duration: (v) => { if (typeof v !== "number" || !Number.isFinite(v)) return "\u2014"; const s = Math.round(v); const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), r = s % 60; return [h ? h + " h" : "", m ? m + " min" : "", r || (!h && !m) ? r + " s" : ""].filter(Boolean).join(" "); },
};
const engine = new Liquid(workerData.options);
for (const [name, fn] of Object.entries(filters)) engine.registerFilter(name, fn);
engine.parseAndRender(workerData.template, workerData.data).then(
  (output) => parentPort.postMessage({ ok: true, output }),
  (error) => parentPort.postMessage({ ok: false, message: String((error && error.message) || error) }),
);
`;

const liquidPath = createRequire(import.meta.url).resolve("liquidjs");

/** Heap of one render worker, in MiB. */
const WORKER_HEAP_MB = 256;

/** A template that could not be rendered; its message is shown as the report's error. */
export class TemplateRenderError extends Error {
  override readonly name = "TemplateRenderError";
}

/** Why a render failed, as the report's error says it. */
function renderFailure(why: WorkerFailure, timeoutMs: number): TemplateRenderError {
  switch (why.kind) {
    case "timeout":
      return new TemplateRenderError(`The template took longer than ${Math.round(timeoutMs / 1000)} s to render`);
    case "out-of-memory":
      return new TemplateRenderError("The template used more memory than a report may");
    case "failed":
      return new TemplateRenderError(`The template failed to render: ${why.message}`);
    case "stopped":
      return new TemplateRenderError("The template renderer stopped");
  }
}

/** Renders `template` with `data` (plain JSON) in a worker thread, within `timeoutMs`. */
export async function renderLiquid(template: string, data: unknown, timeoutMs: number): Promise<string> {
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: { liquidPath, template, data, options: reportLiquidOptions(timeoutMs) },
    resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB },
    stdout: true,
    stderr: true,
  });
  const answer = await workerAnswer<{ output: string }>(worker, timeoutMs, (why) => renderFailure(why, timeoutMs));
  return answer.output;
}
