/** Reading mail in tests the way a superuser does (admin.mail.list's reader), waiting for background sends. */
import { vi } from "vitest";
import { listOutbox, type MailMessage } from "../lib/mail/outbox.js";
import type { Harness } from "./harness.js";

/** Mail to `to`, oldest first, once at least `count` messages arrived (waits up to 30 s: a loaded machine is slower, not broken). */
export async function waitForMails(h: Pick<Harness, "deps">, to: string, count = 1): Promise<MailMessage[]> {
  return vi.waitFor(
    async () => {
      const mails = await listOutbox(h.deps, { to, limit: 200 });
      if (mails.length < count) throw new Error(`${mails.length} of ${count} mails to ${to} so far`);
      return mails.reverse();
    },
    { timeout: 30_000, interval: 20 },
  );
}

/** The newest mail to `to`, waiting for the first one if none arrived yet. */
export async function waitForMail(h: Pick<Harness, "deps">, to: string, count = 1): Promise<MailMessage> {
  return (await waitForMails(h, to, count)).at(-1) as MailMessage;
}
