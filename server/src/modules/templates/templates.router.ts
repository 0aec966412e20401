/** templates.*: every template kind, plus sharing them as a YAML document (export, import). */
import { z } from "zod";
import { router } from "../../trpc/init.js";
import { activityTemplatesRouter } from "./activity-templates.router.js";
import { evaluationTemplatesRouter, reportTemplatesRouter } from "./document-templates.router.js";
import { campaignTemplatesRouter, groupTemplatesRouter } from "./sequence-templates.router.js";
import { templateProcedure, templateRoute } from "./template-scope.js";
import { exportTemplates } from "./templates-export.service.js";
import { importTemplates } from "./templates-import.service.js";
import { exportTemplatesInput, importReportSchema, importTemplatesInput } from "./templates-transfer.schemas.js";

export const templatesRouter = router({
  activity: activityTemplatesRouter,
  activityGroup: groupTemplatesRouter,
  campaign: campaignTemplatesRouter,
  evaluation: evaluationTemplatesRouter,
  report: reportTemplatesRouter,
  export: templateProcedure
    .meta({ scope: "assessments:read" })
    .meta(
      templateRoute(
        "GET",
        "/templates/export",
        "Templates as a YAML document (format: assay.templates, version: 1)",
        "Members of exported group and campaign templates are included, so the document stands alone.",
      ),
    )
    .input(exportTemplatesInput)
    .output(z.string().describe("YAML text"))
    .query(({ ctx, input }) => exportTemplates(ctx, input)),
  import: templateProcedure
    .meta({ scope: "assessments:write" })
    .meta(
      templateRoute(
        "POST",
        "/templates/import",
        "Import a YAML templates document",
        "All or nothing: every problem is reported (field yaml.<path>, with line and column) and nothing is written unless the document is valid. Entries match existing templates by id, then name, so importing twice changes nothing. Organization scope needs an owner or admin; global a superuser.",
      ),
    )
    .input(importTemplatesInput)
    .output(importReportSchema)
    .mutation(({ ctx, input }) => importTemplates(ctx, input)),
});
