/** The OpenAPI 3.1 document of the REST door, generated from the router's `openapi` metadata. */
import type { AnyRouter } from "@trpc/server";
import { generateOpenApiDocument } from "trpc-to-openapi";
import type { Json, RouteDocs } from "./openapi-parts.js";
import { restRoutesOf } from "./upstream-shim.js";

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

// Routes whose path names a file answer the file itself (meta.download), not a JSON object.
function describeFileRoutes(doc: Json, router: AnyRouter): void {
  const paths = (doc.paths ?? {}) as Record<string, Record<string, Json>>;
  for (const route of restRoutesOf(router)) {
    const download = route.procedure.meta?.download;
    const ok = (paths[route.path]?.[route.method.toLowerCase()]?.responses as Record<string, Json> | undefined)?.[
      "200"
    ];
    if (!download || !ok) continue;
    const described = (ok.content as Record<string, Json> | undefined)?.["application/json"]?.schema;
    const schema = download.contentType === "application/json" && described ? described : { type: "string" };
    ok.content = { [download.contentType]: { schema } };
    ok.headers = {
      "Content-Disposition": {
        description: 'attachment; filename="<name>" (the file\'s suggested name)',
        schema: { type: "string" },
      },
    };
  }
}

/**
 * Builds the document once; `baseUrl` is where /api/v1 is served; `routeDocs` describe the
 * routes that are not procedures (each module that mounts such routes supplies its own).
 */
export function buildOpenApiDocument(
  router: AnyRouter,
  version: string,
  baseUrl: string,
  routeDocs: RouteDocs[] = [],
): Json {
  const doc = generateOpenApiDocument(router, {
    title: "Assay API",
    description:
      "Purple-team assessment platform. Every operation here is also a tRPC procedure at /trpc. Errors share one shape: `{ success: false, errors: [{ code, message, field }], requestId }`.",
    version,
    baseUrl,
    securitySchemes: { bearerAuth: { type: "http", scheme: "bearer", bearerFormat: "JWT" } },
  }) as unknown as Json;
  useAssayErrorShape(doc);
  describeFileRoutes(doc, router);
  for (const describe of routeDocs) describe(doc);
  return doc;
}
