/**
 * The activities of an assessment as CSV (RFC 4180, written by csv-stringify): a header row,
 * then one row per activity in order, CRLF line ends, fields quoted when they hold a comma,
 * a quote or any line break, a lone CR or LF included (csv-stringify alone quotes only its
 * record delimiter, CRLF, and spreadsheets end a row at a bare LF or CR: a command holding
 * one would forge a row). Lists (techniques, tags, assets) are joined by ';'.
 *
 * Spreadsheets run a cell that starts with = + - @ (or a tab or carriage return) as a
 * formula, and attack commands often do ("-enc ...", "=cmd|..."): such text cells get a
 * leading apostrophe (OWASP's advice against CSV injection), which spreadsheets hide. Some
 * spreadsheets trim leading blanks first, so " =cmd" and "\n@SUM(...)" are defused too.
 */
import { stringify } from "csv-stringify/sync";
import type { AssessmentDocument, DocumentActivity } from "./assessment-document.js";

const FORMULA_START = /^(\s*[=+\-@]|[\t\r])/;
/** Fields that must be quoted beyond csv-stringify's own rule (delimiter, quote, CRLF). */
const LINE_BREAK = /[\r\n]/;

/** User-entered text, defused for spreadsheets. */
function textCell(value: string | null | undefined): string {
  if (value === null || value === undefined) return "";
  return FORMULA_START.test(value) ? `'${value}` : value;
}

const flag = (value: boolean) => (value ? "yes" : "no");
const plain = (value: string | null) => value ?? "";

const COLUMNS: [string, (a: DocumentActivity, i: number, groups: Map<string, string>) => string][] = [
  ["position", (_, i) => String(i + 1)],
  ["phase", (a, _, groups) => textCell(a.group ? groups.get(a.group) : null)],
  ["title", (a) => textCell(a.title)],
  ["description", (a) => textCell(a.description)],
  ["status", (a) => a.status],
  ["tactic", (a) => plain(a.tactic)],
  ["techniques", (a) => a.techniques.join(";")],
  ["tags", (a) => textCell(a.tags.join(";"))],
  ["assets", (a) => textCell(a.assets.map((s) => `${s.name} (${s.kind})`).join(";"))],
  ["command", (a) => textCell(a.red.command)],
  ["executed_at", (a) => plain(a.red.executedAt)],
  ["executed_by", (a) => textCell(a.red.executedByUser ?? a.red.executedBy)],
  ["source", (a) => textCell(a.red.source)],
  ["target", (a) => textCell(a.red.target)],
  ["expect_logged", (a) => flag(a.red.expectations.logged)],
  ["expect_prevented", (a) => flag(a.red.expectations.prevented)],
  ["expect_alerted", (a) => flag(a.red.expectations.alerted)],
  ["expect_notified", (a) => flag(a.red.expectations.notified)],
  ["expected_severity", (a) => plain(a.red.expectations.expectedSeverity)],
  ["outcome", (a) => plain(a.blue.outcome)],
  ["detected_at", (a) => plain(a.blue.detectedAt)],
  ["detection_source", (a) => textCell(a.blue.detectionSource)],
  ["alert_severity", (a) => plain(a.blue.alertSeverity)],
  ["notified_at", (a) => plain(a.blue.notifiedAt)],
  ["blue_notes", (a) => textCell(a.blue.notes)],
  // One cell per list, entries joined by ';' in control-name order (the document's order).
  ["control_outcomes", (a) => textCell(a.blue.controlOutcomes.map((o) => `${o.control}: ${o.outcome}`).join(";"))],
  [
    "control_detected_at",
    (a) => textCell(a.blue.controlOutcomes.map((o) => `${o.control}: ${o.detectedAt ?? ""}`).join(";")),
  ],
  ["control_rules", (a) => textCell(a.blue.controlOutcomes.map((o) => `${o.control}: ${o.ruleName ?? ""}`).join(";"))],
  ["prevention", (a) => plain(a.evaluation.results.prevention)],
  ["detection", (a) => plain(a.evaluation.results.detection)],
  ["logging", (a) => plain(a.evaluation.results.logging)],
  ["notification", (a) => plain(a.evaluation.results.notification)],
  ["severity", (a) => plain(a.evaluation.results.severity)],
  ["evaluated_at", (a) => plain(a.evaluation.evaluatedAt)],
];

export const CSV_HEADER = COLUMNS.map(([name]) => name);

/** The CSV text of a document's activities. */
export function activitiesCsv(document: AssessmentDocument): string {
  const groups = new Map(document.groups.map((g) => [g.ref, g.name]));
  const records = document.activities.map((activity, i) => COLUMNS.map(([, cell]) => cell(activity, i, groups)));
  return stringify(records, {
    header: true,
    columns: CSV_HEADER,
    record_delimiter: "windows",
    quoted_empty: false,
    quoted_match: LINE_BREAK,
  });
}

/** A file name from the assessment's name: lower-case letters, digits and dashes. */
export function fileNameOf(name: string, suffix: string): string {
  const stem = name
    .normalize("NFKD")
    .replace(/[^\w\s-]/g, "")
    .trim()
    .toLowerCase()
    .replace(/[\s_-]+/g, "-")
    .slice(0, 80)
    .replace(/^-+|-+$/g, "");
  return `${stem || "assessment"}-${suffix}`;
}
