/**
 * The one place Assay reaches into its upstreams' internals: tRPC procedure definitions
 * (`_def`), trpc-to-openapi's node handler and request reading, and Zod 4 schema
 * definitions (`_zod.def`). Everything else uses the functions here. Every assumption is
 * pinned by upstream-shim.test.ts, which fails when an upgrade changes what is relied on.
 */
import type { AnyRouter } from "@trpc/server";
import { createOpenApiNodeHttpHandler } from "trpc-to-openapi";
import type { AppMeta } from "../trpc/init.js";

// ---------------------------------------------------------------------------- tRPC

/** One procedure of a router, as its definition describes it. */
export interface ProcedureInfo {
  path: string;
  type: "query" | "mutation" | "subscription";
  meta: AppMeta | undefined;
  /** The schemas of its `.input()` calls, in order (empty: no input). */
  inputs: unknown[];
}

interface Middleware {
  (opts: MiddlewareOpts): Promise<unknown>;
  _type?: string;
}
interface MiddlewareOpts {
  getRawInput: () => Promise<unknown>;
  next: (opts?: { getRawInput?: () => Promise<unknown> }) => Promise<unknown>;
}
interface ProcedureDef {
  type: ProcedureInfo["type"];
  meta?: AppMeta;
  inputs: unknown[];
  middlewares: Middleware[];
}

function definitionsOf(router: AnyRouter): [string, ProcedureDef][] {
  const procedures = router._def.procedures as Record<string, { _def: ProcedureDef }>;
  return Object.entries(procedures).map(([path, procedure]) => [path, procedure._def]);
}

/** Every procedure of `router` (nested routers flattened to dotted paths). */
export function proceduresOf(router: AnyRouter): ProcedureInfo[] {
  return definitionsOf(router).map(([path, def]) => ({ path, type: def.type, meta: def.meta, inputs: def.inputs }));
}

/** Decides what a procedure's input schemas parse: returns the raw input to use, or throws. */
export type InputGate = (procedure: ProcedureInfo, rawInput: unknown) => unknown;

// Procedures are shared module-level objects: several apps (tests) gate them once between them.
const gated = new WeakSet<object>();

/**
 * Runs `gate` on every procedure's raw input right before its input schemas parse it (after
 * the guards declared ahead of `.input()`), whichever door the call came through.
 */
export function gateRawInputs(router: AnyRouter, gate: InputGate): void {
  for (const [path, def] of definitionsOf(router)) {
    if (gated.has(def)) continue;
    gated.add(def);
    const info: ProcedureInfo = { path, type: def.type, meta: def.meta, inputs: def.inputs };
    const firstInput = def.middlewares.findIndex((m) => m._type === "input");
    // Without .input() the last middleware is the resolver: the gate goes just before it.
    const at = firstInput >= 0 ? firstInput : def.middlewares.length - 1;
    const inputGate: Middleware = async (opts) => {
      const raw = await gate(info, await opts.getRawInput());
      return opts.next({ getRawInput: async () => raw });
    };
    def.middlewares.splice(at, 0, inputGate);
  }
}

// ---------------------------------------------------------------------------- trpc-to-openapi

/** A REST route: its method, path template (`/tags/{id}`) and the procedure behind it. */
export interface RestRoute {
  method: string;
  path: `/${string}`;
  procedure: ProcedureInfo;
}

/** The router's REST routes (procedures with an enabled `openapi` mapping). */
export function restRoutesOf(router: AnyRouter): RestRoute[] {
  return proceduresOf(router).flatMap((procedure) => {
    const openapi = procedure.meta?.openapi;
    if (!openapi || openapi.enabled === false || procedure.type === "subscription") return [];
    return [{ method: openapi.method, path: openapi.path, procedure }];
  });
}

/** trpc-to-openapi's node handler; it answers through `res.setHeader`, `statusCode` and `end`. */
export type RestNodeHandler = (req: object, res: object) => Promise<void>;

/** Builds trpc-to-openapi's handler once; `createContext` gets the request object it was handed. */
export function openApiNodeHandler(router: AnyRouter, createContext: (req: object) => unknown): RestNodeHandler {
  return createOpenApiNodeHttpHandler({
    router,
    createContext: ({ req }: { req: object }) => createContext(req),
  } as never) as unknown as RestNodeHandler;
}

/** What the REST door hands trpc-to-openapi instead of reading the request itself. */
export interface RestRequestParts {
  url: string;
  /** The parsed JSON body (undefined: none). */
  body: unknown;
  /** Query parameters, each value in an array (upstream unwraps one-element arrays). */
  query: Record<string, unknown>;
  /** The content type upstream should see (it refuses a body-carrying method without JSON). */
  contentType: string | undefined;
}

/**
 * The real Request, with the parts upstream would otherwise read itself: it takes `req.body`
 * as the parsed body when the property exists, `req.query` as the query, and the content
 * type from `req.headers`.
 */
