/**
 * The built-in tool: runs an imported Atomic Red Team test (an activity template with an
 * executor) on a worker. It lives in code, not in the tools table, under a fixed id.
 */
import type { Tool } from "./tools.schemas.js";

export const ATOMIC_TOOL_ID = "00000000-0000-4000-8000-0000000a7011";
export const ATOMIC_TOOL_NAME = "atomic-red-team";

const EPOCH = new Date(0).toISOString();

export const ATOMIC_TOOL: Tool = {
  id: ATOMIC_TOOL_ID,
  name: ATOMIC_TOOL_NAME,
  description:
    "Runs an imported Atomic Red Team test: its command with the executor it names (sh, bash; powershell and command_prompt on workers that have them), then its cleanup command. Off until the organization enables atomic execution; red or lead members of the assessment only.",
  category: "atomic",
  kind: "atomic",
  builtin: true,
  executable: "(the test's executor)",
  args: [],
  parameters: {
    type: "object",
    properties: {
      templateId: { type: "string", format: "uuid", description: "The imported test (an activity template)" },
      inputArguments: {
        type: "object",
        description: "Values of the test's input arguments by name; the test's defaults fill the rest",
        additionalProperties: { type: ["string", "number", "boolean"] },
      },
    },
    required: ["templateId"],
    additionalProperties: false,
  },
  timeoutSeconds: null,
  maxOutputBytes: null,
  platforms: [],
  envNames: [],
  progressPattern: null,
  createdAt: EPOCH,
  updatedAt: EPOCH,
};
