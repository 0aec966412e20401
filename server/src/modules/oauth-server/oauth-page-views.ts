/**
 * The authorization server's own pages (sign-in, second factor, consent, errors): plain
 * server-rendered HTML, every value escaped, no script at all, one stylesheet allowed by its
 * hash. Forms post back to the same origin; after the last one the browser is redirected to
 * the client, so each page's CSP also allows that one redirect target (`form-action`).
 */
import { createHash } from "node:crypto";
import type { Scope } from "../../identity/scopes.js";

const STYLE = [
  "body{font-family:system-ui,sans-serif;background:#f4f5f7;color:#1d2330;margin:0}",
  "main{max-width:26rem;margin:3rem auto;background:#fff;padding:2rem;border-radius:8px;box-shadow:0 1px 3px #0002}",
  "h1{font-size:1.3rem;margin-top:0}label{display:block;margin:.8rem 0 .3rem;font-weight:600}",
  "input{width:100%;box-sizing:border-box;padding:.55rem;border:1px solid #b8bfcc;border-radius:4px;font-size:1rem}",
  "button{margin-top:1rem;padding:.55rem 1.1rem;border:0;border-radius:4px;font-size:1rem;cursor:pointer}",
  ".primary{background:#2557d6;color:#fff}.secondary{background:#e3e6ec;color:#1d2330}",
  ".error{background:#fdecec;color:#9b1c1c;padding:.6rem;border-radius:4px}",
  "ul{padding-left:1.2rem}li{margin:.3rem 0}code{font-size:.9em}.muted{color:#5b6475;font-size:.9rem}",
  "form.inline{display:inline}",
].join("");

const STYLE_HASH = `'sha256-${createHash("sha256").update(STYLE).digest("base64")}'`;

/** The CSP of a page without forms (errors). */
export const PAGE_STYLE_CSP = `default-src 'none'; style-src ${STYLE_HASH}; form-action 'none'; frame-ancestors 'none'; base-uri 'none'`;

/** The CSP of a page whose forms post here and may end in a redirect to `redirectUri` (the client's). */
export function pageCsp(redirectUri: string | undefined): string {
  const target = redirectTarget(redirectUri);
  return `default-src 'none'; style-src ${STYLE_HASH}; form-action 'self'${target ? ` ${target}` : ""}; frame-ancestors 'none'; base-uri 'none'`;
}

/** The CSP source for a redirect URI: its origin for http(s), its scheme for an app's own scheme. */
function redirectTarget(redirectUri: string | undefined): string | undefined {
  const url = redirectUri ? URL.parse(redirectUri) : null;
  if (!url) return undefined;
  if (url.protocol === "http:" || url.protocol === "https:") return url.origin;
  return /^[a-z][a-z0-9+.-]*:$/i.test(url.protocol) ? url.protocol : undefined;
}

/** What each scope lets an application do, as the consent page says it. */
export const SCOPE_DESCRIPTIONS: Record<Scope | "openid" | "offline_access", string> = {
  "assessments:read": "Read assessments",
  "assessments:write": "Create, change and delete assessments",
  "activities:read": "Read activities, their evidence and history",
  "activities:write": "Record and change activities and their outcomes",
  "attack:read": "Read the MITRE ATT&CK reference data",
  "statistics:read": "Read statistics",
  "reports:read": "Read and download reports",
  "reports:write": "Create reports",
  "executions:run": "Run executions",
  "alerts:ingest": "Send alerts in",
  admin: "Administer Assay (only what your own account may)",
  openid: "Know who you are (your account id)",
  offline_access: "Stay connected while you are away (refresh tokens)",
};

const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/** `value` safe inside HTML text and double-quoted attributes. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (ch) => ESCAPES[ch] ?? ch);
}

function layout(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="referrer" content="no-referrer"><title>${escapeHtml(title)} · Assay</title><style>${STYLE}</style></head><body><main>${body}</main></body></html>`;
}

export interface FormContext {
  /** Where this interaction's forms post: /oauth/interaction/<uid>. */
  action: string;
  csrf: string;
  /** The application asking, as it registered itself. */
  clientName: string;
}

