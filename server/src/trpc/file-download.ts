/**
 * Procedures whose REST path names a file (`…/export.csv`): the REST door answers the file
 * itself, with its media type and `Content-Disposition: attachment`, while the tRPC door
 * keeps returning the procedure's output object (the typed client needs it).
 */

/** A file made from a procedure's output. */
export interface DownloadFile {
  filename: string;
  body: string;
}

/** How the REST door turns a procedure's output into a download. */
export interface FileDownload {
  /** The file's media type (also what the OpenAPI document says the 200 answer is). */
  contentType: string;
  file(output: unknown): DownloadFile;
}

/** Declares the download of a procedure whose output is `T`. */
export function fileDownload<T>(contentType: string, file: (output: T) => DownloadFile): FileDownload {
  return { contentType, file: (output) => file(output as T) };
}
