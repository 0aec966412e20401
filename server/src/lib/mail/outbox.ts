/** Reading mail_messages: the outbox superusers look at (admin.mail.list, the developer panel). */
import { z } from "zod";
import type { Database } from "../../db/database.js";
import type { KeyRing } from "../crypto.js";
import type { Logger } from "../logger.js";
import { unsealedBodies } from "./sealed-secret.js";

export const OUTBOX_MAX_LIMIT = 200;

export const outboxInput = z.object({
  to: z.string().trim().max(254).optional(),
  limit: z.number().int().min(1).max(OUTBOX_MAX_LIMIT).default(50),
});

export const mailMessageSchema = z
  .object({
    id: z.uuid(),
    createdAt: z.iso.datetime(),
    to: z.string(),
    subject: z.string(),
    text: z.string().describe("The link's token is restored while the server still holds it sealed (see README: Mail)"),
    html: z.string().nullable(),
    secretHeld: z
      .boolean()
      .describe(
        "True while the message's secret is kept sealed (outbox, or SMTP not yet delivered); false once dropped",
      ),
    transport: z.string().describe("outbox (kept here only) or smtp"),
    sentAt: z.iso.datetime().nullable(),
    error: z.string().nullable(),
  })
  .meta({ id: "MailMessage" });

export type MailMessage = z.infer<typeof mailMessageSchema>;

/** The newest messages first, optionally only those to one address, with their secrets unsealed. */
export async function listOutbox(
  deps: { db: Database; auth: { ring: KeyRing }; logger?: Logger },
  options: { to?: string | undefined; limit: number },
): Promise<MailMessage[]> {
  const { db } = deps;
  const limit = Math.min(Math.max(Math.trunc(options.limit), 1), OUTBOX_MAX_LIMIT);
  const rows = await db.prisma.mailMessage.findMany({
    // Accounts' addresses are stored lower-cased, so an exact match on the lowered input uses the index.
    where: options.to ? { to: options.to.trim().toLowerCase() } : {},
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: limit,
  });
  return rows.map((row) => ({
    id: row.id,
    createdAt: row.createdAt.toISOString(),
    to: row.to,
    ...unsealedBodies(row, deps.auth.ring, deps.logger),
    secretHeld: row.secretSealed !== null,
    transport: row.transport,
    sentAt: row.sentAt?.toISOString() ?? null,
    error: row.error,
  }));
}
