/** The OpenAPI description of the evidence routes that are not procedures (evidence.http.ts). */
import { errorRef, type Json, orgHeader, uuidParam } from "../../http/openapi-parts.js";

// The evidence routes are plain Hono routes (multipart upload, file download), not
// procedures, so the bridge cannot describe them; they are added by hand.
export function addEvidenceRoutes(doc: Json): void {
  const paths = (doc.paths ?? {}) as Record<string, Json>;
  const idParam = (name: string) => uuidParam(name);
  paths["/activities/{id}/evidence"] = {
    ...(paths["/activities/{id}/evidence"] ?? {}),
    post: {
      operationId: "evidence-upload",
      summary: "Attach a file to an activity (multipart field `file`)",
      tags: ["evidence"],
      security: [{ bearerAuth: [] }],
      parameters: [idParam("id"), orgHeader],
      requestBody: {
        required: true,
        content: {
          "multipart/form-data": {
            schema: { type: "object", required: ["file"], properties: { file: { type: "string", format: "binary" } } },
          },
        },
      },
      responses: {
        "201": {
          description: "Stored",
          content: { "application/json": { schema: { $ref: "#/components/schemas/Evidence" } } },
        },
        "400": errorRef("Invalid upload"),
        "401": errorRef("Not signed in"),
        "403": errorRef("Not allowed"),
        "404": errorRef("Activity not found"),
        "413": errorRef("File too large (EVIDENCE_MAX_BYTES)"),
        "415": errorRef("File type not allowed (EVIDENCE_ALLOWED_TYPES)"),
      },
    },
  };
  paths["/evidence/{id}"] = {
    ...(paths["/evidence/{id}"] ?? {}),
    get: {
      operationId: "evidence-download",
      summary: "Download an evidence file",
      tags: ["evidence"],
      security: [{ bearerAuth: [] }],
      parameters: [idParam("id"), orgHeader],
      responses: {
        "200": {
          description: "The file",
          content: { "application/octet-stream": { schema: { type: "string", format: "binary" } } },
        },
        "401": errorRef("Not signed in"),
        "404": errorRef("Evidence not found"),
      },
    },
  };
  doc.paths = paths;
}
