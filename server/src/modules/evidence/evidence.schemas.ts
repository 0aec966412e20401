/** Outputs and inputs of evidence files (uploads go through the multipart route, not tRPC). */
import { z } from "zod";
import { pageInput, pageOf } from "../../lib/pagination.js";

export const evidenceSchema = z
  .object({
    id: z.uuid(),
    organizationId: z.uuid(),
    assessmentId: z.uuid(),
    activityId: z.uuid(),
    fileName: z.string(),
    contentType: z.string(),
    size: z.number().int().nonnegative(),
    sha256: z.string().describe("Hex SHA-256 of the file"),
    uploadedById: z.uuid().nullable(),
    createdAt: z.iso.datetime(),
    downloadPath: z.string().describe("GET it with the same bearer token and X-Organization-Id"),
  })
  .meta({ id: "Evidence" });

export const evidencePageSchema = pageOf(evidenceSchema, "EvidencePage");

export const listEvidenceInput = pageInput.extend({ activityId: z.uuid() });
export const evidenceIdInput = z.object({ id: z.uuid() });

export type Evidence = z.infer<typeof evidenceSchema>;
export type ListEvidenceInput = z.infer<typeof listEvidenceInput>;

export interface EvidenceRow {
  id: string;
  organizationId: string;
  assessmentId: string;
  activityId: string;
  fileName: string;
  contentType: string;
  size: number;
  sha256: string;
  uploadedById: string | null;
  createdAt: Date;
}

export function toEvidence(row: EvidenceRow): Evidence {
  return {
    id: row.id,
    organizationId: row.organizationId,
    assessmentId: row.assessmentId,
    activityId: row.activityId,
    fileName: row.fileName,
    contentType: row.contentType,
    size: row.size,
    sha256: row.sha256,
    uploadedById: row.uploadedById,
    createdAt: row.createdAt.toISOString(),
    downloadPath: `/api/v1/evidence/${row.id}`,
  };
}
