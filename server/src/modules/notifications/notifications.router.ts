/** The caller's own notification mail choices (notifications.*). */
import { router } from "../../trpc/init.js";
import { authedProcedure } from "../../trpc/procedures.js";
import { notificationPreferencesSchema, updateNotificationPreferencesInput } from "./notifications.schemas.js";
import { getPreferences, updatePreferences } from "./notifications.service.js";

const tags = ["notifications"];

export const notificationsRouter = router({
  getPreferences: authedProcedure
    .meta({ scope: "signed-in" })
    .meta({
      openapi: { method: "GET", path: "/notifications/preferences", tags, summary: "My notification mail choices" },
      description: "Everything is on until turned off.",
    })
    .output(notificationPreferencesSchema)
    .query(({ ctx }) => getPreferences(ctx)),
  updatePreferences: authedProcedure
    .meta({ scope: "interactive" })
    .meta({
      openapi: { method: "PUT", path: "/notifications/preferences", tags, summary: "Change my notification mails" },
      description: "Fields left out keep their value.",
    })
    .input(updateNotificationPreferencesInput)
    .output(notificationPreferencesSchema)
    .mutation(({ ctx, input }) => updatePreferences(ctx, input)),
});
