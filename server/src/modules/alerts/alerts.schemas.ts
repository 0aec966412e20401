/** Inputs and outputs of ingested alerts and their matches to activities. */
import { z } from "zod";
import { pageInput, pageOf } from "../../lib/pagination.js";
import { severitySchema } from "../activities/activities.schemas.js";
import { ALERT_FORMATS } from "./alert-formats.js";

export const alertFormatSchema = z.enum(ALERT_FORMATS).meta({ id: "AlertFormat" });
export const matchStatusSchema = z
  .enum(["applied", "suggested", "linked", "rejected", "unlinked"])
  .meta({ id: "AlertMatchStatus" })
  .describe(
    "applied: filled automatically; suggested: waits for blue; linked: accepted by a person; rejected / unlinked: undone",
  );

export const alertMatchSchema = z
  .object({
    id: z.uuid(),
    alertId: z.uuid(),
    activityId: z.uuid(),
    assessmentId: z.uuid(),
    score: z.number().int().describe("0-100: technique 50 (35 via the parent), host 30 (20 by short name), time 20"),
    reasons: z.array(z.string()),
    status: matchStatusSchema,
    decidedById: z.uuid().nullable(),
    decidedAt: z.iso.datetime().nullable(),
    createdAt: z.iso.datetime(),
  })
  .meta({ id: "AlertMatch" });

export const alertSchema = z
  .object({
    id: z.uuid(),
    organizationId: z.uuid(),
    format: alertFormatSchema,
    externalId: z.string().describe("The alert's id in its source"),
    controlId: z.uuid(),
    controlName: z.string(),
    occurredAt: z.iso.datetime(),
    host: z.string().nullable(),
    techniques: z.array(z.string()),
    ruleName: z.string().nullable(),
    severity: severitySchema.nullable(),
    title: z.string().nullable(),
    action: z.string().nullable(),
    receivedAt: z.iso.datetime(),
    matches: z.array(alertMatchSchema),
  })
  .meta({ id: "Alert" });

export const alertPageSchema = pageOf(alertSchema, "AlertPage");

export const listAlertsInput = pageInput
  .extend({
    assessmentId: z.uuid().optional().describe("Alerts matched to this assessment (otherwise: owners and admins only)"),
    activityId: z.uuid().optional().describe("Alerts matched to this activity"),
    status: matchStatusSchema.optional().describe("Alerts with a match in this state"),
  })
  .prefault({});

export const alertIdInput = z.object({ id: z.uuid() });
export const matchIdInput = z.object({ matchId: z.uuid() });

export const ingestResultSchema = z
  .object({
    received: z.number().int(),
    stored: z.number().int(),
    duplicates: z.number().int().describe("Already stored (same organization, format and alert id)"),
    matched: z.number().int().describe("Stored alerts that matched at least one activity"),
    unmatched: z.number().int(),
    errors: z.array(z.object({ index: z.number().int(), path: z.string(), message: z.string() })),
  })
  .meta({ id: "AlertIngestResult" });

export type Alert = z.infer<typeof alertSchema>;
export type AlertMatch = z.infer<typeof alertMatchSchema>;
export type ListAlertsInput = z.infer<typeof listAlertsInput>;
export type IngestResult = z.infer<typeof ingestResultSchema>;
