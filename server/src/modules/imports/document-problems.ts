/**
 * Reading an untrusted "assay.assessment" document: every problem at once, each named by its
 * JSON path inside the document (`activities[3].blue.outcome`), as one VALIDATION error whose
 * items carry the paths in `field`. Two passes, both always run: the Zod schema (types,
 * enums, limits, unknown keys) and what Zod cannot see: cross-references (duplicate refs;
 * groups, tags and assets named but not declared) and NUL characters PostgreSQL refuses.
 */
import type { z } from "zod";
import { AppError, type ErrorItem } from "../../lib/app-error.js";
import { type AssessmentDocument, assessmentDocumentSchema } from "../exports/assessment-document.js";

type Path = readonly PropertyKey[];

/** `["activities", 3, "blue", "outcome"]` -> `activities[3].blue.outcome`; the root is `document`. */
export function jsonPath(path: Path): string {
  let out = "";
  for (const key of path) {
    if (typeof key === "number") out += `[${key}]`;
    else out += out ? `.${String(key)}` : String(key);
  }
  return out || "document";
}

const problem = (path: Path, message: string): ErrorItem => ({ code: "VALIDATION", message, field: jsonPath(path) });

function schemaProblems(issues: z.core.$ZodIssue[]): ErrorItem[] {
  return issues.flatMap((issue) =>
    issue.code === "unrecognized_keys"
      ? issue.keys.map((key) => problem([...issue.path, key], "unknown field"))
      : [problem(issue.path, issue.message)],
  );
}

// The reference pass reads the raw value defensively: where a part has the wrong type, the
// schema pass already reports it, and this pass just skips it.
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const listAt = (v: unknown, key: string): unknown[] => (isObject(v) && Array.isArray(v[key]) ? v[key] : []);
const stringAt = (v: unknown, key: string): string | undefined =>
  isObject(v) && typeof v[key] === "string" ? v[key] : undefined;

/** Paths of values seen before in `items` (by `keyOf`), each reported once. */
function duplicates(items: unknown[], keyOf: (item: unknown) => string | undefined, report: (i: number) => void) {
  const seen = new Set<string>();
  items.forEach((item, i) => {
    const key = keyOf(item);
    if (key === undefined) return;
    if (seen.has(key)) report(i);
    seen.add(key);
  });
}

const assetKeyOf = (v: unknown) => {
  const name = stringAt(v, "name");
  const kind = stringAt(v, "kind");
  return name === undefined || kind === undefined ? undefined : `${kind}\u0000${name}`;
};

function referenceProblems(raw: unknown): ErrorItem[] {
  const problems: ErrorItem[] = [];
  const tags = listAt(raw, "tags");
  const assets = listAt(raw, "assets");
  const groups = listAt(raw, "groups");
  const activities = listAt(raw, "activities");
  duplicates(
    tags,
    (t) => stringAt(t, "name"),
    (i) => problems.push(problem(["tags", i, "name"], "duplicate tag name")),
  );
  duplicates(assets, assetKeyOf, (i) =>
    problems.push(problem(["assets", i, "name"], "duplicate asset (name and kind)")),
  );
  duplicates(
    groups,
    (g) => stringAt(g, "ref"),
    (i) => problems.push(problem(["groups", i, "ref"], "duplicate ref")),
  );
  duplicates(
    activities,
    (a) => stringAt(a, "ref"),
    (i) => problems.push(problem(["activities", i, "ref"], "duplicate ref")),
  );

  const tagNames = new Set(tags.map((t) => stringAt(t, "name")));
  const assetKeys = new Set(assets.map(assetKeyOf));
  const groupRefs = new Set(groups.map((g) => stringAt(g, "ref")));
  const checkTags = (owner: unknown, path: Path) =>
    listAt(owner, "tags").forEach((name, j) => {
      if (typeof name === "string" && !tagNames.has(name)) {
        problems.push(problem([...path, "tags", j], `tag "${name}" is not declared in tags`));
      }
    });
  checkTags(isObject(raw) ? raw.assessment : undefined, ["assessment"]);
  activities.forEach((activity, i) => {
    const group = isObject(activity) ? activity.group : undefined;
    if (typeof group === "string" && !groupRefs.has(group)) {
      problems.push(problem(["activities", i, "group"], `group "${group}" is not declared in groups`));
    }
    checkTags(activity, ["activities", i]);
    listAt(activity, "assets").forEach((asset, j) => {
      const key = assetKeyOf(asset);
      if (key !== undefined && !assetKeys.has(key)) {
        problems.push(problem(["activities", i, "assets", j], "asset (name and kind) is not declared in assets"));
      }
    });
  });
  return problems;
}

/** Text holding a NUL character, which PostgreSQL cannot store (anywhere in the document). */
function nulProblems(value: unknown, path: PropertyKey[], problems: ErrorItem[]): ErrorItem[] {
  if (typeof value === "string") {
    if (value.includes("\u0000")) problems.push(problem(path, "must not contain NUL characters"));
  } else if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) nulProblems(item, [...path, i], problems);
  } else if (isObject(value)) {
    for (const [key, item] of Object.entries(value)) nulProblems(item, [...path, key], problems);
  }
  return problems;
}

/** The document, parsed; VALIDATION listing every problem (with its path) when there is any. */
export function parseDocument(raw: unknown): AssessmentDocument {
  const parsed = assessmentDocumentSchema.safeParse(raw);
  const problems = [
    ...(parsed.success ? [] : schemaProblems(parsed.error.issues)),
    ...referenceProblems(raw),
    ...nulProblems(raw, [], []),
  ];
  if (problems.length > 0 || !parsed.success) {
    const n = problems.length;
    throw new AppError(
      "VALIDATION",
      `The document has ${n} problem${n === 1 ? "" : "s"}; nothing was imported`,
      problems[0]?.field ?? "document",
      problems,
    );
  }
  return parsed.data;
}
