/**
 * Every procedure of a router, read from its definition: path, kind, metadata and JSON
 * Schemas of input and output. Feeds the developer panel and the tests that must cover
 * every procedure (so a new one cannot slip past them).
 */
import type { AnyRouter } from "@trpc/server";
import { z } from "zod";
import type { ScopeRequirement } from "../identity/scopes.js";
import type { AppMeta } from "./init.js";
import { isSignInStep } from "./procedures.js";

export interface ProcedureEntry {
  path: string;
  type: "query" | "mutation" | "subscription";
  /** True when the procedure runs the guard chain (anything but a public procedure). */
  guarded: boolean;
  /** The scope it declares (guard/scopes.ts), null when it declares none. */
  scope: ScopeRequirement | null;
  description: string | null;
  rest: { method: string; path: string } | null;
  inputSchema: unknown;
  outputSchema: unknown;
}

interface ProcedureDef {
  type: ProcedureEntry["type"];
  meta?: AppMeta;
  middlewares: unknown[];
  inputs: unknown[];
  output?: unknown;
}

function toJsonSchema(schema: unknown, io: "input" | "output"): unknown {
  // A procedure without input (z.void()) has no schema to fill in.
  if (!(schema instanceof z.ZodType) || schema instanceof z.ZodVoid) return null;
  try {
    return z.toJSONSchema(schema, { io, unrepresentable: "any", target: "draft-2020-12" });
  } catch {
    return null;
  }
}

/** Lists the router's procedures in path order. */
export function listProcedures(router: AnyRouter): ProcedureEntry[] {
  const procedures = router._def.procedures as Record<string, { _def: ProcedureDef }>;
  return Object.entries(procedures)
    .map(([path, procedure]) => {
      const def = procedure._def;
      const openapi = def.meta?.openapi;
      // Several .input() calls merge into one object; the panel shows the last (the full one).
      const input = def.inputs.length > 0 ? def.inputs[def.inputs.length - 1] : undefined;
      return {
        path,
        type: def.type,
        guarded: def.middlewares.some(isSignInStep),
        scope: def.meta?.scope ?? null,
        description: def.meta?.description ?? openapi?.summary ?? null,
        rest: openapi ? { method: openapi.method, path: `/api/v1${openapi.path}` } : null,
        inputSchema: input === undefined ? null : toJsonSchema(input, "input"),
        outputSchema: def.output === undefined ? null : toJsonSchema(def.output, "output"),
      };
    })
    .sort((a, b) => a.path.localeCompare(b.path));
}
