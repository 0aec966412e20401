/**
 * Pictures as the report writers use them: charts as SVG, evidence as bitmaps with their size.
 * Pure (no database, no storage), so the writers can run in a worker thread (report-file.ts).
 */
import { createRequire } from "node:module";

// The renderer (a native addon) loads with the first chart drawn: the server imports this
// module for bitmapSize alone, and only the report worker draws.
const require = createRequire(import.meta.url);

export type ReportImage =
  | { kind: "svg"; svg: string }
  | { kind: "bitmap"; contentType: string; bytes: Uint8Array; width: number; height: number };

/** Pictures by image URL. */
export type ReportImages = Map<string, ReportImage>;

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

/** An SVG drawn as PNG (for Word), twice its size for a sharp print. */
export function svgToPng(svg: string): { bytes: Uint8Array; width: number; height: number } {
  const { Resvg } = require("@resvg/resvg-js") as typeof import("@resvg/resvg-js");
  const rendered = new Resvg(svg, {
    fitTo: { mode: "zoom", value: 2 },
    font: { loadSystemFonts: true, defaultFontFamily: "DejaVu Sans" },
  }).render();
  return { bytes: new Uint8Array(rendered.asPng()), width: rendered.width / 2, height: rendered.height / 2 };
}
