/**
 * One scale for turning blue's outcomes into a score and a colour, shared by the statistics
 * heatmap and the ATT&CK Navigator layer so both tell the same story.
 */
import type { Outcome } from "../activities/activities.schemas.js";

/** 0-100: stopped is best, an alert beats a log line, unseen is worst. */
export const OUTCOME_SCORE: Record<Outcome, number> = {
  prevented: 100,
  blocked: 100,
  alerted: 60,
  logged: 40,
  not_detected: 0,
};

export const COLORS = {
  green: "#8ec843",
  amber: "#ffc000",
  red: "#ff6666",
  grey: "#d9d9d9",
} as const;

/** Green from 80 (stopped), amber from 40 (alerted or logged), red below; grey when nothing was observed. */
export function colorOfScore(score: number | null): string {
  if (score === null) return COLORS.grey;
  if (score >= 80) return COLORS.green;
  if (score >= 40) return COLORS.amber;
  return COLORS.red;
}

export const OUTCOME_LABELS: Record<Outcome, string> = {
  prevented: "prevented",
  blocked: "blocked",
  alerted: "alerted",
  logged: "logged",
  not_detected: "not detected",
};
