/**
 * Writing a report's file (Word or HTML) in a worker thread (report-file-worker.ts), so a big
 * assessment never blocks the server's requests: a Word file of 2,000 activities is many
 * seconds of CPU. The worker has its own heap limit and is stopped after the render timeout.
 * From the compiled server the worker is the compiled file; from the sources (tsx, vitest) it
 * is the TypeScript file, loaded through tsx's loader registered inside the worker.
 */
import { Worker } from "node:worker_threads";
import { codeFile } from "../../code-files.js";
import { type WorkerFailure, workerAnswer } from "../../lib/worker-answer.js";
import type { ReportImages } from "./report-pictures.js";

export interface ReportFileRequest {
  format: "docx" | "html";
  title: string;
  markdown: string;
  images: ReportImages;
  /** A Word base to render into (docx only; report-docx-base.ts). */
  docxBase?: Uint8Array;
}

/** Heap of one file-writing worker, in MiB (a Word file of 2,000 activities took the process to ~1.7 GiB RSS). */
const WORKER_HEAP_MB = 3072;

/** A file the worker could not write; its message is shown as the report's error. */
export class ReportFileError extends Error {
  override readonly name = "ReportFileError";
}

function startWorker(request: ReportFileRequest): Worker {
  const options = { workerData: request, resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB } };
  // The build bundles the worker into its own file at the top of dist/ (scripts/build.mjs).
  if (import.meta.url.endsWith(".js")) return new Worker(codeFile("report-file-worker.js"), options);
  const entry = new URL("./report-file-worker.ts", import.meta.url).href;
  const tsx = import.meta.resolve("tsx/esm/api");
  const boot = `import(${JSON.stringify(tsx)}).then(({ register }) => { register(); return import(${JSON.stringify(entry)}); });`;
  return new Worker(boot, { ...options, eval: true });
}

function fileFailure(why: WorkerFailure, timeoutMs: number): Error {
  switch (why.kind) {
    case "timeout":
      return new ReportFileError(`The report took longer than ${Math.round(timeoutMs / 1000)} s to write`);
    case "out-of-memory":
      return new ReportFileError("The report is too large to write: split the assessment or trim its template");
    case "failed":
      return new Error(`The report writer failed: ${why.message}`);
    case "stopped":
      return new Error("The report writer stopped");
  }
}

/** The bytes of `request`'s file, written in a worker thread within `timeoutMs`. */
export async function writeReportFile(request: ReportFileRequest, timeoutMs: number): Promise<Uint8Array> {
  const worker = startWorker(request);
  const answer = await workerAnswer<{ bytes: Uint8Array }>(worker, timeoutMs, (why) => fileFailure(why, timeoutMs));
  return answer.bytes;
}
