/** Simple SVG charts: labelled horizontal bars, with the numbers also in text for screen readers. */

export interface Bar {
  label: string;
  value: number;
  /** Shown instead of the value (e.g. "75 %"). */
  display?: string;
  tone?: "good" | "bad" | "neutral" | "warn";
}

const TONES = { good: "#1a7f37", bad: "#b42318", warn: "#9a6700", neutral: "#5b2a86" } as const;

/** A horizontal bar chart: one labelled bar per value, scaled to `max` (or the largest value). */
export function BarChart({ title, bars, max }: { title: string; bars: Bar[]; max?: number }) {
  const top = Math.max(max ?? 0, ...bars.map((b) => b.value), 1);
  const row = 28;
  const labelWidth = 150;
  const width = 480;
  const barSpace = width - labelWidth - 110;
  const height = bars.length * row + 8;
  return (
    <figure className="chart">
      <figcaption>{title}</figcaption>
      <svg
        viewBox={`0 0 ${width} ${height}`}
        role="img"
        aria-label={title}
        width="100%"
        preserveAspectRatio="xMinYMin meet"
      >
        <title>{`${title}: ${bars.map((b) => `${b.label} ${b.display ?? b.value}`).join(", ")}`}</title>
        {bars.map((b, i) => {
          const y = i * row + 4;
          const w = Math.round((b.value / top) * barSpace);
          return (
            <g key={b.label}>
              <text x={labelWidth - 8} y={y + 17} textAnchor="end" fontSize="13" fill="#1d1b22">
                {b.label}
              </text>
              <rect x={labelWidth} y={y + 4} width={barSpace} height={row - 10} fill="#ece8f1" rx="3" />
              <rect x={labelWidth} y={y + 4} width={w} height={row - 10} fill={TONES[b.tone ?? "neutral"]} rx="3" />
              <text x={labelWidth + barSpace + 8} y={y + 17} fontSize="13" fill="#1d1b22">
                {b.display ?? b.value}
              </text>
            </g>
          );
        })}
      </svg>
    </figure>
  );
}

/** A rate in [0, 1] as a whole percentage, or a dash when there is none. */
export const percent = (rate: number | null): string => (rate === null ? "—" : `${Math.round(rate * 100)} %`);
