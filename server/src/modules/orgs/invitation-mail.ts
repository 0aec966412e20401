/** The invitation mail: a plain-text part and a simple HTML part carrying the same accept link. */
import type { MailContent } from "../../lib/mail/mailer.js";
import { escapeHtml, inertName } from "../../lib/mail/user-text.js";

/** The link the mail carries: the SPA's accept page with the token in the query. */
export function invitationLink(appUrl: string, token: string): string {
  return `${appUrl}/invitations/accept?token=${encodeURIComponent(token)}`;
}

/** The mail inviting `to` into `orgName` with `role`; the link works once, for `validDays`. */
export function invitationMail(input: {
  to: string;
  orgName: string;
  inviterName: string;
  role: string;
  link: string;
  /** The token in `link`: stored sealed (sealed-secret.ts). */
  secret?: string;
  validDays: number;
}): MailContent {
  const { to, role, link, secret, validDays } = input;
  // Names are chosen by users: one line, no links (see user-text.ts).
  const orgName = inertName(input.orgName);
  const inviterName = inertName(input.inviterName);
  const text = [
    "Hello,",
    "",
    `${inviterName} invited you to join the organization "${orgName}" on Assay as ${role}.`,
    `Open this link within ${validDays} days, signed in with this email address (${to}), to accept or decline:`,
    "",
    link,
    "",
    "The link works once. If you did not expect this invitation, ignore this mail.",
  ].join("\n");
  const href = escapeHtml(link);
  const html = [
    "<p>Hello,</p>",
    `<p>${escapeHtml(inviterName)} invited you to join the organization <strong>${escapeHtml(orgName)}</strong> on Assay as ${escapeHtml(role)}.</p>`,
    `<p><a href="${href}">Accept or decline the invitation</a> (valid for ${validDays} days, once, signed in as ${escapeHtml(to)}).</p>`,
    `<p>If the button does not work, paste this address into your browser:<br>${href}</p>`,
    "<p>If you did not expect this invitation, ignore this mail.</p>",
  ].join("\n");
  return {
    to,
    subject: `${inviterName} invited you to ${orgName} on Assay`,
    text,
    html,
    ...(secret ? { secret } : {}),
  };
}
