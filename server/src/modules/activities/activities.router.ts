/**
 * Activities (activities.*): planning by the lead, the red/blue workflow, evaluation,
 * ordering, history and comments (activities.comments.*).
 */
import { router } from "../../trpc/init.js";
import { orgRoute } from "../../trpc/org-route.js";
import { orgProcedure } from "../../trpc/procedures.js";
import {
  activityIdInput,
  activityPageSchema,
  activitySchema,
  createActivityInput,
  evaluateInput,
  historyInput,
  historyPageSchema,
  listActivitiesInput,
  moveActivityInput,
  transitionInput,
  updateActivityInput,
  updateBlueInput,
  updateRedInput,
} from "./activities.schemas.js";
import {
  activityHistory,
  createActivity,
  deleteActivity,
  getActivity,
  listActivities,
  moveActivity,
  updateActivity,
} from "./activities.service.js";
import {
  commentIdInput,
  commentPageSchema,
  commentSchema,
  createCommentInput,
  listCommentsInput,
} from "./activity-comments.schemas.js";
import { createComment, deleteComment, listComments } from "./activity-comments.service.js";
import { evaluateActivity, transitionActivity, updateBlue, updateRed } from "./activity-workflow.service.js";

const tags = ["activities"];

const commentsRouter = router({
  list: orgProcedure
    .meta({ scope: "activities:read" })
    .meta(orgRoute(tags, "GET", "/activities/{activityId}/comments", "Comments on an activity, oldest first"))
    .input(listCommentsInput)
    .output(commentPageSchema)
    .query(({ ctx, input }) => listComments(ctx, input)),
  create: orgProcedure
    .meta({ scope: "activities:write" })
    .meta(orgRoute(tags, "POST", "/activities/{activityId}/comments", "Comment on an activity", "Lead, red and blue."))
    .input(createCommentInput)
    .output(commentSchema)
    .mutation(({ ctx, input }) => createComment(ctx, input)),
  delete: orgProcedure
    .meta({ scope: "activities:write" })
    .meta(orgRoute(tags, "DELETE", "/activities/comments/{id}", "Delete a comment", "The author's own; the lead any."))
    .input(commentIdInput)
    .output(commentSchema)
    .mutation(({ ctx, input }) => deleteComment(ctx, input.id)),
});

export const activitiesRouter = router({
  create: orgProcedure
    .meta({ scope: "activities:write" })
    .meta(
      orgRoute(tags, "POST", "/assessments/{assessmentId}/activities", "Plan an activity (lead)", "Added at the end."),
    )
    .input(createActivityInput)
    .output(activitySchema)
    .mutation(({ ctx, input }) => createActivity(ctx, input)),
  list: orgProcedure
    .meta({ scope: "activities:read" })
    .meta(
      orgRoute(
        tags,
        "GET",
        "/assessments/{assessmentId}/activities",
        "Activities of an assessment in order, with tags and target assets",
      ),
    )
    .input(listActivitiesInput)
    .output(activityPageSchema)
    .query(({ ctx, input }) => listActivities(ctx, input)),
  get: orgProcedure
    .meta({ scope: "activities:read" })
    .meta(orgRoute(tags, "GET", "/activities/{id}", "One activity"))
    .input(activityIdInput)
    .output(activitySchema)
    .query(({ ctx, input }) => getActivity(ctx, input.id)),
  update: orgProcedure
    .meta({ scope: "activities:write" })
    .meta(
      orgRoute(
        tags,
        "PATCH",
        "/activities/{id}",
        "Edit the plan: title, description, group, tactic, techniques, tags, assets, knowledge-base links (lead)",
      ),
    )
    .input(updateActivityInput)
    .output(activitySchema)
    .mutation(({ ctx, input }) => updateActivity(ctx, input)),
  updateRed: orgProcedure
    .meta({ scope: "activities:write" })
    .meta(
      orgRoute(
        tags,
        "PATCH",
        "/activities/{id}/red",
        "Record what red ran and expected",
        "Red while the activity is planned or waits for red; the lead any time.",
      ),
    )
    .input(updateRedInput)
    .output(activitySchema)
    .mutation(({ ctx, input }) => updateRed(ctx, input)),
  updateBlue: orgProcedure
    .meta({ scope: "activities:write" })
    .meta(
      orgRoute(
        tags,
        "PATCH",
        "/activities/{id}/blue",
        "Record what blue saw",
        "Blue while the activity waits for blue; the lead any time.",
      ),
    )
    .input(updateBlueInput)
    .output(activitySchema)
    .mutation(({ ctx, input }) => updateBlue(ctx, input)),
  transition: orgProcedure
    .meta({ scope: "activities:write" })
    .meta(
      orgRoute(
        tags,
        "POST",
        "/activities/{id}/transition",
        "Move along the workflow",
        "planned -> waiting_red -> waiting_blue -> evaluated, or skipped (lead) from any state but evaluated. Red hands over to blue; the lead may also step back. Out-of-order moves answer 409 CONFLICT on `to`.",
      ),
    )
    .input(transitionInput)
    .output(activitySchema)
    .mutation(({ ctx, input }) => transitionActivity(ctx, input)),
  evaluate: orgProcedure
    .meta({ scope: "activities:write" })
    .meta(
      orgRoute(
        tags,
        "POST",
        "/activities/{id}/evaluate",
        "Score the activity per category (lead)",
        "Computes pass/fail/na for prevention, detection, logging, notification and severity from red's expectations and blue's outcome; overrides need a reason. Moves waiting_blue to evaluated.",
      ),
    )
    .input(evaluateInput)
    .output(activitySchema)
    .mutation(({ ctx, input }) => evaluateActivity(ctx, input)),
  move: orgProcedure
    .meta({ scope: "activities:write" })
    .meta(
      orgRoute(
        tags,
        "POST",
        "/activities/{id}/move",
        "Reorder an activity (lead)",
        "Send beforeId or afterId; neither moves it to the end.",
      ),
    )
    .input(moveActivityInput)
    .output(activitySchema)
    .mutation(({ ctx, input }) => moveActivity(ctx, input)),
  delete: orgProcedure
    .meta({ scope: "activities:write" })
    .meta(orgRoute(tags, "DELETE", "/activities/{id}", "Delete an activity (lead)"))
    .input(activityIdInput)
    .output(activitySchema)
    .mutation(({ ctx, input }) => deleteActivity(ctx, input.id)),
  history: orgProcedure
    .meta({ scope: "activities:read" })
    .meta(orgRoute(tags, "GET", "/activities/{id}/history", "Every field change of an activity, newest first"))
    .input(historyInput)
    .output(historyPageSchema)
    .query(({ ctx, input }) => activityHistory(ctx, input)),
  comments: commentsRouter,
});
