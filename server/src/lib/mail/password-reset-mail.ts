/** The password-reset mail: a plain-text part and a simple HTML part carrying the same link. */
import type { MailContent } from "./mailer.js";

const HTML_ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/** Escapes text for HTML; names are chosen by users, so they never reach markup raw. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] ?? c);
}

/** The reset link the mail carries: the SPA's reset page with the token in the query. */
export function passwordResetLink(appUrl: string, token: string): string {
  return `${appUrl}/reset-password?token=${encodeURIComponent(token)}`;
}

/** The mail sent to `to` with a link that is valid for `validMinutes`. */
export function passwordResetMail(input: {
  to: string;
  name: string;
  link: string;
  validMinutes: number;
}): MailContent {
  const { to, name, link, validMinutes } = input;
  const text = [
    `Hello ${name},`,
    "",
    "Someone (hopefully you) asked to reset the password of your Assay account.",
    `Open this link within ${validMinutes} minutes to choose a new password:`,
    "",
    link,
    "",
    "The link works once. If you did not ask for this, ignore this mail: your password stays as it is.",
  ].join("\n");
  const href = escapeHtml(link);
  const html = [
    `<p>Hello ${escapeHtml(name)},</p>`,
    "<p>Someone (hopefully you) asked to reset the password of your Assay account.</p>",
    `<p><a href="${href}">Choose a new password</a> (valid for ${validMinutes} minutes, once).</p>`,
    `<p>If the button does not work, paste this address into your browser:<br>${href}</p>`,
    "<p>If you did not ask for this, ignore this mail: your password stays as it is.</p>",
  ].join("\n");
  return { to, subject: "Reset your Assay password", text, html };
}
