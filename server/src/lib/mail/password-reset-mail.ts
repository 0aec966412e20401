/** The password-reset mail: a plain-text part and a simple HTML part carrying the same link. */
import type { MailContent } from "./mail-content.js";
import { escapeHtml, inertName } from "./user-text.js";

/** The reset link the mail carries: the SPA's reset page with the token in the query. */
export function passwordResetLink(appUrl: string, token: string): string {
  return `${appUrl}/reset-password?token=${encodeURIComponent(token)}`;
}

/** The mail sent to `to` with a link that is valid for `validMinutes`. */
export function passwordResetMail(input: {
  to: string;
  name: string;
  link: string;
  /** The token in `link`: stored sealed (sealed-secret.ts). */
  secret?: string;
  validMinutes: number;
}): MailContent {
  const { to, link, secret, validMinutes } = input;
  const name = inertName(input.name);
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
  return { to, subject: "Reset your Assay password", text, html, ...(secret ? { secret } : {}) };
}
