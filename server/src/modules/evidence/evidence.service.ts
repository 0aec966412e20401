/**
 * Evidence files of activities: stored through the ObjectStorage interface (local disk
 * under DATA_DIR/evidence today) with their SHA-256, listed and downloaded by anyone who
 * may read the assessment, uploaded by lead, red and blue (upload:evidence), deleted by
 * their uploader or the lead. Each upload and delete is written to the activity's history.
 */
import { join } from "node:path";
import { originOf } from "../../context.js";
import type { OrgCtx } from "../../identity/contexts.js";
import { AppError, notFound } from "../../lib/app-error.js";
import { isUuid } from "../../lib/ids.js";
import { pageWindow, toPage } from "../../lib/pagination.js";
import { localDiskStorage } from "../../lib/storage/local-disk-storage.js";
import { evidenceKey, type ObjectStorage } from "../../lib/storage/object-storage.js";
import { assessmentCan } from "../acl/permissions.js";
import { activityAccess } from "../activities/activity-access.js";
import { recordHistory } from "../activity-history/activity-history.js";
import { recordAudit } from "../audit/audit.js";
import { type Evidence, type EvidenceRow, type ListEvidenceInput, toEvidence } from "./evidence.schemas.js";
import { resolveType, sanitizeFileName } from "./evidence-files.js";

/** The evidence store of this installation (S3 or another backend would be chosen here). */
export function evidenceStorage(ctx: Pick<OrgCtx, "config">): ObjectStorage {
  return localDiskStorage(join(ctx.config.dataDir, "evidence"));
}

export interface UploadInput {
  activityId: string;
  fileName: string;
  declaredType: string | undefined;
  data: Uint8Array;
}

/** Stores one file as evidence of an activity; size and type limits come from the configuration. */
export async function uploadEvidence(ctx: OrgCtx, input: UploadInput): Promise<Evidence> {
  const access = await activityAccess(ctx, input.activityId, "upload:evidence");
  const { maxBytes, allowedTypes } = ctx.config.evidence;
  if (input.data.byteLength > maxBytes) {
    throw new AppError("PAYLOAD_TOO_LARGE", `Evidence files may be at most ${maxBytes} bytes`, "file");
  }
  if (input.data.byteLength === 0) throw new AppError("VALIDATION", "The file is empty", "file");
  const fileName = sanitizeFileName(input.fileName);
  const verdict = resolveType(input.declaredType, fileName, input.data, allowedTypes);
  if (!verdict.ok) throw new AppError("UNSUPPORTED_MEDIA_TYPE", verdict.reason, "file");

  const id = ctx.ids.uuid();
  const storageKey = evidenceKey(ctx.org.id, input.activityId, id);
  const storage = evidenceStorage(ctx);
  const stored = await storage.put(storageKey, input.data);
  try {
    const row = await ctx.db.prisma.$transaction(async (tx) => {
      const created = await tx.evidence.create({
        data: {
          id,
          organizationId: ctx.org.id,
          assessmentId: access.assessmentId,
          activityId: input.activityId,
          fileName,
          contentType: verdict.type,
          size: stored.size,
          sha256: stored.sha256,
          storageKey,
          uploadedById: ctx.user.id,
        },
      });
      await recordHistory(tx, ctx, input.activityId, [
        { field: "evidence", oldValue: null, newValue: { id, fileName, sha256: stored.sha256 } },
      ]);
      await recordAudit(tx, originOf(ctx), {
        type: "evidence.uploaded",
        actorId: ctx.user.id,
        targetType: "evidence",
        targetId: id,
        metadata: {
          organizationId: ctx.org.id,
          activityId: input.activityId,
          sha256: stored.sha256,
          size: stored.size,
        },
      });
      return created;
    });
    return toEvidence(row);
  } catch (error) {
    // The row is the record of the file: without it the bytes must not stay behind.
    await storage.delete(storageKey).catch(() => undefined);
    throw error;
  }
}

/** The evidence row `id` if its activity is readable with `permission`; NOT_FOUND otherwise. */
async function evidenceAccess(ctx: OrgCtx, id: string, permission: "read:assessment" | "upload:evidence") {
  const row = isUuid(id) ? await ctx.db.prisma.evidence.findFirst({ where: { id, organizationId: ctx.org.id } }) : null;
  if (!row) throw notFound("Evidence");
  const access = await activityAccess(ctx, row.activityId, permission).catch((error: unknown) => {
    throw error instanceof AppError && error.code === "NOT_FOUND" ? notFound("Evidence") : error;
  });
  return { row, role: access.role };
}

/** An activity's evidence, oldest first. */
export async function listEvidence(ctx: OrgCtx, input: ListEvidenceInput) {
  await activityAccess(ctx, input.activityId, "read:assessment", "activityId");
  const where = { activityId: input.activityId, organizationId: ctx.org.id };
  const { prisma } = ctx.db;
  const [total, rows] = await prisma.$transaction([
    prisma.evidence.count({ where }),
    prisma.evidence.findMany({ where, orderBy: [{ createdAt: "asc" }, { id: "asc" }], ...pageWindow(input) }),
  ]);
  return toPage(rows.map(toEvidence), total, input.page, input.pageSize);
}

/** The file of evidence `id` with its metadata, for anyone who may read the assessment. */
export async function openEvidence(
  ctx: OrgCtx,
  id: string,
): Promise<{ evidence: EvidenceRow; body: ReadableStream<Uint8Array> }> {
  const { row } = await evidenceAccess(ctx, id, "read:assessment");
  const body = await evidenceStorage(ctx).get(row.storageKey);
  if (!body) throw new AppError("NOT_FOUND", "The evidence file is missing from storage", "id");
  return { evidence: row, body };
}

/** Deletes evidence: the uploader's own (with upload rights), or any for the lead. */
export async function deleteEvidence(ctx: OrgCtx, id: string): Promise<Evidence> {
  const { row, role } = await evidenceAccess(ctx, id, "upload:evidence");
  if (row.uploadedById !== ctx.user.id && !assessmentCan(role, "manage:activities")) {
    throw new AppError("FORBIDDEN", "Only the uploader or the lead can delete this evidence");
  }
  await ctx.db.prisma.$transaction(async (tx) => {
    await tx.evidence.delete({ where: { id } });
    await recordHistory(tx, ctx, row.activityId, [
      { field: "evidence", oldValue: { id, fileName: row.fileName, sha256: row.sha256 }, newValue: null },
    ]);
    await recordAudit(tx, originOf(ctx), {
      type: "evidence.deleted",
      actorId: ctx.user.id,
      targetType: "evidence",
      targetId: id,
      metadata: { organizationId: ctx.org.id, activityId: row.activityId, sha256: row.sha256 },
    });
  });
  await evidenceStorage(ctx).delete(row.storageKey);
  return toEvidence(row);
}
