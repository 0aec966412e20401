/**
 * Secrets in stored mail. A reset or invitation link is a credential: mail_messages (and the
 * database's WAL and backups) keep the body with the token cut out and the token itself
 * sealed (AES-256-GCM under ENCRYPTION_KEY) beside it. Delivery over SMTP drops the sealed
 * copy; without SMTP, superusers read the outbox with the token put back, since handing the
 * link on by hand is then the only way it reaches its recipient.
 */
import type { Database } from "../../db/database.js";
import type { Clock } from "../clock.js";
import type { KeyRing } from "../crypto.js";
import type { Logger } from "../logger.js";
import type { MailContent } from "./mail-content.js";

/** The longest a mailed link lives (an invitation's 7 days): after that a sealed secret is dropped. */
export const SECRET_RETENTION_DAYS = 7;

/** What the stored body holds where the secret stood. */
export const SECRET_MARK = "[secret removed]";

/** The mail_messages row for `message`: its secret replaced by the mark, and sealed apart. */
export function sealedRow(message: MailContent, transport: "smtp" | "outbox", ring: KeyRing) {
  const { secret } = message;
  const hide = (body: string) => (secret ? body.replaceAll(secret, SECRET_MARK) : body);
  return {
    to: message.to,
    subject: hide(message.subject),
    text: hide(message.text),
    html: message.html === undefined ? null : hide(message.html),
    transport,
    secretSealed: secret ? ring.encrypt(secret) : null,
  };
}

/** The stored bodies with the secret put back, while it is still held; as stored otherwise. */
export function unsealedBodies(
  row: { id: string; subject: string; text: string; html: string | null; secretSealed: string | null },
  ring: KeyRing,
  logger?: Logger,
): { subject: string; text: string; html: string | null } {
  const stored = { subject: row.subject, text: row.text, html: row.html };
  if (!row.secretSealed) return stored;
  let secret: string;
  try {
    secret = ring.decrypt(row.secretSealed);
  } catch (err) {
    // ENCRYPTION_KEY changed without ENCRYPTION_KEYS_PREVIOUS: show the mark, say why in the log.
    logger?.warn({ err, mailId: row.id }, "cannot unseal a mail secret");
    return stored;
  }
  const show = (body: string) => body.replaceAll(SECRET_MARK, secret);
  return { subject: show(row.subject), text: show(row.text), html: row.html === null ? null : show(row.html) };
}

/** Drops the sealed secrets of messages older than SECRET_RETENTION_DAYS (their links are dead by then). */
export async function dropStaleMailSecrets(deps: { db: Database; clock: Clock }): Promise<{ mailSecrets: number }> {
  const before = new Date(deps.clock.now().getTime() - SECRET_RETENTION_DAYS * 24 * 3600 * 1000);
  const dropped = await deps.db.prisma.mailMessage.updateMany({
    where: { secretSealed: { not: null }, createdAt: { lt: before } },
    data: { secretSealed: null },
  });
  return { mailSecrets: dropped.count };
}
