/**
 * Writing a report's file (Word or HTML) in a worker thread (report-file-worker.ts), so a big
 * assessment never blocks the server's requests: a Word file of 2,000 activities is many
 * seconds of CPU. The worker has its own heap limit and is stopped after the render timeout.
 * From the compiled server the worker is the compiled file; from the sources (tsx, vitest) it
 * is the TypeScript file, loaded through tsx's loader registered inside the worker.
 */
import { Worker } from "node:worker_threads";
import type { ReportImages } from "./report-pictures.js";

export interface ReportFileRequest {
  format: "docx" | "html";
  title: string;
  markdown: string;
  images: ReportImages;
}

/** Heap of one file-writing worker, in MiB (a Word file of 2,000 activities peaks near 1 GiB). */
const WORKER_HEAP_MB = 3072;

/** A file the worker could not write; its message is shown as the report's error. */
export class ReportFileError extends Error {
  override readonly name = "ReportFileError";
}

function startWorker(request: ReportFileRequest): Worker {
  const options = { workerData: request, resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB } };
  if (import.meta.url.endsWith(".js")) return new Worker(new URL("./report-file-worker.js", import.meta.url), options);
  const entry = new URL("./report-file-worker.ts", import.meta.url).href;
  const tsx = import.meta.resolve("tsx/esm/api");
  const boot = `import(${JSON.stringify(tsx)}).then(({ register }) => { register(); return import(${JSON.stringify(entry)}); });`;
  return new Worker(boot, { ...options, eval: true });
}

/** The bytes of `request`'s file, written in a worker thread within `timeoutMs`. */
export function writeReportFile(request: ReportFileRequest, timeoutMs: number): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const worker = startWorker(request);
    let settled = false;
    const finish = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      void worker.terminate();
      outcome();
    };
    const timer = setTimeout(
      () =>
        finish(() =>
          reject(new ReportFileError(`The report took longer than ${Math.round(timeoutMs / 1000)} s to write`)),
        ),
      timeoutMs,
    );
    worker.on("message", (message: { ok: true; bytes: Uint8Array } | { ok: false; message: string }) =>
      finish(() => (message.ok ? resolve(message.bytes) : reject(new Error(message.message)))),
    );
    worker.on("error", (error: Error & { code?: string }) =>
      finish(() =>
        reject(
          error.code === "ERR_WORKER_OUT_OF_MEMORY"
            ? new ReportFileError("The report is too large to write: split the assessment or trim its template")
            : error,
        ),
      ),
    );
    worker.on("exit", (code) => finish(() => reject(new Error(`The report writer stopped (exit code ${code})`))));
  });
}
