/**
 * The pictures a report embeds, named in its markdown by image URLs: `chart:heatmap` and
 * `chart:outcomes` (SVG drawn from the statistics) and `evidence:<id>` (an image file of an
 * activity of this assessment). Any other image URL is not fetched: it renders as its alt text.
 */
import type { OrgCtx } from "../../identity/contexts.js";
import { evidenceStorage } from "../evidence/evidence.service.js";
import { heatmapSvg, outcomesChartSvg } from "./report-charts.js";
import { EMBEDDABLE_IMAGES, type ReportData } from "./report-data.js";
import { bitmapSize, type ReportImages } from "./report-pictures.js";

/** Most bytes of evidence images one report embeds; later ones are named instead. */
const EVIDENCE_BUDGET_BYTES = 100 * 1024 * 1024;

async function readAll(stream: ReadableStream<Uint8Array>): Promise<Uint8Array> {
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** The charts of `data` and the evidence images its activities hold. */
export async function loadReportImages(ctx: OrgCtx, data: ReportData, markdown: string): Promise<ReportImages> {
  const images: ReportImages = new Map();
  images.set("chart:heatmap", { kind: "svg", svg: heatmapSvg(data.statistics) });
  images.set("chart:outcomes", { kind: "svg", svg: outcomesChartSvg(data.statistics) });
  const storage = evidenceStorage(ctx);
  let budget = EVIDENCE_BUDGET_BYTES;
  const wanted = new Set([...markdown.matchAll(/evidence:([0-9a-f-]{36})/gi)].map((m) => (m[1] ?? "").toLowerCase()));
  for (const activity of data.activities) {
    for (const file of activity.evidence) {
      if (!wanted.has(file.id) || !EMBEDDABLE_IMAGES.has(file.contentType) || file.size > budget) continue;
      const row = await ctx.db.prisma.evidence.findFirst({
        where: { id: file.id, organizationId: ctx.org.id, assessmentId: data.assessment.id },
        select: { storageKey: true },
      });
      const stream = row ? await storage.get(row.storageKey) : undefined;
      if (!stream) continue;
      const bytes = await readAll(stream);
      const size = bitmapSize(bytes);
      if (!size) continue;
      budget -= bytes.byteLength;
      images.set(`evidence:${file.id}`, { kind: "bitmap", contentType: file.contentType, bytes, ...size });
    }
  }
  return images;
}
