/**
 * Reports of assessments: queued by anyone who may read the assessment (spectators too),
 * rendered in the background (report-job.ts), listed, downloaded, deleted, and pruned after
 * REPORT_RETENTION_DAYS. Another organization's assessment or report is NOT_FOUND.
 */
import { join } from "node:path";
import type { Deps } from "../../context.js";
import type { OrgCtx } from "../../identity/contexts.js";
import { AppError, notFound } from "../../lib/app-error.js";
import { isUuid } from "../../lib/ids.js";
import { pageWindow, toPage } from "../../lib/pagination.js";
import { localDiskStorage } from "../../lib/storage/local-disk-storage.js";
import type { ObjectStorage } from "../../lib/storage/object-storage.js";
import { assessmentCan } from "../acl/permissions.js";
import { requireAssessment } from "../assessments/assessments.service.js";
import { sanitizeFileName } from "../evidence/evidence-files.js";
import { findChromium } from "./report-pdf.js";
import {
  type GenerateReportInput,
  type ListReportsInput,
  REPORT_CONTENT_TYPES,
  type Report,
  toReport,
} from "./reports.schemas.js";

/** The queue report jobs go through (jobs/queue.ts). */
export const REPORTS_QUEUE = "reports";

export interface ReportJob {
  reportId: string;
}

/** Where report files live: DATA_DIR/reports, keys <org>/<assessment>/<report>. */
export function reportStorage(deps: Pick<Deps, "config">): ObjectStorage {
  return localDiskStorage(join(deps.config.dataDir, "reports"));
}

/** Queues a report of an assessment the caller may read; PDF needs a Chromium on this server. */
export async function generateReport(ctx: OrgCtx & Pick<Deps, "queues">, input: GenerateReportInput) {
  await requireAssessment(ctx, input.assessmentId, "read:assessment", "assessmentId");
  if (input.format === "pdf" && !findChromium(ctx.config)) {
    throw new AppError(
      "UNPROCESSABLE",
      "PDF reports need Chromium on the server: install chromium, or set CHROMIUM_PATH to its executable",
      "format",
    );
  }
  const { prisma } = ctx.db;
  if (input.templateId) {
    const template = await prisma.reportTemplate.findFirst({
      where: { id: input.templateId, OR: [{ organizationId: ctx.org.id }, { organizationId: null }] },
      select: { id: true },
    });
    if (!template) throw notFound("Report template", "templateId");
  }
  const assessment = await prisma.assessment.findFirstOrThrow({
    where: { id: input.assessmentId, organizationId: ctx.org.id },
    select: { name: true },
  });
  const row = await prisma.report.create({
    data: {
      id: ctx.ids.uuid(),
      organizationId: ctx.org.id,
      assessmentId: input.assessmentId,
      templateId: input.templateId ?? null,
      format: input.format,
      fileName: sanitizeFileName(`${assessment.name} - report.${input.format}`),
      contentType: REPORT_CONTENT_TYPES[input.format],
      requestedById: ctx.user.id,
      createdAt: ctx.clock.now(),
    },
  });
  try {
    await ctx.queues.add<ReportJob>(REPORTS_QUEUE, "render", { reportId: row.id }, { jobId: `report:${row.id}` });
  } catch (error) {
    await prisma.report.update({
      where: { id: row.id },
      data: { status: "failed", error: "The job queue could not take the report", completedAt: ctx.clock.now() },
    });
    throw new AppError("SERVICE_UNAVAILABLE", "The job queue is unavailable; try again shortly", null, [], {
      cause: error,
    });
  }
  return { id: row.id, status: row.status };
}

/** The report `id` of the caller's organization on an assessment they may read; NOT_FOUND otherwise. */
async function reportAccess(ctx: OrgCtx, id: string) {
  const row = isUuid(id) ? await ctx.db.prisma.report.findFirst({ where: { id, organizationId: ctx.org.id } }) : null;
  if (!row) throw notFound("Report");
  const access = await requireAssessment(ctx, row.assessmentId, "read:assessment").catch((error: unknown) => {
    throw error instanceof AppError && error.code === "NOT_FOUND" ? notFound("Report") : error;
  });
  return { row, role: access.role };
}

