/** Statistics (statistics.*): of one assessment, or of the organization's readable assessments. */
import { costlyRead } from "../../trpc/costly-reads.js";
import { router } from "../../trpc/init.js";
import { orgRoute } from "../../trpc/org-route.js";
import { orgProcedure } from "../../trpc/procedures.js";
import {
  assessmentStatisticsInput,
  assessmentStatisticsSchema,
  organizationStatisticsInput,
  organizationStatisticsSchema,
} from "./statistics.schemas.js";
import { assessmentStatistics, organizationStatistics } from "./statistics.service.js";

const tags = ["statistics"];

export const statisticsRouter = router({
  assessment: orgProcedure
    .meta({ scope: "statistics:read" })
    .use(costlyRead)
    .meta(
      orgRoute(
        tags,
        "GET",
        "/assessments/{assessmentId}/statistics",
        "Statistics of an assessment",
        "Activities by status, coverage per evaluation category, prevention and detection rates overall, per tactic and per technique, mean times to detect and to notify, severity accuracy, and a technique matrix for a heatmap. Anyone on the assessment.",
      ),
    )
    .input(assessmentStatisticsInput)
    .output(assessmentStatisticsSchema)
    .query(({ ctx, input }) => assessmentStatistics(ctx, input)),
  organization: orgProcedure
    .meta({ scope: "statistics:read" })
    .use(costlyRead)
    .meta(
      orgRoute(
        tags,
        "GET",
        "/statistics",
        "Statistics over the organization's assessments the caller may read",
        "The same figures as an assessment's, over every live assessment the caller may read (owners and admins: all), with a summary per assessment. from/to bound the activities by execution time (creation time for those not executed yet).",
      ),
    )
    .input(organizationStatisticsInput)
    .output(organizationStatisticsSchema)
    .query(({ ctx, input }) => organizationStatistics(ctx, input)),
});
