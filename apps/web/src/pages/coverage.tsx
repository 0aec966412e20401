/** The ATT&CK coverage matrix: one column per tactic, each tested technique coloured by its outcome score. */
import { problemsOf } from "../api";
import { percent } from "../components/charts";
import { ScopePicker, useStatisticsScope } from "../components/statistics-scope";
import { Empty, ErrorMessage, Loading, usePageTitle } from "../components/ui";

function band(score: number | null): string {
  if (score === null) return "untested";
  if (score >= 80) return "good";
  if (score >= 40) return "partial";
  return "poor";
}

export default function CoveragePage() {
  usePageTitle("ATT&CK coverage");
  const scope = useStatisticsScope();
  const { current } = scope;
  return (
    <>
      <h1>ATT&amp;CK coverage</h1>
      <ScopePicker id="coverage-scope" scope={scope} />
      <ul className="legend" aria-label="Legend">
        <li>
          <span className="cell good">good</span> score 80 or more
        </li>
        <li>
          <span className="cell partial">partial</span> 40 to 79
        </li>
        <li>
          <span className="cell poor">poor</span> under 40
        </li>
        <li>
          <span className="cell untested">untested</span> no outcome yet
        </li>
      </ul>
      {current.isPending ? (
        <Loading what="the matrix" />
      ) : current.isError ? (
        <ErrorMessage messages={problemsOf(current.error).map((p) => p.message)} />
      ) : current.data.matrix.length === 0 ? (
        <Empty>No activity is mapped to ATT&amp;CK yet.</Empty>
      ) : (
        <ol className="matrix" aria-label="Tactics">
          {current.data.matrix.map((column) => (
            <li key={column.tactic ?? "none"} className="matrix-column">
              <h2>{column.tacticName ?? column.tactic ?? "No tactic"}</h2>
              <ul>
                {column.techniques.map((t) => (
                  <li key={t.techniqueId} className={`cell ${band(t.score)}`}>
                    <strong>{t.techniqueId}</strong> {t.name ?? ""}
                    <span className="cell-meta">
                      {t.activities} activit{t.activities === 1 ? "y" : "ies"} · detection {percent(t.detectionRate)} ·
                      score {t.score === null ? "—" : Math.round(t.score)}
                    </span>
                  </li>
                ))}
              </ul>
            </li>
          ))}
        </ol>
      )}
    </>
  );
}
