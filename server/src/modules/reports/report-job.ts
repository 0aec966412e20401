/**
 * The background side of reports: the processor of the `reports` queue, run by every API
 * node (it needs the database; `assay worker` processes run executions only). A job renders
 * its report as the person who asked for it, with their rights at the time it runs: the
 * template in a worker thread (liquid-worker.ts), then the DOCX or HTML file in another
 * (report-file.ts; PDF is that HTML printed by Chromium), stored under
 * DATA_DIR/reports. A job never throws: a failure is recorded on the report for the user.
 */
import type { Deps } from "../../context.js";
import type { OrgCtx } from "../../identity/contexts.js";
import type { Processor } from "../../jobs/queue.js";
import { evidenceKey } from "../../lib/storage/object-storage.js";
import { readDocxBase } from "../templates/docx-base.service.js";
import { DEFAULT_REPORT_TEMPLATE } from "./default-template.js";
import { renderLiquid, TemplateRenderError } from "./liquid-worker.js";
import { buildReportData } from "./report-data.js";
import { ReportFileError, writeReportFile } from "./report-file.js";
import { loadReportImages } from "./report-images.js";
import { findChromium, printPdf } from "./report-pdf.js";
import { REPORTS_QUEUE, type ReportJob, reportStorage } from "./reports.service.js";

type ReportRow = NonNullable<Awaited<ReturnType<Deps["db"]["prisma"]["report"]["findUnique"]>>>;

/** A failure the user can act on: its message is stored on the report as it is. */
class ReportFailure extends Error {}

/** The requester acting in the report's organization, as a service context. */
async function requesterContext(deps: Deps, row: ReportRow): Promise<OrgCtx> {
  const { prisma } = deps.db;
  const user = row.requestedById ? await prisma.user.findUnique({ where: { id: row.requestedById } }) : null;
  const org = await prisma.organization.findUnique({ where: { id: row.organizationId } });
  if (!user || !org) throw new ReportFailure("The person who asked for this report no longer exists");
  const membership = await prisma.membership.findFirst({ where: { organizationId: org.id, userId: user.id } });
  if (!membership && !user.isSuperuser) {
    throw new ReportFailure("The person who asked for this report is no longer a member of the organization");
  }
  return {
    db: deps.db,
    clock: deps.clock,
    ids: deps.ids,
    config: deps.config,
    req: { requestId: `report-${row.id}`, ip: null, userAgent: null, headers: new Headers() },
    user: {
      id: user.id,
      email: user.email,
      name: user.name,
      role: user.role,
      isSuperuser: user.isSuperuser,
      sessionId: "",
    },
    org: {
      id: org.id,
      name: org.name,
      slug: org.slug,
      role: membership?.role ?? "owner",
      viaSuperuser: !membership,
    },
  };
}

/** The template's body, and the bytes of its Word base when it has one (docx reports only use it). */
async function reportTemplate(deps: Deps, row: ReportRow): Promise<{ body: string; docxBase?: Uint8Array }> {
  if (!row.templateId) return { body: DEFAULT_REPORT_TEMPLATE };
  const template = await deps.db.prisma.reportTemplate.findFirst({
    where: { id: row.templateId, OR: [{ organizationId: row.organizationId }, { organizationId: null }] },
    select: { body: true, docxBaseStorageKey: true },
  });
  if (!template) throw new ReportFailure("The report template no longer exists");
  if (row.format !== "docx" || !template.docxBaseStorageKey) return { body: template.body };
  const docxBase = await readDocxBase(deps, template.docxBaseStorageKey);
  if (!docxBase) throw new ReportFailure("The Word base of the report template is missing from storage");
  return { body: template.body, docxBase };
}

/** The bytes of report `row`. */
async function render(deps: Deps, row: ReportRow): Promise<Uint8Array> {
  const timeoutMs = deps.config.reports.renderTimeoutSeconds * 1000;
  const ctx = await requesterContext(deps, row);
  const data = await buildReportData(ctx, row.assessmentId);
  const template = await reportTemplate(deps, row);
  const markdown = await renderLiquid(template.body, data, timeoutMs);
  const images = await loadReportImages(ctx, data, markdown);
  const title = `${data.assessment.name} — ${data.org.name}`;
  const chromium = row.format === "pdf" ? findChromium(deps.config) : null;
  if (row.format === "pdf" && !chromium) {
    throw new ReportFailure("PDF reports need Chromium: install chromium, or set CHROMIUM_PATH");
  }
  const format = row.format === "docx" ? "docx" : "html";
  const docxBase = format === "docx" ? template.docxBase : undefined;
  const bytes = await writeReportFile(
    { format, title, markdown, images, ...(docxBase ? { docxBase } : {}) },
    timeoutMs,
  );
  if (!chromium) return bytes;
  return printPdf(chromium, new TextDecoder().decode(bytes), timeoutMs);
}

/** Tells `report.ready` webhooks, once the file is stored and the row says completed. */
function announceReady(deps: Deps, row: ReportRow, sizeBytes: number): void {
  deps.events.emit({
    type: "report.ready",
    organizationId: row.organizationId,
    actorId: row.requestedById,
    data: {
      reportId: row.id,
      assessmentId: row.assessmentId,
      format: row.format,
      fileName: row.fileName,
      sizeBytes,
      downloadPath: `/api/v1/reports/${row.id}/download`,
    },
  });
}

/** Renders and stores one report, recording completion or failure on its row. */
export async function runReportJob(deps: Deps, job: ReportJob): Promise<void> {
  const { prisma } = deps.db;
  const claimed = await prisma.report.updateMany({
    where: { id: job.reportId, status: "pending" },
    data: { status: "running", startedAt: deps.clock.now() },
  });
  if (claimed.count === 0) return;
  const row = await prisma.report.findUnique({ where: { id: job.reportId } });
  if (!row) return;
  let storageKey: string | undefined;
  try {
    const bytes = await render(deps, row);
    storageKey = evidenceKey(row.organizationId, row.assessmentId, row.id);
    const stored = await reportStorage(deps).put(storageKey, bytes);
    const updated = await prisma.report.updateMany({
      where: { id: row.id },
      data: { status: "completed", storageKey, sizeBytes: stored.size, completedAt: deps.clock.now() },
    });
    // Deleted while rendering: the file must not stay behind.
    if (updated.count === 0) await reportStorage(deps).delete(storageKey);
    else announceReady(deps, row, stored.size);
  } catch (error) {
    if (storageKey)
      await reportStorage(deps)
        .delete(storageKey)
        .catch(() => undefined);
    const known =
      error instanceof TemplateRenderError || error instanceof ReportFailure || error instanceof ReportFileError;
    if (!known) deps.logger.error({ err: error, reportId: row.id }, "report generation failed");
    const message = known ? error.message : "Report generation failed on the server";
    await prisma.report
      .updateMany({
        where: { id: row.id },
        data: { status: "failed", error: message.slice(0, 2000), completedAt: deps.clock.now() },
      })
      .catch((failure: unknown) => deps.logger.error({ err: failure, reportId: row.id }, "report status not saved"));
  }
}

/** Starts this node's processor of report jobs (one at a time: rendering is CPU-bound). */
export function startReportJobs(deps: Deps): Processor {
  return deps.queues.process<ReportJob>(REPORTS_QUEUE, (job) => runReportJob(deps, job.data), {
    concurrency: 1,
    onStall: "fail",
  });
}
