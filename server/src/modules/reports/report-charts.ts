/**
 * The two pictures of the default report, as SVG (inline in HTML and PDF, turned into PNG
 * for Word by report-images.ts): the ATT&CK heatmap (one column per tactic, one cell per
 * technique, coloured by its mean outcome score) and the outcomes per tactic (stacked bars).
 * Every name drawn is escaped: technique and tactic names come from imported data.
 */
import type { AssessmentStatistics } from "../statistics/statistics.schemas.js";

const FONT = "DejaVu Sans, Liberation Sans, Arial, Helvetica, sans-serif";

/** Text safe inside SVG/XML content and attribute values. */
export function xmlEscape(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const clip = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

/** Colour of a mean outcome score (0 not detected … 100 prevented); grey when nothing was observed. */
export function scoreColour(score: number | null): string {
  if (score === null) return "#d0d4da";
  if (score >= 80) return "#2e7d32";
  if (score >= 55) return "#9ccc65";
  if (score >= 35) return "#ffb74d";
  return "#e53935";
}

const LEGEND: [string, number | null][] = [
  ["Prevented / blocked", 100],
  ["Alerted", 60],
  ["Logged", 40],
  ["Not detected", 0],
  ["Not observed", null],
];

/** The heatmap: tactics across, their techniques down, each cell coloured by outcome. */
export function heatmapSvg(statistics: AssessmentStatistics): string {
  const columns = statistics.matrix;
  const cellW = 120;
  const cellH = 34;
  const headH = 40;
  const legendH = 30;
  const rows = Math.max(1, ...columns.map((c) => c.techniques.length));
  const width = Math.max(cellW * Math.max(columns.length, 1), 760);
  const height = headH + rows * cellH + legendH + 10;
  const parts: string[] = [];
  columns.forEach((column, x) => {
    const left = x * cellW;
    const title = clip(column.tacticName ?? column.tactic ?? "No tactic", 18);
    parts.push(
      `<rect x="${left + 1}" y="1" width="${cellW - 2}" height="${headH - 4}" fill="#37474f"/>`,
      `<text x="${left + cellW / 2}" y="${headH / 2 + 3}" font-size="11" fill="#ffffff" text-anchor="middle">${xmlEscape(title)}</text>`,
    );
    column.techniques.forEach((technique, y) => {
      const top = headH + y * cellH;
      const colour = scoreColour(technique.score);
      parts.push(
        `<rect x="${left + 1}" y="${top + 1}" width="${cellW - 2}" height="${cellH - 2}" fill="${colour}" rx="2"/>`,
        `<text x="${left + 6}" y="${top + 14}" font-size="10" font-weight="bold" fill="#111111">${xmlEscape(technique.techniqueId)}</text>`,
        `<text x="${left + 6}" y="${top + 27}" font-size="9" fill="#111111">${xmlEscape(clip(technique.name ?? "", 20))}</text>`,
      );
    });
  });
  if (columns.length === 0) {
    parts.push(
      `<text x="10" y="${headH}" font-size="12" fill="#555555">No activity has an ATT&amp;CK technique yet.</text>`,
    );
  }
  const legendTop = headH + rows * cellH + 10;
  LEGEND.forEach(([label, score], i) => {
    const left = 10 + i * 150;
    parts.push(
      `<rect x="${left}" y="${legendTop}" width="14" height="14" fill="${scoreColour(score)}"/>`,
      `<text x="${left + 19}" y="${legendTop + 11}" font-size="10" fill="#333333">${xmlEscape(label)}</text>`,
    );
  });
  return svg(width, height, parts);
}

const OUTCOMES: [keyof AssessmentStatistics["outcomes"]["outcomes"], string, string][] = [
  ["prevented", "Prevented", "#2e7d32"],
  ["blocked", "Blocked", "#66bb6a"],
  ["alerted", "Alerted", "#9ccc65"],
  ["logged", "Logged", "#ffb74d"],
  ["not_detected", "Not detected", "#e53935"],
];

/** Outcomes per tactic: one horizontal bar per tactic, split by outcome. */
export function outcomesChartSvg(statistics: AssessmentStatistics): string {
  const tactics = statistics.tactics;
  const labelW = 170;
  const barW = 430;
  const rowH = 26;
  const top = 34;
  const width = labelW + barW + 20;
  const height = top + Math.max(tactics.length, 1) * rowH + 16;
  const most = Math.max(1, ...tactics.map((t) => OUTCOMES.reduce((sum, [key]) => sum + t.outcomes[key], 0)));
  const parts: string[] = [];
  OUTCOMES.forEach(([, label, colour], i) => {
    const left = 10 + i * 120;
    parts.push(
      `<rect x="${left}" y="6" width="14" height="14" fill="${colour}"/>`,
      `<text x="${left + 19}" y="17" font-size="10" fill="#333333">${label}</text>`,
    );
  });
  tactics.forEach((tactic, i) => {
    const y = top + i * rowH;
    const name = clip(tactic.tacticName ?? tactic.tactic ?? "No tactic", 26);
    parts.push(
      `<text x="${labelW - 8}" y="${y + 15}" font-size="11" fill="#222222" text-anchor="end">${xmlEscape(name)}</text>`,
    );
    let x = labelW;
    for (const [key, , colour] of OUTCOMES) {
      const count = tactic.outcomes[key];
      if (count === 0) continue;
      const w = (count / most) * barW;
      parts.push(
        `<rect x="${x.toFixed(1)}" y="${y + 3}" width="${w.toFixed(1)}" height="${rowH - 8}" fill="${colour}"/>`,
      );
      if (w >= 16) {
        parts.push(
          `<text x="${(x + w / 2).toFixed(1)}" y="${y + 16}" font-size="10" fill="#111111" text-anchor="middle">${count}</text>`,
        );
      }
      x += w;
    }
  });
  if (tactics.length === 0) {
    parts.push(`<text x="10" y="${top + 16}" font-size="12" fill="#555555">No outcome recorded yet.</text>`);
  }
  return svg(width, height, parts);
}

function svg(width: number, height: number, parts: string[]): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="${FONT}"><rect width="100%" height="100%" fill="#ffffff"/>${parts.join("")}</svg>`;
}
