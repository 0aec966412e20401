/** Ingested alerts and their matches to activities (alerts.*); the ingestion itself is POST /api/v1/ingest/alerts. */
import { router } from "../../trpc/init.js";
import { orgRoute } from "../../trpc/org-route.js";
import { orgProcedure } from "../../trpc/procedures.js";
import { getAlert, linkMatch, listAlerts, unlinkMatch } from "./alert-review.service.js";
import { alertIdInput, alertPageSchema, alertSchema, listAlertsInput, matchIdInput } from "./alerts.schemas.js";

const tags = ["alerts"];

export const alertsRouter = router({
  list: orgProcedure
    .meta({ scope: "activities:read" })
    .meta(
      orgRoute(
        tags,
        "GET",
        "/alerts",
        "Ingested alerts, newest first",
        "Filtered by assessment or activity (what you read); owners and admins may list every alert.",
      ),
    )
    .input(listAlertsInput)
    .output(alertPageSchema)
    .query(({ ctx, input }) => listAlerts(ctx, input)),
  get: orgProcedure
    .meta({ scope: "activities:read" })
    .meta(orgRoute(tags, "GET", "/alerts/{id}", "One ingested alert with its matches"))
    .input(alertIdInput)
    .output(alertSchema)
    .query(({ ctx, input }) => getAlert(ctx, input.id)),
  link: orgProcedure
    .meta({ scope: "activities:write" })
    .meta(
      orgRoute(
        tags,
        "POST",
        "/alerts/matches/{matchId}/link",
        "Accept a suggested match",
        "Blue or the lead: the alert fills its control's outcome, detection time, severity and rule name on the activity.",
      ),
    )
    .input(matchIdInput)
    .output(alertSchema)
    .mutation(({ ctx, input }) => linkMatch(ctx, input.matchId)),
  unlink: orgProcedure
    .meta({ scope: "activities:write" })
    .meta(
      orgRoute(
        tags,
        "POST",
        "/alerts/matches/{matchId}/unlink",
        "Undo or reject a match",
        "Blue or the lead: a linked or applied match restores the control's values from before it; a suggestion is rejected.",
      ),
    )
    .input(matchIdInput)
    .output(alertSchema)
    .mutation(({ ctx, input }) => unlinkMatch(ctx, input.matchId)),
});
