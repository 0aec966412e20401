/**
 * The tool registry: admins (role admin or superuser) register, change and remove tools;
 * anyone allowed to run executions reads them. Only registered tools (and the built-in
 * Atomic Red Team tool) run. Every change is audited in the same transaction.
 */
import type { Context } from "../../context.js";
import { originOf } from "../../context.js";
import type { Prisma, Tool as ToolRow } from "../../generated/prisma/client.js";
import type { AuthUser } from "../../identity/principal.js";
import { AppError } from "../../lib/app-error.js";
import { defined } from "../../lib/defined.js";
import { isUuid } from "../../lib/ids.js";
import { toPage } from "../../lib/pagination.js";
import { recordAudit } from "../audit/audit.js";
import { ATOMIC_TOOL, ATOMIC_TOOL_ID, ATOMIC_TOOL_NAME } from "./builtin-tools.js";
import type { ParametersDefinition } from "./parameter-schema.js";
import { placeholdersOf } from "./tool-command.js";
import type { CreateToolInput, ListToolsInput, Tool, UpdateToolInput } from "./tools.schemas.js";

export type ToolsCtx = Pick<Context, "db" | "req"> & { user: AuthUser };

const toolNotFound = (field = "id") => new AppError("NOT_FOUND", "Tool not found", field);

/** A registered tool as the API shows it (the values of its variables stay hidden). */
export function toTool(row: ToolRow): Tool {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    category: row.category,
    kind: "command",
    builtin: false,
    executable: row.executable,
    args: row.args,
    parameters: row.parameters as Record<string, unknown>,
    timeoutSeconds: row.timeoutSeconds,
    maxOutputBytes: row.maxOutputBytes,
    platforms: row.platforms,
    envNames: Object.keys(row.env as Record<string, string>).sort(),
    progressPattern: row.progressPattern,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/** The live registered tool `id`, or null (not the built-in one). */
export async function findToolRow(ctx: Pick<Context, "db">, id: string): Promise<ToolRow | null> {
  if (!isUuid(id)) return null;
  return ctx.db.prisma.tool.findFirst({ where: { id, deletedAt: null } });
}

/** Tools by name, the built-in one first; filtered by `q` and `category`. */
export async function listTools(ctx: Pick<Context, "db">, input: ListToolsInput) {
  const rows = await ctx.db.prisma.tool.findMany({
    where: { deletedAt: null },
    orderBy: [{ name: "asc" }, { id: "asc" }],
  });
  const q = input.q?.toLowerCase();
  const all = [ATOMIC_TOOL, ...rows.map(toTool)].filter(
    (tool) =>
      (!input.category || tool.category === input.category) &&
      (!q || [tool.name, tool.description, tool.category].some((field) => field.toLowerCase().includes(q))),
  );
  const start = (input.page - 1) * input.pageSize;
  return toPage(all.slice(start, start + input.pageSize), all.length, input.page, input.pageSize);
}

/** One tool (the built-in one too). */
export async function getTool(ctx: Pick<Context, "db">, id: string): Promise<Tool> {
  if (id === ATOMIC_TOOL_ID) return ATOMIC_TOOL;
  const row = await findToolRow(ctx, id);
  if (!row) throw toolNotFound();
  return toTool(row);
}

/** VALIDATION on `args.<i>` when an argument names a parameter the schema does not declare. */
function assertPlaceholders(args: readonly string[], parameters: ParametersDefinition): void {
  args.forEach((arg, i) => {
    const unknown = placeholdersOf(arg).find((name) => !(name in parameters.properties));
    if (unknown) {
      throw new AppError("VALIDATION", `{{${unknown}}} is not a parameter of the tool`, `args.${i}`);
    }
  });
}

async function assertNameFree(tx: Prisma.TransactionClient, name: string, exceptId?: string): Promise<void> {
  const taken =
    name.toLowerCase() === ATOMIC_TOOL_NAME ||
    (await tx.tool.findFirst({
      where: {
        deletedAt: null,
        name: { equals: name, mode: "insensitive" },
        ...(exceptId ? { id: { not: exceptId } } : {}),
      },
      select: { id: true },
    })) !== null;
  if (taken) throw new AppError("CONFLICT", "A tool with this name already exists", "name");
}

const builtinRefused = () => new AppError("FORBIDDEN", "The built-in Atomic Red Team tool cannot be changed");

/** Registers a tool (admins). */
export async function createTool(ctx: ToolsCtx, input: CreateToolInput): Promise<Tool> {
  assertPlaceholders(input.args, input.parameters);
  const row = await ctx.db.prisma.$transaction(async (tx) => {
    await assertNameFree(tx, input.name);
    const created = await tx.tool.create({
      data: {
        name: input.name,
        description: input.description,
        category: input.category,
        executable: input.executable,
        args: input.args,
        parameters: input.parameters as Prisma.InputJsonValue,
        timeoutSeconds: input.timeoutSeconds ?? null,
        maxOutputBytes: input.maxOutputBytes ?? null,
        platforms: input.platforms,
        env: input.env,
        progressPattern: input.progressPattern ?? null,
        createdById: ctx.user.id,
      },
    });
    await recordAudit(tx, originOf(ctx), {
      type: "tool.created",
      actorId: ctx.user.id,
      targetType: "tool",
      targetId: created.id,
      metadata: { name: created.name, executable: created.executable, args: created.args },
    });
    return created;
  });
  return toTool(row);
}

/** Changes a tool (admins); past executions keep the argv they ran with. */
export async function updateTool(ctx: ToolsCtx, input: UpdateToolInput): Promise<Tool> {
  if (input.id === ATOMIC_TOOL_ID) throw builtinRefused();
  const { id, ...changes } = input;
  const row = await ctx.db.prisma.$transaction(async (tx) => {
    const before = await tx.tool.findFirst({ where: { id, deletedAt: null } });
    if (!before) throw toolNotFound();
    assertPlaceholders(changes.args ?? before.args, (changes.parameters ?? before.parameters) as ParametersDefinition);
    if (changes.name !== undefined) await assertNameFree(tx, changes.name, id);
    const { parameters, ...rest } = changes;
    const updated = await tx.tool.update({
      where: { id },
      data: { ...defined(rest), ...(parameters ? { parameters: parameters as Prisma.InputJsonValue } : {}) },
    });
    await recordAudit(tx, originOf(ctx), {
      type: "tool.updated",
      actorId: ctx.user.id,
      targetType: "tool",
      targetId: id,
      metadata: { name: updated.name, fields: Object.keys(defined(changes)).sort() },
    });
    return updated;
  });
  return toTool(row);
}

/** Removes a tool (admins): it can no longer run; past executions keep their record. */
export async function deleteTool(ctx: ToolsCtx & Pick<Context, "clock">, id: string): Promise<Tool> {
  if (id === ATOMIC_TOOL_ID) throw builtinRefused();
  const row = await ctx.db.prisma.$transaction(async (tx) => {
    const before = await tx.tool.findFirst({ where: { id, deletedAt: null } });
    if (!before) throw toolNotFound();
    const deleted = await tx.tool.update({ where: { id }, data: { deletedAt: ctx.clock.now() } });
    await recordAudit(tx, originOf(ctx), {
      type: "tool.deleted",
      actorId: ctx.user.id,
      targetType: "tool",
      targetId: id,
      metadata: { name: before.name },
    });
    return deleted;
  });
  return toTool(row);
}
