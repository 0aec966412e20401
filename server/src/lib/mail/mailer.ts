/**
 * Outgoing mail behind one interface. With SMTP_URL, messages go out through nodemailer
 * (and are logged in mail_messages); without it, mail_messages is the outbox that the
 * developer panel and admins read.
 */
import { createTransport, type Transporter } from "nodemailer";
import type { Database } from "../../db/database.js";
import type { Prisma } from "../../generated/prisma/client.js";
import type { Logger } from "../logger.js";

export interface MailContent {
  to: string;
  subject: string;
  text: string;
  html?: string;
}

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

function rowOf(message: MailContent, transport: Mailer["kind"]) {
  return { to: message.to, subject: message.subject, text: message.text, html: message.html ?? null, transport };
}

/** Keeps messages in the database only. */
export function outboxMailer(db: Database): Mailer {
  const mailer: Mailer = {
    kind: "outbox",
    async send(message) {
      await mailer.enqueue(db.prisma, message);
    },
    async enqueue(tx, message) {
      const row = await tx.mailMessage.create({ data: rowOf(message, "outbox") });
      return { id: row.id, deliver: async () => undefined };
    },
  };
  return mailer;
}

/** Sends through SMTP; a delivery failure is recorded and logged, never shown to the requester. */
export function smtpMailer(db: Database, smtpUrl: string, from: string, logger: Logger): Mailer {
  const transport: Transporter = createTransport(smtpUrl);

  async function deliver(id: string, message: MailContent): Promise<void> {
    try {
      await transport.sendMail({ from, ...message });
      await db.prisma.mailMessage.update({ where: { id }, data: { sentAt: new Date() } });
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
      const row = await tx.mailMessage.create({ data: rowOf(message, "smtp") });
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
): Mailer {
  return config.smtpUrl ? smtpMailer(db, config.smtpUrl, config.from, logger) : outboxMailer(db);
}
