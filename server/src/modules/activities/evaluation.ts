/**
 * Scoring one activity: what red expected against what blue saw, per category.
 *
 * Blue records one outcome, the strongest effect observed:
 *   prevented    an endpoint/host control stopped the action (e.g. EDR killed the process);
 *   blocked      a network or policy control stopped it (firewall, proxy, app control);
 *   alerted      it ran, and an alert fired;
 *   logged       it ran, and telemetry recorded it without an alert;
 *   not_detected nothing saw it.
 *
 * Rules (a category red did not expect is `na`):
 *   prevention   pass when the outcome is prevented or blocked.
 *   detection    (alerting) pass when the outcome is alerted, or when it was prevented or
 *                blocked AND blue recorded the alert (an alert severity): a silent block
 *                stops the attacker but tells the SOC nothing, so it does not count.
 *   logging      pass when the outcome is anything but not_detected: a control that
 *                stopped, alerted on or logged the action left a record of it.
 *   notification pass when blue recorded when the stakeholder was notified (notifiedAt).
 *   severity     (expected when red set expectedSeverity) pass when an alert was recorded
 *                with alertSeverity at least the expected one (info < low < medium < high
 *                < critical); no alert, or a lower severity, fails.
 *
 * The lead may override any category with a reason; the computed value is kept beside it.
 */
import type { EvaluationCategory, EvaluationResult, Outcome, Severity } from "./activities.schemas.js";

export interface EvaluationFacts {
  expectPrevented: boolean;
  expectAlerted: boolean;
  expectLogged: boolean;
  expectNotified: boolean;
  expectedSeverity: Severity | null;
  outcome: Outcome;
  alertSeverity: Severity | null;
  notifiedAt: Date | null;
}

export type Scores = Record<EvaluationCategory, EvaluationResult>;

const SEVERITY_RANK: Record<Severity, number> = { info: 0, low: 1, medium: 2, high: 3, critical: 4 };

const score = (expected: boolean, passed: boolean): EvaluationResult => (!expected ? "na" : passed ? "pass" : "fail");

/** The computed result of each category. */
export function computeEvaluation(facts: EvaluationFacts): Scores {
  const stopped = facts.outcome === "prevented" || facts.outcome === "blocked";
  const alerted = facts.outcome === "alerted" || (stopped && facts.alertSeverity !== null);
  const severityMet =
    facts.expectedSeverity !== null &&
    alerted &&
    facts.alertSeverity !== null &&
    SEVERITY_RANK[facts.alertSeverity] >= SEVERITY_RANK[facts.expectedSeverity];
  return {
    prevention: score(facts.expectPrevented, stopped),
    detection: score(facts.expectAlerted, alerted),
    logging: score(facts.expectLogged, facts.outcome !== "not_detected"),
    notification: score(facts.expectNotified, facts.notifiedAt !== null),
    severity: score(facts.expectedSeverity !== null, severityMet),
  };
}
