/**
 * The worker thread that writes a report's file (report-file.ts starts it): Word or HTML from
 * the rendered markdown and its pictures. Building a Word file of thousands of activities is
 * seconds of pure CPU; here it spends this thread's time, never the server's event loop. With a
 * template's Word base, the document's body is then merged into that base (report-docx-base.ts).
 */
import { parentPort, workerData } from "node:worker_threads";
import { reportDocx } from "./report-docx.js";
import { mergeIntoDocxBase } from "./report-docx-base.js";
import type { ReportFileRequest } from "./report-file.js";
import { reportHtmlDocument } from "./report-html.js";

const request = workerData as ReportFileRequest;

async function write(): Promise<Uint8Array> {
  if (request.format === "docx") {
    const document = await reportDocx(request.title, request.markdown, request.images);
    return request.docxBase ? mergeIntoDocxBase(request.docxBase, document) : document;
  }
  return new TextEncoder().encode(reportHtmlDocument(request.title, request.markdown, request.images));
}

write().then(
  (bytes) => parentPort?.postMessage({ ok: true, bytes }, [bytes.buffer as ArrayBuffer]),
  (error: unknown) => parentPort?.postMessage({ ok: false, message: String((error as Error)?.message ?? error) }),
);
