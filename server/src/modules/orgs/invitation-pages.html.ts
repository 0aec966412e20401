/** The markup of the invitation page: sign in (or register), the second-factor step, the outcome. */
import { errorLine, field, hidden, html, type SafeHtml } from "../../lib/pages/page-html.js";

interface FormBase {
  token: string;
  csrf: string;
  error?: string | undefined;
}

const common = (v: FormBase, step: string) => [hidden("step", step), hidden("token", v.token), hidden("csrf", v.csrf)];

/** Sign in with the invited address; a registration form too when the server takes sign-ups. */
export function signInForm(v: FormBase & { email?: string | undefined; registrationOpen: boolean }): SafeHtml {
  const register = v.registrationOpen
    ? html`<h2>New to Assay?</h2>
<form method="post" action="accept">${common(v, "register")}
${field("Your name", "name", "text", "name")}
${field("Email (the invited address)", "email", "email", "email")}
${field("Password (12 characters or more, hard to guess)", "password", "password", "new-password")}
<button type="submit">Create account and accept</button></form>`
    : html`<p class="note">No account yet? Ask the person who invited you to have one created for this address.</p>`;
  return html`<p>You have been invited to an organization on Assay. Sign in with the address the invitation was sent to.</p>
${errorLine(v.error)}
<form method="post" action="accept">${common(v, "signin")}
${field("Email", "email", "email", "username", v.email ?? "")}
${field("Password", "password", "password", "current-password")}
<button type="submit">Sign in and accept</button></form>
${register}`;
}

/** The second step, for accounts with a TOTP factor. */
export function codeForm(v: FormBase & { challenge: string }): SafeHtml {
  return html`<p>Enter the 6-digit code from your authenticator app, or one of your recovery codes.</p>
${errorLine(v.error)}
<form method="post" action="accept">${common(v, "code")}${hidden("challenge", v.challenge)}
${field("Code", "code", "text", "one-time-code")}
<button type="submit">Verify and accept</button></form>`;
}

/** The outcome: the membership exists. */
export function acceptedPage(org: { name: string; role: string }, appUrl: string): SafeHtml {
  return html`<p>You are now a member of <strong>${org.name}</strong>, as ${org.role}.</p>
<p><a href="${appUrl}" rel="noreferrer">Open Assay</a></p>`;
}

/** A link that cannot be answered (malformed, unknown, used, expired...). */
export function linkProblem(message: string): SafeHtml {
  return html`${errorLine(message)}<p class="note">Ask for a new invitation if you still need one.</p>`;
}
