/**
 * The OpenAPI description of the execution routes that are not procedures (executions.http.ts):
 * start through the tool, cancel with DELETE, the text/plain output and the SSE stream.
 */
import { errorRef, type Json, orgHeader, uuidParam } from "../../http/openapi-parts.js";

const idParam = (description: string) => uuidParam("id", description);
const common = { tags: ["executions"], security: [{ bearerAuth: [] }] };
const refusals = {
  "401": errorRef("Not signed in"),
  "403": errorRef("Not allowed (or the credential lacks executions:run)"),
  "404": errorRef("Not found, or in another organization"),
};

const startBody = {
  type: "object",
  properties: {
    parameters: {
      type: "object",
      description:
        "Values for the tool's parameter schema; for the built-in Atomic Red Team tool { templateId, inputArguments }",
      additionalProperties: true,
    },
    assessmentId: { type: "string", format: "uuid", description: "Run for this assessment (red or lead on it)" },
    activityId: {
      type: "string",
      format: "uuid",
      description: "Run for this activity (its red fields fill themselves)",
    },
    timeoutSeconds: { type: "integer", minimum: 1, maximum: 86400 },
    workerLabels: { type: "array", items: { type: "string" }, description: "Labels the worker must have" },
    organizationId: { type: "string", format: "uuid" },
  },
  additionalProperties: false,
};

/** Adds the execution routes to `doc` (paths relative to /api/v1). */
export function addExecutionRoutes(doc: Json): void {
  const paths = (doc.paths ?? {}) as Record<string, Json>;
  paths["/tools/{id}/execute"] = {
    post: {
      ...common,
      operationId: "executions-start-via-tool",
      summary: "Run a tool (executions.start): red or lead on the assessment, or an owner or admin without one",
      parameters: [idParam("The tool"), orgHeader],
      requestBody: { required: false, content: { "application/json": { schema: startBody } } },
      responses: {
        "202": {
          description: "Accepted: the execution will reach a final status",
          content: {
            "application/json": {
              schema: {
                type: "object",
                required: ["id", "status"],
                properties: { id: { type: "string", format: "uuid" }, status: { type: "string", enum: ["pending"] } },
              },
            },
          },
        },
        "400": errorRef("Invalid parameters (VALIDATION names the parameter)"),
        ...refusals,
        "422": errorRef("No runner with the wanted labels is available, or the test cannot run"),
        "503": errorRef("The job queue (Redis) is unavailable"),
      },
    },
  };
  paths["/executions/{id}"] = {
    ...(paths["/executions/{id}"] ?? {}),
    delete: {
      ...common,
      operationId: "executions-cancel-delete",
      summary: "Cancel an execution (like POST /executions/{id}/cancel)",
      parameters: [idParam("The execution"), orgHeader],
      responses: {
        "200": {
          description: "The execution after cancelling",
          content: { "application/json": { schema: { $ref: "#/components/schemas/Execution" } } },
        },
        ...refusals,
        "409": errorRef("It already ended"),
      },
    },
  };
  paths["/executions/{id}/output"] = {
    get: {
      ...common,
      operationId: "executions-output-text",
      summary: "The captured output, as text",
      parameters: [idParam("The execution"), orgHeader],
      responses: {
        "200": {
          description: "Everything captured so far (headers X-Execution-Status and X-Output-Truncated)",
          content: { "text/plain": { schema: { type: "string" } } },
        },
        ...refusals,
      },
    },
  };
  paths["/executions/{id}/stream"] = {
    get: {
      ...common,
      operationId: "executions-stream-sse",
      summary: "Live output as Server-Sent Events",
      description:
        "One `output` event per chunk (`id:` = chunk number; data `{ seq, stream, data }`), then one `status` event with the final execution. Send `Last-Event-ID` (or ?lastEventId=) to resume after a chunk.",
      parameters: [
        idParam("The execution"),
        orgHeader,
        { name: "Last-Event-ID", in: "header", required: false, schema: { type: "string" } },
      ],
      responses: {
        "200": { description: "The event stream", content: { "text/event-stream": { schema: { type: "string" } } } },
        ...refusals,
      },
    },
  };
  doc.paths = paths;
}
