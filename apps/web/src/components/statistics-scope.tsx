/**
 * The scope the statistics and coverage pages show: one assessment (`?assessment=<id>`, so a
 * link keeps it) or the whole organization, with the picker that sets it.
 */
import { useQuery } from "@tanstack/react-query";
import { useSearchParams } from "react-router";
import { useTRPC } from "../api";

/** The chosen assessment (empty: the organization), the assessments to pick from, and the figures. */
export function useStatisticsScope(ready = true) {
  const trpc = useTRPC();
  const [params, setParams] = useSearchParams();
  const assessmentId = params.get("assessment") ?? "";
  const assessments = useQuery(trpc.assessments.list.queryOptions({ pageSize: 100, sort: "name", order: "asc" }));
  const perAssessment = useQuery({
    ...trpc.statistics.assessment.queryOptions({ assessmentId }),
    enabled: !!assessmentId,
  });
  const perOrg = useQuery({ ...trpc.statistics.organization.queryOptions({}), enabled: !assessmentId && ready });
  const choose = (id: string) => setParams(id ? { assessment: id } : {});
  return { assessmentId, assessments, perAssessment, perOrg, current: assessmentId ? perAssessment : perOrg, choose };
}

/** The "Scope" select: the whole organization or one of its assessments. */
export function ScopePicker({ id, scope }: { id: string; scope: ReturnType<typeof useStatisticsScope> }) {
  return (
    <div className="filters">
      <div className="field">
        <label htmlFor={id}>Scope</label>
        <select id={id} value={scope.assessmentId} onChange={(event) => scope.choose(event.target.value)}>
          <option value="">Whole organization</option>
          {scope.assessments.data?.data.map((a) => (
            <option key={a.id} value={a.id}>
              {a.name}
            </option>
          ))}
        </select>
      </div>
    </div>
  );
}
