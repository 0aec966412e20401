/** The OpenAPI description of the report download route (reports.http.ts), which is not a procedure. */
import { errorRef, type Json, orgHeader, uuidParam } from "../../http/openapi-parts.js";
import { REPORT_CONTENT_TYPES } from "./reports.schemas.js";

export function addReportRoutes(doc: Json): void {
  const paths = (doc.paths ?? {}) as Record<string, Json>;
  const binary = { schema: { type: "string", format: "binary" } };
  paths["/reports/{id}/download"] = {
    ...(paths["/reports/{id}/download"] ?? {}),
    get: {
      operationId: "reports-download",
      summary: "Download a completed report (attachment)",
      tags: ["reports"],
      security: [{ bearerAuth: [] }],
      parameters: [uuidParam("id"), orgHeader],
      responses: {
        "200": {
          description: "The report file",
          content: Object.fromEntries(Object.values(REPORT_CONTENT_TYPES).map((type) => [type.split(";")[0], binary])),
        },
        "401": errorRef("Not signed in"),
        "403": errorRef("Missing the reports:read scope"),
        "404": errorRef("Report not found"),
        "409": errorRef("The report is not completed"),
      },
    },
  };
  doc.paths = paths;
}
