/** The OpenAPI 3.1 document of the REST door, generated from the router's `openapi` metadata. */
import type { AnyRouter } from "@trpc/server";
import { generateOpenApiDocument } from "trpc-to-openapi";

type Json = Record<string, unknown>;

const errorResponseSchema = {
  type: "object",
  required: ["success", "errors", "requestId"],
  properties: {
    success: { type: "boolean", const: false },
    errors: {
      type: "array",
      items: {
        type: "object",
        required: ["code", "message", "field"],
        properties: {
          code: { type: "string", description: "Stable error code, e.g. VALIDATION, NOT_FOUND, RATE_LIMITED" },
          message: { type: "string" },
          field: { type: ["string", "null"], description: "Dotted path of the input field at fault" },
        },
      },
    },
    requestId: { type: "string", description: "Correlation id, also in the X-Request-ID header" },
  },
};

// trpc-to-openapi describes errors in its own body shape; Assay answers in its REST error
// shape, so every error response points at that one schema instead.
function useAssayErrorShape(doc: Json): void {
  const paths = (doc.paths ?? {}) as Record<string, Record<string, Json>>;
  for (const operations of Object.values(paths)) {
    for (const operation of Object.values(operations)) {
      const responses = (operation.responses ?? {}) as Record<string, Json>;
      for (const [status, response] of Object.entries(responses)) {
        if (status === "default" || Number(status) >= 400) {
          response.content = { "application/json": { schema: { $ref: "#/components/schemas/ErrorResponse" } } };
        }
      }
    }
  }
  const components = (doc.components ?? {}) as Json;
  components.schemas = { ...((components.schemas as Json) ?? {}), ErrorResponse: errorResponseSchema };
  doc.components = components;
}

const errorRef = (description: string) => ({
  description,
  content: { "application/json": { schema: { $ref: "#/components/schemas/ErrorResponse" } } },
});

// The evidence routes are plain Hono routes (multipart upload, file download), not
// procedures, so the bridge cannot describe them; they are added by hand.
function addEvidenceRoutes(doc: Json): void {
  const paths = (doc.paths ?? {}) as Record<string, Json>;
  const orgHeader = {
    name: "X-Organization-Id",
    in: "header",
    required: true,
    schema: { type: "string", format: "uuid" },
    description: "The organization to act in",
  };
  const idParam = (name: string) => ({ name, in: "path", required: true, schema: { type: "string", format: "uuid" } });
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

/** Builds the document once; `baseUrl` is where /api/v1 is served. */
export function buildOpenApiDocument(router: AnyRouter, version: string, baseUrl: string): Json {
  const doc = generateOpenApiDocument(router, {
    title: "Assay API",
    description:
      "Purple-team assessment platform. Every operation here is also a tRPC procedure at /trpc. Errors share one shape: `{ success: false, errors: [{ code, message, field }], requestId }`.",
    version,
    baseUrl,
    securitySchemes: { bearerAuth: { type: "http", scheme: "bearer", bearerFormat: "JWT" } },
  }) as unknown as Json;
  useAssayErrorShape(doc);
  addEvidenceRoutes(doc);
  return doc;
}
