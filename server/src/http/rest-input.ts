/**
 * Input handling for the REST door, replacing trpc-to-openapi's coercion. Upstream
 * (3.3) turns on `coerce` for every number and boolean of a procedure's input by mutating
 * the shared schema on the first REST call: after that, tRPC calls coerce too, request
 * bodies included, and `Boolean("false")` is true (seen here: `{"isSuperuser": "false"}`
 * created a superuser). So the flag is locked to its declared value, and query strings —
 * the one place values arrive as text — are converted here, strictly, from the schema.
 */
import type { AnyRouter } from "@trpc/server";

interface ZodLike {
  _zod?: { def?: ZodDef };
}
interface ZodDef {
  type?: string;
  coerce?: boolean;
  shape?: Record<string, ZodLike>;
  innerType?: ZodLike;
  in?: ZodLike;
  out?: ZodLike;
  element?: ZodLike;
  options?: ZodLike[];
}

const WRAPPERS = new Set(["optional", "nullable", "default", "prefault", "readonly", "catch", "nonoptional"]);

function unwrap(schema: ZodLike | undefined): ZodLike | undefined {
  let current = schema;
  for (let depth = 0; depth < 10; depth++) {
    const def = current?._zod?.def;
    if (!def?.type) return current;
    if (WRAPPERS.has(def.type)) current = def.innerType;
    else if (def.type === "pipe") current = def.in;
    else return current;
  }
  return current;
}

// Schemas are shared module-level objects: several apps (tests) lock them once between them.
const locked = new WeakSet<object>();

function lockSchema(schema: ZodLike | undefined): void {
  const def = schema?._zod?.def;
  if (!def || locked.has(def)) return;
  locked.add(def);
  if (def.type === "number" || def.type === "boolean" || def.type === "bigint" || def.type === "date") {
    const declared = def.coerce ?? false;
    Object.defineProperty(def, "coerce", { get: () => declared, set: () => undefined, configurable: false });
  }
  for (const child of [def.innerType, def.in, def.out, def.element, ...(def.options ?? [])]) lockSchema(child);
  for (const child of Object.values(def.shape ?? {})) lockSchema(child);
}

/** Makes every input schema of `router` immune to trpc-to-openapi's coercion switch. */
export function lockInputCoercion(router: AnyRouter): void {
  const procedures = router._def.procedures as Record<string, { _def: { inputs: ZodLike[] } }>;
  for (const procedure of Object.values(procedures)) {
    for (const input of procedure._def.inputs) lockSchema(input);
  }
}

function convert(value: string, schema: ZodLike | undefined): unknown {
  const type = unwrap(schema)?._zod?.def?.type;
  if (type === "number" || type === "int") {
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
  const shape = unwrap(inputSchema as ZodLike)?._zod?.def?.shape ?? {};
  const out: Record<string, unknown> = {};
  for (const key of new Set(params.keys())) {
    const field = shape[key];
    const fieldDef = unwrap(field)?._zod?.def;
    const values = params.getAll(key);
    if (fieldDef?.type === "array") out[key] = values.map((v) => convert(v, fieldDef.element));
    else out[key] = [convert(values[values.length - 1] ?? "", field)];
  }
  return out;
}
