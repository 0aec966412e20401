/** Inputs and outputs of the tool registry (tools.*). */
import { z } from "zod";
import { pageInput, pageOf } from "../../lib/pagination.js";
import { PASSED_VARIABLES, RESERVED_VARIABLES } from "../../runner/child-env.js";
import { parametersDefinitionSchema } from "./parameter-schema.js";
import { placeholdersOf } from "./tool-command.js";

export const PLATFORMS = ["linux", "macos", "windows"] as const;
const MAX_TIMEOUT_SECONDS = 24 * 3600;

const noNul = (value: string) => !value.includes("\u0000");
const text = (max: number) => z.string().max(max).refine(noNul, { error: "must not contain NUL" });

const envName = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/, { error: "variable names are letters, digits and _" })
  .refine((name) => !RESERVED_VARIABLES.test(name) && !(PASSED_VARIABLES as readonly string[]).includes(name), {
    error: "this variable is set by the runner (or would change how programs load) and cannot be declared",
  });

const toolFields = {
  name: z.string().trim().min(1).max(100).refine(noNul, { error: "must not contain NUL" }),
  description: text(2000),
  category: z.string().trim().min(1).max(50).refine(noNul, { error: "must not contain NUL" }),
  executable: text(500)
    .pipe(z.string().min(1, { error: "is required" }))
    .refine((v) => placeholdersOf(v).length === 0, { error: "the executable is fixed: no {{placeholders}}" })
    .describe("The program, started directly with the arguments (never through a shell)"),
  args: z
    .array(text(2000))
    .max(100)
    .describe("Arguments, each one argv element; {{name}} placeholders take parameter values"),
  parameters: parametersDefinitionSchema,
  timeoutSeconds: z.number().int().min(1).max(MAX_TIMEOUT_SECONDS).nullable(),
  maxOutputBytes: z
    .number()
    .int()
    .min(1024)
    .max(64 * 1024 * 1024)
    .nullable()
    .describe("Output kept per execution (at most EXECUTION_MAX_OUTPUT_BYTES)"),
  platforms: z.array(z.enum(PLATFORMS)).max(3).describe("Operating systems the tool runs on; empty = any"),
  env: z
    .record(envName, text(4096))
    .describe("Variables the process gets besides PATH, HOME, LANG and TMPDIR (values are never shown again)"),
  progressPattern: z
    .string()
    .max(500)
    .refine(
      (source) => {
        try {
          return new RegExp(source).source.length > 0;
        } catch {
          return false;
        }
      },
      { error: "must be a valid regular expression" },
    )
    .nullable()
    .describe("Regular expression whose first group, matched on each output line, is the progress in percent"),
};

export const createToolInput = z.object({
  name: toolFields.name,
  description: toolFields.description.default(""),
  category: toolFields.category,
  executable: toolFields.executable,
  args: toolFields.args.default([]),
  parameters: toolFields.parameters,
  timeoutSeconds: toolFields.timeoutSeconds.optional(),
  maxOutputBytes: toolFields.maxOutputBytes.optional(),
  platforms: toolFields.platforms.default([]),
  env: toolFields.env.default({}),
  progressPattern: toolFields.progressPattern.optional(),
});
export type CreateToolInput = z.infer<typeof createToolInput>;

export const updateToolInput = z.object({
  id: z.uuid(),
  name: toolFields.name.optional(),
  description: toolFields.description.optional(),
  category: toolFields.category.optional(),
  executable: toolFields.executable.optional(),
  args: toolFields.args.optional(),
  parameters: toolFields.parameters.optional(),
  timeoutSeconds: toolFields.timeoutSeconds.optional(),
  maxOutputBytes: toolFields.maxOutputBytes.optional(),
  platforms: toolFields.platforms.optional(),
  env: toolFields.env.optional(),
  progressPattern: toolFields.progressPattern.optional(),
});
export type UpdateToolInput = z.infer<typeof updateToolInput>;

export const toolIdInput = z.object({ id: z.uuid() });

export const listToolsInput = pageInput.extend({
  q: z.string().trim().max(200).optional().describe("Searches name, description and category"),
  category: z.string().trim().max(50).optional(),
});
export type ListToolsInput = z.infer<typeof listToolsInput>;

export const toolSchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    description: z.string(),
    category: z.string(),
    kind: z.enum(["command", "atomic"]).describe("atomic: the built-in tool running imported Atomic Red Team tests"),
    builtin: z.boolean(),
    executable: z.string(),
    args: z.array(z.string()),
    parameters: z.record(z.string(), z.unknown()).describe("JSON Schema of the parameters"),
    timeoutSeconds: z.number().int().nullable(),
    maxOutputBytes: z.number().int().nullable(),
    platforms: z.array(z.string()),
    envNames: z.array(z.string()).describe("Names of the variables the tool declares (values are not shown)"),
    progressPattern: z.string().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: "Tool" });
export type Tool = z.infer<typeof toolSchema>;

export const toolPageSchema = pageOf(toolSchema, "ToolPage");
