/**
 * Text users chose (organization and account names) inside mail. A name is data, not a
 * message: it must not break the subject header, inject markup, or turn into a link that a
 * mail client makes clickable (`evil.example`, `https://…`, `www.…`), since mail from Assay
 * lends it Assay's credibility.
 */

const HTML_ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/** Escapes text for HTML; names are chosen by users, so they never reach markup raw. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] ?? c);
}

/**
 * `value` on one line, without control characters, and defanged the way security write-ups
 * quote hostile addresses: a dot between two word characters becomes `[.]`, `://` becomes
 * `[:]//` and `@` between word characters `[@]`, so no mail client auto-links it. Ordinary
 * names ("Acme Inc.", "J. Smith") read the same.
 */
export function inertName(value: string): string {
  return value
    .replace(/[\p{Cc}\u2028\u2029]+/gu, " ")
    .replace(/:\/\//g, "[:]//")
    .replace(/(?<=[\p{L}\p{N}_-])[.@\u3002\uFF0E\uFF61](?=[\p{L}\p{N}_-])/gu, (c) => `[${c}]`)
    .trim();
}
