import { z } from "zod";

export const notificationPreferencesSchema = z
  .object({
    waitingBlue: z
      .boolean()
      .describe("A digest mail of activities that started waiting for you as blue (every NOTIFICATION_DIGEST_SECONDS)"),
    evaluated: z.boolean().describe("A mail when an activity where you are red or lead is evaluated"),
  })
  .meta({ id: "NotificationPreferences" });
export type NotificationPreferences = z.infer<typeof notificationPreferencesSchema>;

export const updateNotificationPreferencesInput = notificationPreferencesSchema.partial();
export type UpdateNotificationPreferencesInput = z.infer<typeof updateNotificationPreferencesInput>;