/** Reports of an assessment, newest first. */
export async function listReports(ctx: OrgCtx, input: ListReportsInput) {
  await requireAssessment(ctx, input.assessmentId, "read:assessment", "assessmentId");
  const where = { assessmentId: input.assessmentId, organizationId: ctx.org.id };
  const { prisma } = ctx.db;
  const [total, rows] = await prisma.$transaction([
    prisma.report.count({ where }),
    prisma.report.findMany({ where, orderBy: [{ createdAt: "desc" }, { id: "desc" }], ...pageWindow(input) }),
  ]);
  return toPage(rows.map(toReport), total, input.page, input.pageSize);
}

/** One report. */
export async function getReport(ctx: OrgCtx, id: string): Promise<Report> {
  return toReport((await reportAccess(ctx, id)).row);
}

/** The file of a completed report with its name and media type. */
export async function openReport(ctx: OrgCtx, id: string) {
  const { row } = await reportAccess(ctx, id);
  if (row.status !== "completed" || !row.storageKey) {
    throw new AppError("CONFLICT", `The report is ${row.status}, not completed`, "id");
  }
  const body = await reportStorage(ctx).get(row.storageKey);
  if (!body) throw new AppError("NOT_FOUND", "The report file is missing from storage", "id");
  return { report: row, body };
}

/** Deletes a report and its file: the requester's own, or any for the assessment's lead. */
export async function deleteReport(ctx: OrgCtx, id: string): Promise<Report> {
  const { row, role } = await reportAccess(ctx, id);
  if (row.requestedById !== ctx.user.id && !assessmentCan(role, "update:assessment")) {
    throw new AppError("FORBIDDEN", "Only the requester or the assessment's lead can delete this report");
  }
  await ctx.db.prisma.report.delete({ where: { id } });
  if (row.storageKey) await reportStorage(ctx).delete(row.storageKey);
  return toReport(row);
}

/** Most reports one maintenance pass prunes (the next pass takes the rest). */
const PRUNE_BATCH = 500;

/** Deletes reports (rows and files) older than REPORT_RETENTION_DAYS; returns how many. */
export async function pruneReports(deps: Pick<Deps, "db" | "clock" | "config">): Promise<number> {
  const cutoff = new Date(deps.clock.now().getTime() - deps.config.reports.retentionDays * 86_400_000);
  const rows = await deps.db.prisma.report.findMany({
    where: { createdAt: { lt: cutoff } },
    select: { id: true, storageKey: true },
    take: PRUNE_BATCH,
  });
  const storage = reportStorage(deps);
  for (const row of rows) {
    if (row.storageKey) await storage.delete(row.storageKey);
  }
  await deps.db.prisma.report.deleteMany({ where: { id: { in: rows.map((r) => r.id) } } });
  return rows.length;
}

/** Queued reports not started after this long are taken as lost (an in-process queue does not survive a restart). */
const PENDING_LIFETIME_MS = 24 * 3_600_000;

/**
 * Fails reports whose job was lost: running for more than twice REPORT_RENDER_TIMEOUT_SECONDS
 * (plus a minute) or still pending after a day. Returns how many.
 */
export async function failLostReports(deps: Pick<Deps, "db" | "clock" | "config">): Promise<number> {
  const now = deps.clock.now();
  const runningSince = new Date(now.getTime() - (2 * deps.config.reports.renderTimeoutSeconds + 60) * 1000);
  const { count } = await deps.db.prisma.report.updateMany({
    where: {
      OR: [
        { status: "running", startedAt: { lt: runningSince } },
        { status: "pending", createdAt: { lt: new Date(now.getTime() - PENDING_LIFETIME_MS) } },
      ],
    },
    data: { status: "failed", error: "Report generation was interrupted; generate it again", completedAt: now },
  });
  return count;
}
