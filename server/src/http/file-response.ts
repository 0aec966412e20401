/** The REST answer of a file route: the file's bytes, its media type, and a download name. */
import type { FileDownload } from "../trpc/file-download.js";

const TEXTUAL = /^(text\/|application\/(json|yaml|x-yaml)$)/;

/** Turns a procedure's output into the file its REST route names. */
export function fileResponse(download: FileDownload, output: unknown): Response {
  const { filename, body } = download.file(output);
  const type = TEXTUAL.test(download.contentType) ? `${download.contentType}; charset=utf-8` : download.contentType;
  return new Response(body, {
    status: 200,
    headers: { "content-type": type, "content-disposition": contentDisposition(filename) },
  });
}

/** `attachment` with an ASCII fallback name and the exact name in RFC 5987 form. */
export function contentDisposition(fileName: string): string {
  const ascii = fileName.replace(/[^\x20-\x7e]/g, "_").replace(/["\\]/g, "_");
  const encoded = encodeURIComponent(fileName).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}