const hidden = (name: string, value: string) => `<input type="hidden" name="${name}" value="${escapeHtml(value)}">`;
const failure = (error: string | undefined) => (error ? `<p class="error" role="alert">${escapeHtml(error)}</p>` : "");

function cancelForm(form: FormContext, label = "Cancel"): string {
  return `<form class="inline" method="post" action="${escapeHtml(form.action)}/abort">${hidden("csrf", form.csrf)}<button class="secondary" type="submit">${label}</button></form>`;
}

/** Step 1: email and password. */
export function signInPage(form: FormContext, options: { email?: string; error?: string } = {}): string {
  return layout(
    "Sign in",
    `<h1>Sign in to Assay</h1><p class="muted"><strong>${escapeHtml(form.clientName)}</strong> asks to use Assay on your behalf.</p>${failure(options.error)}
<form method="post" action="${escapeHtml(form.action)}/login">${hidden("csrf", form.csrf)}
<label for="email">Email</label><input id="email" name="email" type="email" autocomplete="username" required value="${escapeHtml(options.email ?? "")}">
<label for="password">Password</label><input id="password" name="password" type="password" autocomplete="current-password" required>
<button class="primary" type="submit">Sign in</button></form>${cancelForm(form)}`,
  );
}

/** Step 2, when the account has a confirmed factor: a code from the authenticator app, or a recovery code. */
export function secondFactorPage(form: FormContext, challenge: string, error?: string): string {
  return layout(
    "Two-factor authentication",
    `<h1>Two-factor authentication</h1><p class="muted">Enter the code from your authenticator app, or one of your recovery codes.</p>${failure(error)}
<form method="post" action="${escapeHtml(form.action)}/totp">${hidden("csrf", form.csrf)}${hidden("challenge", challenge)}
<label for="code">Code</label><input id="code" name="code" autocomplete="one-time-code" inputmode="numeric" required>
<button class="primary" type="submit">Verify</button></form>${cancelForm(form)}`,
  );
}

/** Consent: who asks, as whom, for which scopes and resources. */
export function consentPage(
  form: FormContext,
  details: { account: string; scopes: string[]; resources: string[]; redirectUri: string | undefined },
): string {
  const scopes = details.scopes.length
    ? details.scopes
        .map((s) => `<li><code>${escapeHtml(s)}</code>: ${escapeHtml(SCOPE_DESCRIPTIONS[s as Scope] ?? s)}</li>`)
        .join("")
    : "<li>No scopes: the application only learns that you signed in.</li>";
  const resources = details.resources.map((r) => `<code>${escapeHtml(r)}</code>`).join(", ");
  const redirect = details.redirectUri ? URL.parse(details.redirectUri) : null;
  return layout(
    "Authorize application",
    `<h1>Authorize ${escapeHtml(form.clientName)}</h1><p>Signed in as <strong>${escapeHtml(details.account)}</strong>.</p>
<p><strong>${escapeHtml(form.clientName)}</strong> asks for:</p><ul>${scopes}</ul>
${resources ? `<p class="muted">For: ${resources}</p>` : ""}
<p class="muted">It never gets more than your own account may do.${redirect ? ` You will be sent back to <code>${escapeHtml(redirect.host || redirect.protocol)}</code>.` : ""}</p>
<form class="inline" method="post" action="${escapeHtml(form.action)}/consent">${hidden("csrf", form.csrf)}<button class="primary" type="submit">Allow</button></form> ${cancelForm(form, "Deny")}`,
  );
}

/** A page that only says what went wrong. */
export function errorPage(title: string, message: string): string {
  return layout(title, `<h1>${escapeHtml(title)}</h1><p class="error">${escapeHtml(message)}</p>`);
}
