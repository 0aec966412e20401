/**
 * Outgoing mail behind one interface. With SMTP_URL, messages go out through nodemailer
 * (and are logged in mail_messages); without it, mail_messages is the outbox that the
 * developer panel and admins read.
 */
import { createTransport, type Transporter } from "nodemailer";
import type { Database } from "../../db/database.js";
import type { Logger } from "../logger.js";

export interface MailContent {
  to: string;
  subject: string;
  text: string;
  html?: string;
}

export interface Mailer {
  readonly kind: "smtp" | "outbox";
  send(message: MailContent): Promise<void>;
}

/** Keeps messages in the database only. */
export function outboxMailer(db: Database): Mailer {
  return {
    kind: "outbox",
    async send(message) {
      await db.prisma.mailMessage.create({ data: { ...message, html: message.html ?? null, transport: "outbox" } });
    },
  };
}

/** Sends through SMTP; a delivery failure is recorded and logged, never shown to the requester. */
export function smtpMailer(db: Database, smtpUrl: string, from: string, logger: Logger): Mailer {
  const transport: Transporter = createTransport(smtpUrl);
  return {
    kind: "smtp",
    async send(message) {
      const row = await db.prisma.mailMessage.create({
        data: { ...message, html: message.html ?? null, transport: "smtp" },
      });
      try {
        await transport.sendMail({ from, ...message });
        await db.prisma.mailMessage.update({ where: { id: row.id }, data: { sentAt: new Date() } });
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        logger.error({ err: error, mailId: row.id }, "mail delivery failed");
        await db.prisma.mailMessage.update({ where: { id: row.id }, data: { error: reason.slice(0, 500) } });
      }
    },
  };
}

/** The mailer the configuration asks for. */
export function createMailer(
  db: Database,
  config: { smtpUrl: string | undefined; from: string },
  logger: Logger,
): Mailer {
  return config.smtpUrl ? smtpMailer(db, config.smtpUrl, config.from, logger) : outboxMailer(db);
}
