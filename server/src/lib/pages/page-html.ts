/**
 * The server-rendered pages that mail links open (when no web app build serves them, and their
 * form posts): one small layout, an inline stylesheet allowed by its hash, no scripts, and an
 * `html` template tag that escapes every interpolated value, so user-supplied text cannot
 * become markup.
 */
import { createHash } from "node:crypto";
import type { Context as HonoContext } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { escapeHtml } from "../mail/user-text.js";
import { RateLimitedError } from "../rate-limits.js";

/** Markup that is already safe (built by `html`), inserted without escaping. */
export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

type Interpolated = SafeHtml | SafeHtml[] | string | number | null | undefined | false;

/** Builds markup; strings and numbers are escaped, SafeHtml (and arrays of it) inserted as is. */
export function html(strings: TemplateStringsArray, ...values: Interpolated[]): SafeHtml {
  let out = strings[0] ?? "";
  values.forEach((value, i) => {
    const piece = Array.isArray(value)
      ? value.map((v) => v.value).join("")
      : value instanceof SafeHtml
        ? value.value
        : value === null || value === undefined || value === false
          ? ""
          : escapeHtml(String(value));
    out += piece + (strings[i + 1] ?? "");
  });
  return new SafeHtml(out);
}

const STYLE = [
  "body{font:16px/1.5 system-ui,sans-serif;max-width:28rem;margin:3rem auto;padding:0 1rem;color:#1f2328}",
  "h1{font-size:1.4rem}h2{font-size:1.1rem;margin-top:2rem}label{display:block;margin:.8rem 0 .2rem}",
  "input{width:100%;padding:.5rem;box-sizing:border-box;font:inherit}button{margin-top:1rem;padding:.5rem 1rem;font:inherit}",
  ".error{color:#a40e26;border-left:3px solid;padding-left:.6rem}.note{color:#59636e}",
].join("");

/** The pages' Content-Security-Policy: nothing but this stylesheet, and forms posting back here. */
export const PAGE_CSP = [
  "default-src 'none'",
  `style-src 'sha256-${createHash("sha256").update(STYLE).digest("base64")}'`,
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join("; ");

/** A whole page: `title` as heading, then `body`. */
export function pageHtml(title: string, body: SafeHtml): string {
  return html`<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="robots" content="noindex"><title>${title} · Assay</title><style>${new SafeHtml(STYLE)}</style></head>
<body><main><h1>${title}</h1>
${body}
</main></body>
</html>`.value;
}

/** A labelled input. */
export function field(label: string, name: string, type: string, autocomplete: string, value = ""): SafeHtml {
  return html`<label for="${name}">${label}</label>
<input id="${name}" name="${name}" type="${type}" autocomplete="${autocomplete}" value="${value}" required>`;
}

/** A hidden input carrying `value`. */
export function hidden(name: string, value: string): SafeHtml {
  return html`<input type="hidden" name="${name}" value="${value}">`;
}

/** The error line above a form, when there is one. */
export function errorLine(message: string | undefined): SafeHtml {
  return message ? html`<p class="error" role="alert">${message}</p>` : html``;
}

/** Answers `c` with the page: strict CSP, never cached (it carries a link token), no referrer. */
export function sendPage(
  c: HonoContext,
  status: ContentfulStatusCode,
  title: string,
  body: SafeHtml,
  headers: Record<string, string> = {},
): Response {
  return c.html(pageHtml(title, body), status, {
    "Content-Security-Policy": PAGE_CSP,
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
    ...headers,
  });
}

/** A form POST's string fields (files and repeated fields are ignored). */
export async function formFields(c: HonoContext): Promise<Record<string, string>> {
  const body = await c.req.parseBody().catch(() => ({}));
  return Object.fromEntries(
    Object.entries(body).filter((entry): entry is [string, string] => typeof entry[1] === "string"),
  );
}

/** Retry-After for a page answering a rate-limited call (tRPC callers wrap the error in `cause`). */
export function retryAfterHeader(error: unknown): Record<string, string> {
  const cause = error instanceof RateLimitedError ? error : (error as { cause?: unknown } | null)?.cause;
  return cause instanceof RateLimitedError ? { "Retry-After": String(cause.retryAfterSeconds) } : {};
}
