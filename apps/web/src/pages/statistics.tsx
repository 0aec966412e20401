/** Statistics of one assessment or of the whole organization: headline rates and SVG bar charts. */
import type { RouterOutputs } from "@assay/client";
import { useParams } from "react-router";
import { problemsOf } from "../api";
import { BarChart, percent } from "../components/charts";
import { ScopePicker, useStatisticsScope } from "../components/statistics-scope";
import { Empty, ErrorMessage, Loading, usePageTitle } from "../components/ui";

type Stats = RouterOutputs["statistics"]["assessment"] | RouterOutputs["statistics"]["organization"];

function duration(seconds: number | null): string {
  if (seconds === null) return "—";
  if (seconds < 120) return `${Math.round(seconds)} s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}

function Dashboard({ stats }: { stats: Stats }) {
  const o = stats.outcomes;
  if (stats.activities.total === 0) return <Empty>No activities yet: statistics appear once work is recorded.</Empty>;
  const cards: [string, string][] = [
    ["Activities", String(stats.activities.total)],
    ["Evaluated", String(stats.activities.byStatus.evaluated)],
    ["Prevention rate", percent(o.preventionRate)],
    ["Detection rate", percent(o.detectionRate)],
    ["Score", o.score === null ? "—" : `${Math.round(o.score)} / 100`],
    ["Coverage", percent(o.coverage)],
    ["Median time to detect", duration(stats.timeToDetect.medianSeconds)],
  ];
  return (
    <>
      <dl className="kpis">
        {cards.map(([label, value]) => (
          <div key={label} className="kpi">
            <dt>{label}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
      <div className="charts">
        <BarChart
          title="Outcomes"
          bars={[
            { label: "Prevented", value: o.outcomes.prevented, tone: "good" },
            { label: "Blocked", value: o.outcomes.blocked, tone: "good" },
            { label: "Alerted", value: o.outcomes.alerted, tone: "warn" },
            { label: "Logged", value: o.outcomes.logged, tone: "warn" },
            { label: "Not detected", value: o.outcomes.not_detected, tone: "bad" },
          ]}
        />
        <BarChart
          title="Evaluation pass rate by category"
          max={1}
          bars={(["prevention", "detection", "logging", "notification", "severity"] as const).map((c) => ({
            label: c,
            value: stats.coverage[c].score ?? 0,
            display: `${percent(stats.coverage[c].score)} (${stats.coverage[c].pass}/${stats.coverage[c].expected})`,
            tone: "neutral" as const,
          }))}
        />
        <BarChart
          title="Activities by status"
          bars={(["planned", "waiting_red", "waiting_blue", "evaluated", "skipped"] as const).map((s) => ({
            label: s.replace("_", " "),
            value: stats.activities.byStatus[s],
          }))}
        />
        {stats.tactics.length > 0 ? (
          <BarChart
            title="Detection rate by tactic"
            max={1}
            bars={stats.tactics.map((t) => ({
              label: t.tacticName ?? t.tactic ?? "No tactic",
              value: t.detectionRate ?? 0,
              display: percent(t.detectionRate),
              tone: "neutral" as const,
            }))}
          />
        ) : null}
      </div>
    </>
  );
}

export default function StatisticsPage() {
  usePageTitle("Statistics");
  const { orgId = "" } = useParams();
  const scope = useStatisticsScope(!!orgId);
  const { current } = scope;
  return (
    <>
      <h1>Statistics</h1>
      <ScopePicker id="stats-scope" scope={scope} />
      {current.isPending ? (
        <Loading what="statistics" />
      ) : current.isError ? (
        <ErrorMessage messages={problemsOf(current.error).map((p) => p.message)} />
      ) : (
        <Dashboard stats={current.data} />
      )}
    </>
  );
}
