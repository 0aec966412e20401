/** Pieces every hand-written OpenAPI description shares (for routes that are not procedures). */
export type Json = Record<string, unknown>;

/** An error response in Assay's REST error shape. */
export const errorRef = (description: string) => ({
  description,
  content: { "application/json": { schema: { $ref: "#/components/schemas/ErrorResponse" } } },
});

/** The X-Organization-Id header of org-scoped routes. */
export const orgHeader = {
  name: "X-Organization-Id",
  in: "header",
  required: true,
  schema: { type: "string", format: "uuid" },
  description: "The organization to act in",
};

/** A UUID path parameter. */
export const uuidParam = (name: string, description?: string) => ({
  name,
  in: "path",
  required: true,
  schema: { type: "string", format: "uuid" },
  ...(description ? { description } : {}),
});

/** Adds one route description to a document (paths relative to /api/v1). */
export type RouteDocs = (doc: Json) => void;
