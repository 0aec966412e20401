/**
 * What every procedure's input goes through before its schemas parse it, on both doors:
 * unknown keys are refused (Zod would drop them silently, so `colr` for `color` answered 200
 * with the default), and a procedure without input accepts `{}` as "no input" (REST clients
 * and tRPC callers send it). Outputs keep stripping: only inputs pass here.
 */
import type { AnyRouter } from "@trpc/server";
import { AppError, type ErrorItem } from "../lib/app-error.js";
import { closestName } from "../lib/closest-name.js";
import { orgHeaders } from "../trpc/org-route.js";
import { gateRawInputs, type ProcedureInfo, unwrapSchema, viewOf } from "./upstream-shim.js";

type Path = (string | number)[];

interface UnknownKey {
  path: Path;
  key: string;
  known: string[];
}

// Inputs are bounded in depth before they get here (MAX_INPUT_DEPTH); this only stops a
// recursive (lazy) schema from walking forever.
const MAX_WALK_DEPTH = 256;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function fits(schema: unknown, value: unknown): boolean {
  const view = viewOf(unwrapSchema(schema));
  if (view.kind === "object" || view.kind === "record") return isPlainObject(value);
  if (view.kind === "array" || view.kind === "tuple") return Array.isArray(value);
  if (view.kind === "scalar" || view.kind === "void") return !isPlainObject(value) && !Array.isArray(value);
  return true;
}

function walkObject(
  shape: Record<string, unknown>,
  catchall: unknown,
  value: Record<string, unknown>,
  path: Path,
  out: UnknownKey[],
  depth: number,
): void {
  for (const key of Object.keys(value)) {
    if (Object.hasOwn(shape, key)) walk(shape[key], value[key], [...path, key], out, depth + 1);
    else if (catchall !== undefined) walk(catchall, value[key], [...path, key], out, depth + 1);
    else out.push({ path, key, known: Object.keys(shape) });
  }
}

function walk(schema: unknown, value: unknown, path: Path, out: UnknownKey[], depth: number): void {
  if (depth > MAX_WALK_DEPTH) return;
  const view = viewOf(schema);
  switch (view.kind) {
    case "wrapper":
      walk(view.inner, value, path, out, depth + 1);
      return;
    case "object":
      if (isPlainObject(value)) {
        walkObject(view.shape, view.extra === "other" ? view.catchall : undefined, value, path, out, depth);
      }
      return;
    case "array":
    case "tuple":
      if (!Array.isArray(value)) return;
      for (const [i, item] of value.entries()) {
        const schemaOfItem = view.kind === "array" ? view.element : (view.items[i] ?? view.rest);
        walk(schemaOfItem, item, [...path, i], out, depth + 1);
      }
      return;
    case "record":
      if (!isPlainObject(value)) return;
      for (const [k, v] of Object.entries(value)) walk(view.value, v, [...path, k], out, depth + 1);
      return;
    case "union": {
      // The option the value is closest to: none of its keys unknown, else the fewest.
      let best: UnknownKey[] | undefined;
      for (const option of view.options.filter((o) => fits(o, value))) {
        const found: UnknownKey[] = [];
        walk(option, value, path, found, depth + 1);
        if (!best || found.length < best.length) best = found;
      }
      out.push(...(best ?? []));
      return;
    }
    case "intersection": {
      const left = viewOf(unwrapSchema(view.left));
      const right = viewOf(unwrapSchema(view.right));
      if (left.kind !== "object" || right.kind !== "object" || !isPlainObject(value)) return;
      const loose = left.extra === "other" || right.extra === "other";
      const shape = { ...left.shape, ...right.shape };
      if (!loose) walkObject(shape, undefined, value, path, out, depth);
      return;
    }
    default:
      return;
  }
}

/** The keys of `value` that `schema` does not know, each with where it sits and the keys known there. */
export function unknownKeysOf(schema: unknown, value: unknown): UnknownKey[] {
  const out: UnknownKey[] = [];
  walk(schema, value, [], out, 0);
  return out;
}

