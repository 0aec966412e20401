/** The OpenAPI description of the Word base routes of report templates (docx-base.http.ts), which are not procedures. */
import { errorRef, type Json, uuidParam } from "../../http/openapi-parts.js";
import { DOCX_CONTENT_TYPE } from "./docx-base.service.js";

const PATH = "/templates/reports/{id}/docx-base";

const orgHeader = {
  name: "X-Organization-Id",
  in: "header",
  required: false,
  description: "The organization whose template it is (none for global templates)",
  schema: { type: "string", format: "uuid" },
};

const template = {
  content: { "application/json": { schema: { $ref: "#/components/schemas/ReportTemplate" } } },
};

export function addDocxBaseRoutes(doc: Json): void {
  const paths = (doc.paths ?? {}) as Record<string, Json>;
  const common = { tags: ["templates"], security: [{ bearerAuth: [] }], parameters: [uuidParam("id"), orgHeader] };
  paths[PATH] = {
    ...(paths[PATH] ?? {}),
    put: {
      ...common,
      operationId: "templates-report-docxBase-upload",
      summary: "Upload the Word base a docx report template renders into (multipart field `file`, .docx)",
      description:
        "Replaces any earlier base. A .docx only: macro-enabled files, files over 10 MiB and files unzipping to more than 64 MiB are refused (field file). Organization templates need an owner or admin; global ones a superuser.",
      requestBody: {
        required: true,
        content: {
          "multipart/form-data": {
            schema: { type: "object", required: ["file"], properties: { file: { type: "string", format: "binary" } } },
          },
        },
      },
      responses: {
        "200": { description: "The template, with its docxBase", ...template },
        "400": errorRef("Invalid upload"),
        "401": errorRef("Not signed in"),
        "403": errorRef("Not allowed, or missing the reports:write scope"),
        "404": errorRef("Report template not found"),
        "413": errorRef("File too large, or unzipping to too much"),
        "415": errorRef("Not a .docx, or macro-enabled"),
        "422": errorRef("The template's format is not docx"),
      },
    },
    get: {
      ...common,
      operationId: "templates-report-docxBase-download",
      summary: "Download a report template's Word base",
      responses: {
        "200": {
          description: "The .docx",
          content: { [DOCX_CONTENT_TYPE]: { schema: { type: "string", format: "binary" } } },
        },
        "401": errorRef("Not signed in"),
        "404": errorRef("Report template not found, or it has no Word base"),
      },
    },
    delete: {
      ...common,
      operationId: "templates-report-docxBase-delete",
      summary: "Remove a report template's Word base",
      responses: {
        "200": { description: "The template, without a docxBase", ...template },
        "401": errorRef("Not signed in"),
        "403": errorRef("Not allowed, or missing the reports:write scope"),
        "404": errorRef("Report template not found, or it has no Word base"),
      },
    },
  };
  doc.paths = paths;
}