export function restRequest(raw: Request, parts: RestRequestParts): Request {
  const headers = new Headers(raw.headers);
  if (parts.contentType) headers.set("content-type", parts.contentType);
  else headers.delete("content-type");
  return new Proxy(raw, {
    get(target, prop) {
      if (prop === "url") return parts.url;
      if (prop === "body") return parts.body;
      if (prop === "query") return parts.query;
      if (prop === "headers") return headers;
      const value = Reflect.get(target, prop, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

// ---------------------------------------------------------------------------- Zod 4

interface ZodLike {
  _zod?: { def?: ZodDef };
}
interface ZodDef {
  type?: string;
  coerce?: boolean;
  shape?: Record<string, unknown>;
  catchall?: unknown;
  innerType?: unknown;
  in?: unknown;
  out?: unknown;
  element?: unknown;
  items?: unknown[];
  rest?: unknown;
  valueType?: unknown;
  options?: unknown[];
  left?: unknown;
  right?: unknown;
  getter?: () => unknown;
}

/** What a schema accepts, as far as walking an input along it needs to know. */
export type SchemaView =
  | { kind: "wrapper"; inner: unknown }
  | { kind: "object"; shape: Record<string, unknown>; extra: "strip" | "strict" | "other"; catchall: unknown }
  | { kind: "array"; element: unknown }
  | { kind: "tuple"; items: unknown[]; rest: unknown }
  | { kind: "record"; value: unknown }
  | { kind: "union"; options: unknown[] }
  | { kind: "intersection"; left: unknown; right: unknown }
  | { kind: "void" }
  | { kind: "scalar"; type: string }
  | { kind: "opaque" };

const WRAPPERS = new Set(["optional", "nullable", "default", "prefault", "readonly", "catch", "nonoptional"]);
const SCALARS = new Set(["string", "number", "boolean", "bigint", "date", "enum", "literal", "null", "nan"]);

function defOf(schema: unknown): ZodDef | undefined {
  return (schema as ZodLike | undefined)?._zod?.def;
}

/** The shape of `schema` one level down; anything not understood is opaque (walked no further). */
export function viewOf(schema: unknown): SchemaView {
  const def = defOf(schema);
  const type = def?.type;
  if (!def || !type) return { kind: "opaque" };
  if (WRAPPERS.has(type)) return { kind: "wrapper", inner: def.innerType };
  if (type === "lazy" && def.getter) return { kind: "wrapper", inner: def.getter() };
  // A pipe reads its input with `in`; a preprocess step (in = transform) can reshape anything.
  if (type === "pipe")
    return defOf(def.in)?.type === "transform" ? { kind: "opaque" } : { kind: "wrapper", inner: def.in };
  if (type === "object") {
    const catchall = def.catchall;
    const extra = catchall === undefined ? "strip" : defOf(catchall)?.type === "never" ? "strict" : "other";
    return { kind: "object", shape: def.shape ?? {}, extra, catchall };
  }
  if (type === "array") return { kind: "array", element: def.element };
  if (type === "tuple") return { kind: "tuple", items: def.items ?? [], rest: def.rest };
  if (type === "record") return { kind: "record", value: def.valueType };
  if (type === "union") return { kind: "union", options: def.options ?? [] };
  if (type === "intersection") return { kind: "intersection", left: def.left, right: def.right };
  if (type === "void" || type === "undefined" || type === "never") return { kind: "void" };
  if (SCALARS.has(type)) return { kind: "scalar", type };
  return { kind: "opaque" };
}

/** `schema` without its wrappers (optional, default, pipe input...). */
export function unwrapSchema(schema: unknown): unknown {
  let current = schema;
  for (let depth = 0; depth < 16; depth++) {
    const view = viewOf(current);
    if (view.kind !== "wrapper") return current;
    current = view.inner;
  }
  return current;
}

// Schemas are shared module-level objects: several apps (tests) lock them once between them.
const locked = new WeakSet<object>();

function lockSchema(schema: unknown): void {
  const def = defOf(schema);
  if (!def || locked.has(def)) return;
  locked.add(def);
  if (def.type === "number" || def.type === "boolean" || def.type === "bigint" || def.type === "date") {
    const declared = def.coerce ?? false;
    Object.defineProperty(def, "coerce", { get: () => declared, set: () => undefined, configurable: false });
  }
  const children = [def.innerType, def.in, def.out, def.element, def.rest, def.valueType, def.left, def.right];
  for (const child of [...children, ...(def.items ?? []), ...(def.options ?? [])]) lockSchema(child);
  for (const child of Object.values(def.shape ?? {})) lockSchema(child);
}

/**
 * Makes every input schema of `router` immune to trpc-to-openapi's coercion switch: on the
 * first REST call it sets `coerce` on every number and boolean of the input, for good, so
 * tRPC bodies would coerce too (`Boolean("false")` is true). The flag stays as declared.
 */
export function lockInputCoercion(router: AnyRouter): void {
  for (const procedure of proceduresOf(router)) for (const input of procedure.inputs) lockSchema(input);
}
