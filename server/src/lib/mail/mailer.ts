/**
 * Outgoing mail behind one interface. With SMTP_URL, messages go out through nodemailer
 * (and are logged in mail_messages); without it, mail_messages is the outbox that
 * superusers read. A message's secret (the token in a reset or invitation link) is never
 * stored in the clear: see sealed-secret.ts.
 */
import type { Transporter } from "nodemailer";
import type { Database } from "../../db/database.js";
import type { Prisma } from "../../generated/prisma/client.js";
import type { KeyRing } from "../crypto.js";
import type { Logger } from "../logger.js";
import type { MailContent } from "./mail-content.js";
import { sealedRow } from "./sealed-secret.js";

export type { MailContent } from "./mail-content.js";

/** Anything that can write a mail_messages row: the client, or a transaction client. */
export type MailWriter = { mailMessage: Pick<Prisma.TransactionClient["mailMessage"], "create"> };

/** A message recorded in mail_messages, waiting to be handed to the transport. */
export interface QueuedMail {
  id: string;
  /** Hands the message to the transport; never throws (a failure is recorded on the row and logged). */
  deliver(): Promise<void>;
}

export interface Mailer {
  readonly kind: "smtp" | "outbox";
  send(message: MailContent): Promise<void>;
  /**
   * Records `message` through `tx`, so it commits or rolls back with the change that caused
   * it; call `deliver()` on the result after the commit.
   */
  enqueue(tx: MailWriter, message: MailContent): Promise<QueuedMail>;
}

/** Keeps messages in the database only; superusers read them (secrets unsealed) through admin.mail.list. */
export function outboxMailer(db: Database, ring: KeyRing): Mailer {
  const mailer: Mailer = {
    kind: "outbox",
    async send(message) {
      await mailer.enqueue(db.prisma, message);
    },
    async enqueue(tx, message) {
      const row = await tx.mailMessage.create({ data: sealedRow(message, "outbox", ring) });
      return { id: row.id, deliver: async () => undefined };
    },
  };
  return mailer;
}

/** Sends through SMTP; a delivery failure is recorded and logged, never shown to the requester. */
export function smtpMailer(db: Database, smtpUrl: string, from: string, logger: Logger, ring: KeyRing): Mailer {
  // nodemailer is loaded with the first message, not by every start of the server.
  let transport: Promise<Transporter> | undefined;
  const smtp = () => {
    transport ??= import("nodemailer").then(({ createTransport }) => createTransport(smtpUrl));
    return transport;
  };

  async function deliver(id: string, message: MailContent): Promise<void> {
    const { secret: _secret, ...content } = message;
    try {
      await (await smtp()).sendMail({ from, ...content });
      // Handed over: the sealed copy of the secret has no further use here.
      await db.prisma.mailMessage.update({ where: { id }, data: { sentAt: new Date(), secretSealed: null } });
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      logger.error({ err: error, mailId: id }, "mail delivery failed");
      // Recording the failure may fail too (database gone): the log line above is then all there is.
      await db.prisma.mailMessage
        .update({ where: { id }, data: { error: reason.slice(0, 500) } })
        .catch((err: unknown) => logger.error({ err, mailId: id }, "could not record mail failure"));
    }
  }

  const mailer: Mailer = {
    kind: "smtp",
    async send(message) {
      const queued = await mailer.enqueue(db.prisma, message);
      await queued.deliver();
    },
    async enqueue(tx, message) {
      const row = await tx.mailMessage.create({ data: sealedRow(message, "smtp", ring) });
      return { id: row.id, deliver: () => deliver(row.id, message) };
    },
  };
  return mailer;
}

/** The mailer the configuration asks for. */
export function createMailer(
  db: Database,
  config: { smtpUrl: string | undefined; from: string },
  logger: Logger,
  ring: KeyRing,
): Mailer {
  return config.smtpUrl ? smtpMailer(db, config.smtpUrl, config.from, logger, ring) : outboxMailer(db, ring);
}