/** The item naming one unknown key: its dotted path as the field, the nearest known key as a hint. */
export function unknownKeyItem({ path, key, known }: UnknownKey): ErrorItem {
  const guess = closestName(key, known);
  const hint = guess ? ` (did you mean "${guess}"?)` : "";
  return { code: "VALIDATION", message: `Unknown field "${key}"${hint}`, field: [...path, key].join(".") };
}

const takesNoInput = (procedure: ProcedureInfo) =>
  procedure.inputs.every((schema) => viewOf(unwrapSchema(schema)).kind === "void");

// Procedures acting in an organization take `organizationId` in their input as well as in
// the X-Organization-Id header (their guard reads it from the raw input), declared or not.
const namesOrganization = (procedure: ProcedureInfo) => procedure.meta?.openapi?.requestHeaders === orgHeaders;

interface Issue {
  code?: string;
  path: PropertyKey[];
  message: string;
}
interface Parseable {
  safeParseAsync(value: unknown): Promise<{ success: boolean; error?: { issues: Issue[] } }>;
}

/** The other problems of the input, so that one answer lists every problem at once. */
async function schemaProblems(inputs: unknown[], value: unknown): Promise<ErrorItem[]> {
  const items: ErrorItem[] = [];
  for (const schema of inputs) {
    const parsed = await (schema as Parseable).safeParseAsync(value);
    for (const issue of parsed.error?.issues ?? []) {
      if (issue.code === "unrecognized_keys") continue; // listed already, one item per key
      const field = issue.path.length > 0 ? issue.path.map(String).join(".") : null;
      items.push({ code: "VALIDATION", message: issue.message, field });
    }
  }
  return items;
}

/** Unknown keys against every input schema: several `.input()` calls merge their objects. */
function unknownKeysOfInputs(inputs: unknown[], value: unknown): UnknownKey[] {
  if (inputs.length === 1) return unknownKeysOf(inputs[0], value);
  const views = inputs.map((schema) => viewOf(unwrapSchema(schema)));
  if (!isPlainObject(value) || !views.every((v) => v.kind === "object" && v.extra !== "other")) return [];
  const shape = Object.assign({}, ...views.map((v) => (v.kind === "object" ? v.shape : {})));
  const out: UnknownKey[] = [];
  walkObject(shape, undefined, value, [], out, 0);
  return out;
}

/** `raw` without an undeclared `organizationId` of a procedure whose guard already read it. */
function withoutOrganizationId(procedure: ProcedureInfo, raw: unknown): unknown {
  if (!namesOrganization(procedure) || !isPlainObject(raw) || !Object.hasOwn(raw, "organizationId")) return raw;
  const declared = procedure.inputs.some((schema) => {
    const view = viewOf(unwrapSchema(schema));
    return view.kind === "object" && Object.hasOwn(view.shape, "organizationId");
  });
  if (declared) return raw;
  const { organizationId: _named, ...rest } = raw;
  return rest;
}

async function gate(procedure: ProcedureInfo, raw: unknown): Promise<unknown> {
  const input = withoutOrganizationId(procedure, raw);
  if (takesNoInput(procedure)) {
    if (!isPlainObject(input)) return input;
    if (Object.keys(input).length === 0) return undefined;
    const unknown = Object.keys(input).map((key) => ({ path: [], key, known: [] }));
    throw new AppError("VALIDATION", "This operation takes no input", null, unknown.map(unknownKeyItem));
  }
  const unknown = unknownKeysOfInputs(procedure.inputs, input);
  if (unknown.length === 0) return input;
  const items = [...unknown.map(unknownKeyItem), ...(await schemaProblems(procedure.inputs, input))];
  throw new AppError("VALIDATION", "Input validation failed", null, items);
}

/** Puts the gate in front of every procedure's input parsing (once per procedure, whichever app asks). */
export function installInputGate(router: AnyRouter): void {
  gateRawInputs(router, gate);
}
