/** A report of the matrix's shared assessment, requested by its lead (stored as completed when `withFile`). */
import { evidenceKey } from "../../lib/storage/object-storage.js";
import { reportStorage } from "../../modules/reports/reports.service.js";
import type { World } from "./world.js";

export async function matrixReport(world: World, withFile = false): Promise<string> {
  const id = crypto.randomUUID();
  const storageKey = evidenceKey(world.orgId, world.assessmentId, id);
  const bytes = new TextEncoder().encode("<!doctype html><title>matrix</title>");
  if (withFile) await reportStorage(world.h.deps).put(storageKey, bytes);
  await world.h.deps.db.prisma.report.create({
    data: {
      id,
      organizationId: world.orgId,
      assessmentId: world.assessmentId,
      format: "html",
      status: withFile ? "completed" : "failed",
      fileName: "matrix.html",
      contentType: "text/html; charset=utf-8",
      sizeBytes: withFile ? bytes.byteLength : null,
      storageKey: withFile ? storageKey : null,
      requestedById: world.users.lead.id,
    },
  });
  return id;
}
