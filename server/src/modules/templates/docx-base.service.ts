/**
 * The Word base of a docx report template: uploaded (checked by docx-base-file.ts), downloaded
 * and removed with the rights of reading or editing the template itself (template-scope.ts),
 * stored through the same ObjectStorage as evidence under DATA_DIR/report-bases, keyed
 * <organization or nil uuid>/<template>/<upload uuid>. The report job reads it (readDocxBase).
 */
import type { Config } from "../../config.js";
import { AppError } from "../../lib/app-error.js";
import { evidenceKey } from "../../lib/storage/object-storage.js";
import { sanitizeFileName } from "../evidence/evidence-files.js";
import type { ReportTemplate } from "./document-templates.schemas.js";
import { checkDocxBase, docxBaseStorage } from "./docx-base-file.js";
import { reportTemplates, toReportTemplate } from "./report-templates.service.js";
import { auditTemplate } from "./template-audit.js";
import { findTemplate } from "./template-crud.js";
import type { TemplateCtx } from "./template-scope.js";

const NIL_UUID = "00000000-0000-0000-0000-000000000000";
export const DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

/** Stores `data` as the Word base of report template `id` (replacing any), for those who may edit it. */
export async function uploadDocxBase(
  ctx: TemplateCtx,
  id: string,
  fileName: string,
  data: Uint8Array,
): Promise<ReportTemplate> {
  const current = await findTemplate(ctx, reportTemplates, id, { write: true });
  if (current.format !== "docx") {
    throw new AppError("UNPROCESSABLE", "Only a template of format docx can have a Word base", "file");
  }
  checkDocxBase(data);
  const name = sanitizeFileName(fileName || "base.docx");
  const storageKey = evidenceKey(current.organizationId ?? NIL_UUID, current.id, ctx.ids.uuid());
  const storage = docxBaseStorage(ctx);
  const stored = await storage.put(storageKey, data);
  let row: typeof current;
  try {
    row = await ctx.db.prisma.$transaction(async (tx) => {
      const updated = await tx.reportTemplate.update({
        where: { id: current.id },
        data: {
          docxBaseFileName: name,
          docxBaseSize: stored.size,
          docxBaseStorageKey: storageKey,
          docxBaseUploadedAt: ctx.clock.now(),
        },
      });
      await auditTemplate(ctx, tx, "updated", "report", updated, {
        fields: ["docxBase"],
        docxBase: { fileName: name, sizeBytes: stored.size, sha256: stored.sha256 },
      });
      return updated;
    });
  } catch (error) {
    await storage.delete(storageKey).catch(() => undefined);
    throw error;
  }
  if (current.docxBaseStorageKey) await storage.delete(current.docxBaseStorageKey).catch(() => undefined);
  return toReportTemplate(row);
}

/** The Word base of report template `id`, for those who may read it; NOT_FOUND when it has none. */
export async function openDocxBase(ctx: TemplateCtx, id: string) {
  const row = await findTemplate(ctx, reportTemplates, id);
  const body = row.docxBaseStorageKey ? await docxBaseStorage(ctx).get(row.docxBaseStorageKey) : undefined;
  if (!body || !row.docxBaseFileName) throw new AppError("NOT_FOUND", "This report template has no Word base", "id");
  return { fileName: row.docxBaseFileName, sizeBytes: row.docxBaseSize, body };
}

/** Removes the Word base of report template `id`, for those who may edit it; NOT_FOUND when it has none. */
export async function deleteDocxBase(ctx: TemplateCtx, id: string): Promise<ReportTemplate> {
  const current = await findTemplate(ctx, reportTemplates, id, { write: true });
  if (!current.docxBaseStorageKey) throw new AppError("NOT_FOUND", "This report template has no Word base", "id");
  const row = await ctx.db.prisma.$transaction(async (tx) => {
    const updated = await tx.reportTemplate.update({
      where: { id: current.id },
      data: { docxBaseFileName: null, docxBaseSize: null, docxBaseStorageKey: null, docxBaseUploadedAt: null },
    });
    await auditTemplate(ctx, tx, "updated", "report", updated, { fields: ["docxBase"], docxBase: null });
    return updated;
  });
  await docxBaseStorage(ctx).delete(current.docxBaseStorageKey);
  return toReportTemplate(row);
}

/** The bytes of a Word base by its storage key (the report job), or undefined when missing. */
export async function readDocxBase(
  deps: { config: Pick<Config, "dataDir"> },
  storageKey: string,
): Promise<Uint8Array | undefined> {
  const body = await docxBaseStorage(deps).get(storageKey);
  if (!body) return undefined;
  return new Uint8Array(await new Response(body).arrayBuffer());
}
