/** The OpenAPI description of POST /ingest/alerts (alerts.http.ts), which is not a procedure. */
import { errorRef, type Json, orgHeader } from "../../http/openapi-parts.js";
import { ALERT_FORMATS } from "./alert-formats.js";

const alertBody = {
  description:
    "One alert in any supported format (generic: { id, timestamp, host?, techniques?, ruleName?, severity?, title?, control?, action? }; Elastic Security, Splunk ES notable, Microsoft Sentinel and Defender alerts as their tools export them)",
  type: "object",
  additionalProperties: true,
};

const ingestResult = {
  type: "object",
  required: ["received", "stored", "duplicates", "matched", "unmatched", "errors"],
  properties: {
    received: { type: "integer" },
    stored: { type: "integer" },
    duplicates: { type: "integer", description: "Already stored (same organization, format and alert id)" },
    matched: { type: "integer", description: "Stored alerts that matched at least one activity" },
    unmatched: { type: "integer" },
    errors: {
      type: "array",
      description: "Alerts refused, each by its index in the body and the JSON path at fault; the others were kept",
      items: {
        type: "object",
        required: ["index", "path", "message"],
        properties: { index: { type: "integer" }, path: { type: "string" }, message: { type: "string" } },
      },
    },
  },
};

export function addAlertRoutes(doc: Json): void {
  const paths = (doc.paths ?? {}) as Record<string, Json>;
  paths["/ingest/alerts"] = {
    ...(paths["/ingest/alerts"] ?? {}),
    post: {
      operationId: "alerts-ingest",
      summary: "Push SIEM/EDR alerts (API key bound to the organization, scope alerts:ingest)",
      description:
        "Each alert is stored once per (organization, format, alert id) and matched to activities of in-progress assessments by technique, target host and time after red's execution. Body caps: ALERT_INGEST_MAX_BYTES, ALERT_INGEST_MAX_ALERTS (413 PAYLOAD_TOO_LARGE).",
      tags: ["alerts"],
      security: [{ bearerAuth: [] }],
      parameters: [
        { ...orgHeader, required: false, description: "Optional: the key's own organization" },
        {
          name: "format",
          in: "query",
          required: false,
          schema: { type: "string", enum: [...ALERT_FORMATS] },
          description: "Force a format instead of detecting it from each alert's keys",
        },
      ],
      requestBody: {
        required: true,
        content: {
          "application/json": { schema: { oneOf: [alertBody, { type: "array", items: alertBody }] } },
          "application/x-ndjson": { schema: { type: "string", description: "One alert (JSON) per line" } },
        },
      },
      responses: {
        "200": { description: "What was stored", content: { "application/json": { schema: ingestResult } } },
        "400": errorRef("Body is not JSON / NDJSON, or unknown format"),
        "401": errorRef("No or invalid API key"),
        "403": errorRef("Not an organization-bound API key with alerts:ingest"),
        "404": errorRef("The organization named is not the key's"),
        "413": errorRef("Body or alert count over the cap"),
        "429": errorRef("Too many pushes for this key (RATE_LIMIT_ALERT_INGEST_PER_KEY)"),
      },
    },
  };
  doc.paths = paths;
}
