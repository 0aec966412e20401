/**
 * The MCP tools: each one is a tRPC procedure, named for agents. A tool's input schema is
 * its procedure's own Zod input (as JSON Schema), and a call runs the procedure through a
 * server-side caller, so the procedure's whole guard chain (scope, organization, ACL) and
 * validation apply exactly as on /trpc and /api/v1.
 */
import type { AnyRouter } from "@trpc/server";
import { z } from "zod";
import type { ScopeRequirement } from "../../identity/scopes.js";
import type { AppMeta } from "../../trpc/init.js";

interface ToolSpec {
  /** The procedure the tool calls. */
  procedure: string;
  /** What an agent should know beyond the procedure's own summary. */
  hint?: string;
  /** True when the procedure acts in one organization (the tool then accepts `organizationId`). */
  inOrganization: boolean;
  /** read: changes nothing; update: sets values (repeating it changes nothing more); create: adds a row. */
  effect: "read" | "update" | "create";
}

export const MCP_TOOLS: Record<string, ToolSpec> = {
  list_assessments: {
    procedure: "assessments.list",
    hint: "Start here to find assessment ids.",
    inOrganization: true,
    effect: "read",
  },
  get_assessment: { procedure: "assessments.get", inOrganization: true, effect: "read" },
  list_activities: {
    procedure: "activities.list",
    hint: "Each activity tests ATT&CK techniques; red results say what was done, blue what was seen.",
    inOrganization: true,
    effect: "read",
  },
  get_activity: {
    procedure: "activities.get",
    hint: "With its red (attack) and blue (detection) results.",
    inOrganization: true,
    effect: "read",
  },
  create_activity: {
    procedure: "activities.create",
    hint: "Find technique ids with search_techniques.",
    inOrganization: true,
    effect: "create",
  },
  update_activity_red: {
    procedure: "activities.updateRed",
    hint: "Written while the activity waits for red.",
    inOrganization: true,
    effect: "update",
  },
  update_activity_blue: {
    procedure: "activities.updateBlue",
    hint: "Written while the activity waits for blue.",
    inOrganization: true,
    effect: "update",
  },
  search_techniques: {
    procedure: "mitre.search",
    hint: "Use the ids with get_technique and create_activity.",
    inOrganization: false,
    effect: "read",
  },
  get_technique: {
    procedure: "mitre.technique",
    inOrganization: false,
    effect: "read",
  },
  assessment_statistics: {
    procedure: "statistics.assessment",
    inOrganization: true,
    effect: "read",
  },
  start_execution: {
    procedure: "executions.start",
    hint: "Runs a registered tool (or an imported Atomic Red Team test) on a worker; link it to an activity waiting for red to fill the red fields.",
    inOrganization: true,
    effect: "create",
  },
};

/** A tool as MCP lists it, plus the procedure it calls. */
export interface McpTool {
  name: string;
  procedure: string;
  description: string;
  inputSchema: { type: "object"; [key: string]: unknown };
  annotations: { readOnlyHint: boolean; destructiveHint: boolean; idempotentHint: boolean; openWorldHint: boolean };
}

const ORGANIZATION_PROPERTY = {
  type: "string",
  format: "uuid",
  description:
    "The organization to act in; omit when the credential is bound to one or the client sends X-Organization-Id",
};

interface ProcedureDef {
  meta?: AppMeta;
  inputs: unknown[];
}

type Json = Record<string, unknown>;

/**
 * Replaces `{ $ref: "#/definitions/X" }` (named schemas such as ActivityOutcome) with the
 * definition itself: not every agent resolves references in a tool's input schema.
 */
function inlineReferences(node: unknown, definitions: Json, depth = 0): unknown {
  if (Array.isArray(node)) return node.map((item) => inlineReferences(item, definitions, depth));
  if (typeof node !== "object" || node === null) return node;
  const { $ref, ...rest } = node as Json;
  const name = typeof $ref === "string" ? $ref.replace(/^#\/definitions\//, "") : undefined;
  const target = name !== undefined && depth < 16 ? definitions[name] : undefined;
  const merged: Json = target
    ? { ...(inlineReferences(target, definitions, depth + 1) as Json), ...rest }
    : (node as Json);
  return Object.fromEntries(
    Object.entries(merged).map(([key, value]) => [key, inlineReferences(value, definitions, depth)]),
  );
}

/** The procedure's input as the JSON Schema an agent fills in (draft-07, as MCP clients expect). */
function inputSchemaOf(def: ProcedureDef, inOrganization: boolean): McpTool["inputSchema"] {
  const input = def.inputs.at(-1);
  const json =
    input instanceof z.ZodType
      ? (z.toJSONSchema(input, { io: "input", target: "draft-7", unrepresentable: "any" }) as Json)
      : {};
  const { $schema: _dialect, definitions, ...raw } = json;
  const schema = inlineReferences(raw, (definitions as Json | undefined) ?? {}) as Json;
  const properties = { ...((schema.properties as Record<string, unknown> | undefined) ?? {}) };
  if (inOrganization && !("organizationId" in properties)) properties.organizationId = ORGANIZATION_PROPERTY;
  return { ...schema, type: "object", properties };
}

/** The tools over `router`'s procedures; throws at start-up when a tool names a missing procedure. */
export function buildTools(router: AnyRouter): McpTool[] {
  const procedures = router._def.procedures as Record<string, { _def: ProcedureDef } | undefined>;
  return Object.entries(MCP_TOOLS).map(([name, spec]) => {
    const def = procedures[spec.procedure]?._def;
    if (!def) throw new Error(`MCP tool ${name} names ${spec.procedure}, which the router lacks`);
    const summary = def.meta?.openapi?.summary ?? def.meta?.description ?? spec.procedure;
    const scope: ScopeRequirement | undefined = def.meta?.scope;
    return {
      name,
      procedure: spec.procedure,
      description: [summary.replace(/\.?$/, "."), spec.hint, `Needs the scope ${scope ?? "interactive"}.`]
        .filter(Boolean)
        .join(" "),
      inputSchema: inputSchemaOf(def, spec.inOrganization),
      annotations: {
        readOnlyHint: spec.effect === "read",
        destructiveHint: false,
        idempotentHint: spec.effect !== "create",
        openWorldHint: false,
      },
    };
  });
}
