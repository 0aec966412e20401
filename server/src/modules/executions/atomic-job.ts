/**
 * The built-in tool's job: an imported Atomic Red Team test (an activity template with an
 * executor) becomes its command and cleanup, each run by the test's executor. Input
 * arguments are checked against the test's declared types and defaults; a value the operator
 * gives may not carry the executor's shell syntax, so it can only ever be the argument it
 * claims to be (the test's own command and defaults come from the imported file, which the
 * organization chose to trust by enabling atomic execution).
 */
import { z } from "zod";
import type { OrgCtx } from "../../identity/contexts.js";
import { AppError } from "../../lib/app-error.js";
import { UUID_PATTERN } from "../../lib/ids.js";
import type { AtomicInputArgument } from "../atomics/atomic-yaml.js";
import { PLATFORMS } from "../tools/tools.schemas.js";

export interface AtomicPlan {
  steps: { role: "command" | "cleanup"; argv: string[] }[];
  /** The command as an operator would read it (written into the activity's red fields). */
  command: string;
  executor: string;
  requiredLabels: string[];
  platforms: string[];
  parameters: { templateId: string; inputArguments: Record<string, string> };
}

const EXECUTORS: Record<string, (command: string) => string[]> = {
  sh: (command) => ["sh", "-c", command],
  bash: (command) => ["bash", "-c", command],
  powershell: (command) => ["powershell", "-NoProfile", "-NonInteractive", "-Command", command],
  command_prompt: (command) => ["cmd.exe", "/c", command],
};

// Characters that would let a value step out of its argument in each executor's language.
const SHELL_SYNTAX: Record<string, RegExp> = {
  sh: /[\n\r;&|<>()$`\\"'{}]/,
  bash: /[\n\r;&|<>()$`\\"'{}]/,
  powershell: /[\n\r;&|<>()$`"'{}@]/,
  command_prompt: /[\n\r&|<>^%"()]/,
};

const atomicParameters = z.strictObject({
  templateId: z.string().regex(UUID_PATTERN, { error: "must be the id of an imported Atomic Red Team test" }),
  inputArguments: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).default({}),
});

const field = (name: string) => `parameters.inputArguments.${name}`;

function checkValue(arg: AtomicInputArgument, value: string, executor: string): void {
  if (value.includes("\u0000")) throw new AppError("VALIDATION", "must not contain NUL", field(arg.name));
  const type = arg.type.toLowerCase();
  if (type === "integer" && !/^-?\d+$/.test(value)) {
    throw new AppError("VALIDATION", "must be an integer", field(arg.name));
  }
  if ((type === "float" || type === "number") && !/^-?\d+(\.\d+)?$/.test(value)) {
    throw new AppError("VALIDATION", "must be a number", field(arg.name));
  }
  if (SHELL_SYNTAX[executor]?.test(value)) {
    throw new AppError(
      "VALIDATION",
      `must not contain ${executor} syntax (quotes, ; & | < > ( ) $ and the like): it is substituted into the test's command`,
      field(arg.name),
    );
  }
}

/** Plans the run of the test named by `raw` (the execution's parameters) for the caller's organization. */
export async function planAtomic(ctx: OrgCtx, raw: unknown): Promise<AtomicPlan> {
  const parsed = atomicParameters.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new AppError("VALIDATION", issue?.message ?? "invalid", `parameters.${issue?.path.join(".") ?? ""}`);
  }
  const { templateId, inputArguments } = parsed.data;
  const template = await ctx.db.prisma.activityTemplate.findFirst({
    where: { id: templateId, deletedAt: null, OR: [{ organizationId: null }, { organizationId: ctx.org.id }] },
  });
  if (!template?.executorName || template.command === null) {
    throw new AppError("NOT_FOUND", "Atomic Red Team test not found", "parameters.templateId");
  }
  const executor = template.executorName.toLowerCase();
  const run = EXECUTORS[executor];
  if (!run) {
    const why =
      executor === "manual"
        ? "its steps are manual: there is nothing to run"
        : `its executor ${executor} is not supported`;
    throw new AppError("UNPROCESSABLE", `This test cannot be executed: ${why}`, "parameters.templateId");
  }
  const declared = template.inputArguments as unknown as AtomicInputArgument[];
  for (const name of Object.keys(inputArguments)) {
    if (!declared.some((arg) => arg.name === name)) {
      throw new AppError("VALIDATION", "is not an input argument of this test", field(name));
    }
  }
  const values: Record<string, string> = {};
  for (const arg of declared) {
    const given = inputArguments[arg.name];
    if (given !== undefined) checkValue(arg, String(given), executor);
    const value = given === undefined ? arg.default : String(given);
    if (value === null) throw new AppError("VALIDATION", "is required (the test has no default)", field(arg.name));
    values[arg.name] = value;
  }
  const fill = (text: string) => text.replace(/#\{([^}]+)\}/g, (whole, name: string) => values[name] ?? whole);
  const command = fill(template.command).trim();
  const cleanup = template.cleanupCommand ? fill(template.cleanupCommand).trim() : "";
  return {
    steps: [
      { role: "command", argv: run(command) },
      ...(cleanup ? [{ role: "cleanup" as const, argv: run(cleanup) }] : []),
    ],
    command,
    executor,
    requiredLabels: [`executor:${executor}`],
    platforms: template.platforms.filter((p) => (PLATFORMS as readonly string[]).includes(p)),
    parameters: {
      templateId,
      inputArguments: Object.fromEntries(Object.entries(inputArguments).map(([k, v]) => [k, String(v)])),
    },
  };
}
