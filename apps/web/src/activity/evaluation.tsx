/** The evaluation of an activity: results per category, and for the lead the Evaluate button with overrides. */
import { useMutation } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { problemsOf, useTRPC } from "../api";
import { ErrorMessage, formatDate, StatusBadge } from "../components/ui";
import { type AssessmentRole, canEvaluate } from "../permissions";
import { type Activity, CATEGORIES, useActivityUpdate } from "./shared";

/** Results per category; the lead evaluates (with optional overrides and their reasons). */
export function Evaluation({ activity, role }: { activity: Activity; role: AssessmentRole }) {
  const trpc = useTRPC();
  const updated = useActivityUpdate();
  const [overrides, setOverrides] = useState<Record<string, { result: string; reason: string }>>({});
  const evaluate = useMutation(trpc.activities.evaluate.mutationOptions({ onSuccess: updated }));
  const allowed = canEvaluate(role, activity.status);
  const results = activity.evaluation.results;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    evaluate.mutate({
      id: activity.id,
      overrides: CATEGORIES.flatMap((category) => {
        const o = overrides[category];
        return o?.result
          ? [{ category, result: o.result as "pass" | "fail" | "na", reason: o.reason }]
          : ([] as { category: typeof category; result: "pass" | "fail" | "na"; reason: string }[]);
      }),
    });
  };
  return (
    <section aria-labelledby="evaluation-title" className="panel">
      <h2 id="evaluation-title">Evaluation</h2>
      {activity.evaluation.evaluatedAt ? (
        <p className="muted">Evaluated {formatDate(activity.evaluation.evaluatedAt)}</p>
      ) : (
        <p className="muted">Not evaluated yet.</p>
      )}
      <table className="table compact">
        <caption className="visually-hidden">Results per category</caption>
        <thead>
          <tr>
            <th scope="col">Category</th>
            <th scope="col">Result</th>
            {allowed ? <th scope="col">Override</th> : null}
          </tr>
        </thead>
        <tbody>
          {CATEGORIES.map((category) => (
            <tr key={category}>
              <th scope="row">{category}</th>
              <td>
                {results[category] ? <StatusBadge status={results[category]} /> : "—"}
                {activity.evaluation.overrides.some((o) => o.category === category) ? " (overridden)" : ""}
              </td>
              {allowed ? (
                <td className="override">
                  <label className="visually-hidden" htmlFor={`override-${category}`}>
                    Override {category}
                  </label>
                  <select
                    id={`override-${category}`}
                    value={overrides[category]?.result ?? ""}
                    onChange={(event) =>
                      setOverrides({
                        ...overrides,
                        [category]: { result: event.target.value, reason: overrides[category]?.reason ?? "" },
                      })
                    }
                  >
                    <option value="">Computed</option>
                    <option value="pass">pass</option>
                    <option value="fail">fail</option>
                    <option value="na">n/a</option>
                  </select>
                  {overrides[category]?.result ? (
                    <>
                      <label className="visually-hidden" htmlFor={`reason-${category}`}>
                        Reason for the {category} override
                      </label>
                      <input
                        id={`reason-${category}`}
                        placeholder="Reason"
                        value={overrides[category]?.reason ?? ""}
                        onChange={(event) =>
                          setOverrides({
                            ...overrides,
                            [category]: { result: overrides[category]?.result ?? "", reason: event.target.value },
                          })
                        }
                      />
                    </>
                  ) : null}
                </td>
              ) : null}
            </tr>
          ))}
        </tbody>
      </table>
      {allowed ? (
        <form onSubmit={submit} noValidate>
          <ErrorMessage messages={problemsOf(evaluate.error).map((p) => p.message)} />
          <div className="actions">
            <button type="submit" disabled={evaluate.isPending}>
              {activity.status === "evaluated" ? "Evaluate again" : "Evaluate"}
            </button>
          </div>
        </form>
      ) : null}
    </section>
  );
}
