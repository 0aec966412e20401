/**
 * The server's file routes (not tRPC): evidence upload and download, report downloads. Each
 * request carries the in-memory access token and X-Organization-Id, as the tRPC client does;
 * an expired token is refreshed and the request sent again once. Files the app receives are
 * handed to the browser as blob: URLs (saved, or shown as an image preview) and never cached.
 */
import { RestError } from "./api";
import { accessToken, clearSession, expireAccessToken } from "./session";

const ENDED = new Set(["AUTH_REQUIRED", "AUTH_TOKEN_INVALID"]);

async function refusal(response: Response): Promise<RestError> {
  const body = (await response.json().catch(() => null)) as { errors?: RestError["problems"] } | null;
  const problems = body?.errors?.length
    ? body.errors
    : [{ code: "INTERNAL", message: `The server answered ${response.status}`, field: null }];
  return new RestError(response.status, problems);
}

/** `fetch` of a server path in organization `orgId`; a refusal is thrown as a RestError. */
export async function restFetch(path: string, orgId: string, init: RequestInit = {}): Promise<Response> {
  for (let attempt = 0; ; attempt++) {
    const token = await accessToken();
    const headers = new Headers(init.headers);
    if (token) headers.set("authorization", `Bearer ${token}`);
    headers.set("x-organization-id", orgId);
    const response = await fetch(path, { ...init, headers });
    if (response.ok) return response;
    const error = await refusal(response);
    if (error.code === "AUTH_TOKEN_EXPIRED" && attempt === 0) {
      expireAccessToken();
      continue;
    }
    if (ENDED.has(error.code)) clearSession("Your session has ended. Please sign in again.");
    throw error;
  }
}

/** The file at `path` as a Blob. */
export async function fetchBlob(path: string, orgId: string, signal?: AbortSignal): Promise<Blob> {
  const response = await restFetch(path, orgId, signal ? { signal } : {});
  return response.blob();
}

/** Has the browser save `blob` as `fileName` (a download, not a navigation). */
export function saveBlob(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement("a");
  link.href = url;
  link.download = fileName;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  // The download has started by the next task; the URL is no longer needed after that.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** Saves text as a file of media type `type`. */
export function saveText(text: string, fileName: string, type: string): void {
  saveBlob(new Blob([text], { type }), fileName);
}

/** A file name from a title, as the server names export files (`<slug>-<suffix>`). */
export function fileNameOf(name: string, suffix: string): string {
  const stem = name
    .normalize("NFKD")
    .replace(/[^\w\s-]/g, "")
    .trim()
    .toLowerCase()
    .replace(/[\s_-]+/g, "-")
    .slice(0, 80)
    .replace(/^-+|-+$/g, "");
  return `${stem || "assessment"}-${suffix}`;
}

/** A byte count for people: 12 B, 3.4 KB, 5.6 MB. */
export function formatBytes(bytes: number | null | undefined): string {
  if (bytes === null || bytes === undefined) return "—";
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}
