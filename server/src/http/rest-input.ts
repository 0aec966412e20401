/**
 * Query strings for the REST door, typed from the procedure's input schema. trpc-to-openapi
 * would coerce instead, and its coercion is switched off (see lockInputCoercion in the
 * shim): query strings — the one place values arrive as text — are converted here,
 * strictly, so `?active=yes` is a validation error rather than a silent `true`.
 */
import { unwrapSchema, viewOf } from "./upstream-shim.js";

function convert(value: string, schema: unknown): unknown {
  const view = viewOf(unwrapSchema(schema));
  const type = view.kind === "scalar" ? view.type : undefined;
  if (type === "number") {
    // Only plain decimal numbers; anything else stays text and fails validation with its field.
    return /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value;
  }
  if (type === "boolean") return value === "true" ? true : value === "false" ? false : value;
  return value;
}

/**
 * Query parameters typed from the procedure's object input schema (repeated keys become
 * arrays). Each value is handed over inside an array: trpc-to-openapi unwraps one-element
 * arrays, but silently drops scalar values that are falsy (false, 0).
 */
export function typedQuery(params: URLSearchParams, inputSchema: unknown): Record<string, unknown> {
  const view = viewOf(unwrapSchema(inputSchema));
  const shape = view.kind === "object" ? view.shape : {};
  const out: Record<string, unknown> = {};
  for (const key of new Set(params.keys())) {
    const field = Object.hasOwn(shape, key) ? shape[key] : undefined;
    const fieldView = viewOf(unwrapSchema(field));
    const values = params.getAll(key);
    if (fieldView.kind === "array") out[key] = values.map((v) => convert(v, fieldView.element));
    else out[key] = [convert(values[values.length - 1] ?? "", field)];
  }
  return out;
}
