/** A person's own notification mail choices (everything on until they turn something off). */
import type { SignedInContext } from "../../identity/contexts.js";
import { defined } from "../../lib/defined.js";
import type { NotificationPreferences, UpdateNotificationPreferencesInput } from "./notifications.schemas.js";

type PrefCtx = Pick<SignedInContext, "db" | "user">;

const DEFAULTS: NotificationPreferences = { waitingBlue: true, evaluated: true };

/** The caller's preferences. */
export async function getPreferences(ctx: PrefCtx): Promise<NotificationPreferences> {
  const row = await ctx.db.prisma.notificationPreference.findUnique({ where: { userId: ctx.user.id } });
  return row ? { waitingBlue: row.waitingBlue, evaluated: row.evaluated } : DEFAULTS;
}

/** Changes the fields given; the others keep their value. */
export async function updatePreferences(
  ctx: PrefCtx,
  input: UpdateNotificationPreferencesInput,
): Promise<NotificationPreferences> {
  const changes = defined({ waitingBlue: input.waitingBlue, evaluated: input.evaluated });
  const row = await ctx.db.prisma.notificationPreference.upsert({
    where: { userId: ctx.user.id },
    create: { userId: ctx.user.id, ...DEFAULTS, ...changes },
    update: changes,
  });
  return { waitingBlue: row.waitingBlue, evaluated: row.evaluated };
}
