/**
 * The pictures a report embeds, named in its markdown by image URLs: `chart:heatmap` and
 * `chart:outcomes` (SVG drawn from the statistics) and `evidence:<id>` (an image file of an
 * activity of this assessment). Any other image URL is not fetched: it renders as its alt text.
 */
import { Resvg } from "@resvg/resvg-js";
import type { OrgCtx } from "../../identity/contexts.js";
import { evidenceStorage } from "../evidence/evidence.service.js";
import { heatmapSvg, outcomesChartSvg } from "./report-charts.js";
import { EMBEDDABLE_IMAGES, type ReportData } from "./report-data.js";

export type ReportImage =
  | { kind: "svg"; svg: string }
  | { kind: "bitmap"; contentType: string; bytes: Uint8Array; width: number; height: number };

/** Pictures by image URL. */
export type ReportImages = Map<string, ReportImage>;

/** Most bytes of evidence images one report embeds; later ones are named instead. */
const EVIDENCE_BUDGET_BYTES = 100 * 1024 * 1024;

async function readAll(stream: ReadableStream<Uint8Array>): Promise<Uint8Array> {
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** Width and height of a PNG, JPEG or GIF, or null when the bytes are not one. */
export function bitmapSize(bytes: Uint8Array): { width: number; height: number } | null {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length >= 24 && bytes[0] === 0x89 && bytes[1] === 0x50) {
    return { width: view.getUint32(16), height: view.getUint32(20) };
  }
  if (bytes.length >= 10 && bytes[0] === 0x47 && bytes[1] === 0x49) {
    return { width: view.getUint16(6, true), height: view.getUint16(8, true) };
  }
  if (bytes.length >= 4 && bytes[0] === 0xff && bytes[1] === 0xd8) {
    let at = 2;
    for (let guard = 0; guard < 10_000 && at + 9 < bytes.length; guard++) {
      if (bytes[at] !== 0xff) return null;
      const marker = bytes[at + 1] ?? 0;
      const length = view.getUint16(at + 2);
      if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
        return { width: view.getUint16(at + 7), height: view.getUint16(at + 5) };
      }
      at += 2 + length;
    }
  }
  return null;
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

/** An SVG drawn as PNG (for Word), twice its size for a sharp print. */
export function svgToPng(svg: string): { bytes: Uint8Array; width: number; height: number } {
  const rendered = new Resvg(svg, {
    fitTo: { mode: "zoom", value: 2 },
    font: { loadSystemFonts: true, defaultFontFamily: "DejaVu Sans" },
  }).render();
  return { bytes: new Uint8Array(rendered.asPng()), width: rendered.width / 2, height: rendered.height / 2 };
}
