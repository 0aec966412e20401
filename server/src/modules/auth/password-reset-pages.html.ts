/** The markup of the password-reset page: the new-password form and its outcomes. */
import { errorLine, field, hidden, html, type SafeHtml } from "../../lib/pages/page-html.js";

/** Choose a new password (twice); `error` says why the last try was refused. */
export function newPasswordForm(v: { token: string; csrf: string; error?: string | undefined }): SafeHtml {
  return html`<p>Choose a new password for your Assay account: 12 characters or more, hard to guess (a few unrelated words work well).</p>
${errorLine(v.error)}
<form method="post" action="reset-password">${hidden("token", v.token)}${hidden("csrf", v.csrf)}
${field("New password", "newPassword", "password", "new-password")}
${field("The same again", "confirmPassword", "password", "new-password")}
<button type="submit">Set the new password</button></form>
<p class="note">Every device signed in to your account will be signed out.</p>`;
}

/** The password was changed. */
export function passwordChanged(appUrl: string): SafeHtml {
  return html`<p>Your password was changed and every session was signed out. Sign in with the new password.</p>
<p><a href="${appUrl}" rel="noreferrer">Open Assay</a></p>`;
}

/** A link that cannot be used (malformed, unknown, used, expired). */
export function resetLinkProblem(message: string): SafeHtml {
  return html`${errorLine(message)}<p class="note">Ask for a new link from the sign-in page (“Forgot password”).</p>`;
}
