/**
 * One MCP server per request (the transport is stateless): the tools of mcp-tools.ts and
 * the resources (ATT&CK techniques, assessments), every one answered by a tRPC procedure
 * called as the request's credential, so nothing here decides who may see what.
 */
import { McpServer, ResourceTemplate } from "@modelcontextprotocol/sdk/server/mcp.js";
import {
  CallToolRequestSchema,
  type CallToolResult,
  ErrorCode,
  ListToolsRequestSchema,
  McpError,
} from "@modelcontextprotocol/sdk/types.js";
import { mapError } from "../../lib/error-mapping.js";
import type { Logger } from "../../lib/logger.js";
import type { McpTool } from "./mcp-tools.js";

/** Calls the procedure at `path` (e.g. "activities.updateBlue") with `input`, through its guard. */
export type CallProcedure = (path: string, input: unknown) => Promise<unknown>;

/** JSON-RPC code the MCP specification gives an unknown resource. */
const RESOURCE_NOT_FOUND = -32002;
const JSON_TYPE = "application/json";
/** Assessments listed as resources (the first page; list_assessments pages through all). */
const LISTED_ASSESSMENTS = 100;

const INSTRUCTIONS =
  "Assay records purple-team assessments: activities test ATT&CK techniques; red results say what was done, blue results what was detected or prevented. Find technique ids with search_techniques, assessments with list_assessments. Every call acts as the credential's owner, within its scopes and organization.";

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A procedure's failure as a tool result the agent can read (Assay's code, message and fields). */
function toolError(error: unknown, log: Logger): CallToolResult {
  const mapped = mapError(error);
  if (mapped.unexpected) log.error({ err: error }, "MCP tool failed");
  const body = { code: mapped.code, message: mapped.message, errors: mapped.errors };
  return { isError: true, content: [{ type: "text", text: JSON.stringify(body) }] };
}

/** A procedure's failure while reading a resource, as the JSON-RPC error MCP expects. */
function resourceError(error: unknown, log: Logger): McpError {
  const mapped = mapError(error);
  if (mapped.unexpected) log.error({ err: error }, "MCP resource read failed");
  if (mapped.code === "NOT_FOUND") return new McpError(RESOURCE_NOT_FOUND, "Resource not found");
  const code = mapped.status < 500 ? ErrorCode.InvalidRequest : ErrorCode.InternalError;
  return new McpError(code, mapped.message, { code: mapped.code, errors: mapped.errors });
}

function serveTools(mcp: McpServer, tools: McpTool[], call: CallProcedure, log: Logger): void {
  const byName = new Map(tools.map((tool) => [tool.name, tool]));
  mcp.server.setRequestHandler(ListToolsRequestSchema, () => ({
    tools: tools.map(({ procedure: _procedure, ...listed }) => listed),
  }));
  mcp.server.setRequestHandler(CallToolRequestSchema, async (request): Promise<CallToolResult> => {
    const tool = byName.get(request.params.name);
    if (!tool) throw new McpError(ErrorCode.InvalidParams, `No tool named ${request.params.name}`);
    try {
      // The raw arguments: the procedure validates them itself, once, with its own messages.
      const result = await call(tool.procedure, request.params.arguments ?? {});
      return {
        content: [{ type: "text", text: JSON.stringify(result) }],
        ...(isRecord(result) ? { structuredContent: result } : {}),
      };
    } catch (error) {
      return toolError(error, log);
    }
  });
}

function serveResources(mcp: McpServer, call: CallProcedure, log: Logger): void {
  const read = async (uri: URL, path: string, input: unknown) => {
    try {
      const value = await call(path, input);
      return { contents: [{ uri: uri.href, mimeType: JSON_TYPE, text: JSON.stringify(value) }] };
    } catch (error) {
      throw resourceError(error, log);
    }
  };
  mcp.registerResource(
    "technique",
    new ResourceTemplate("attack://technique/{id}", { list: undefined }),
    { title: "ATT&CK technique", description: "A technique by its ATT&CK id, e.g. T1003.001", mimeType: JSON_TYPE },
    (uri, { id }) => read(uri, "mitre.technique", { id: String(id) }),
  );
  mcp.registerResource(
    "assessment",
    new ResourceTemplate("assay://assessment/{id}", {
      list: async () => {
        try {
          const page = (await call("assessments.list", { pageSize: LISTED_ASSESSMENTS })) as {
            data: { id: string; name: string; description?: string | null }[];
          };
          return {
            resources: page.data.map((a) => ({
              uri: `assay://assessment/${a.id}`,
              name: a.name,
              mimeType: JSON_TYPE,
              ...(a.description ? { description: a.description } : {}),
            })),
          };
        } catch (error) {
          // No organization named, or no assessments:read: nothing to list, not a failure.
          if (mapError(error).status < 500) return { resources: [] };
          throw resourceError(error, log);
        }
      },
    }),
    { title: "Assessment", description: "An assessment of the organization", mimeType: JSON_TYPE },
    (uri, { id }) => read(uri, "assessments.get", { id: String(id) }),
  );
}

/** The MCP server answering one request as the caller behind `call`. */
export function createMcpServer(options: {
  version: string;
  tools: McpTool[];
  call: CallProcedure;
  log: Logger;
}): McpServer {
  const mcp = new McpServer(
    { name: "assay", title: "Assay", version: options.version },
    { capabilities: { tools: {}, resources: {} }, instructions: INSTRUCTIONS },
  );
  serveTools(mcp, options.tools, options.call, options.log);
  serveResources(mcp, options.call, options.log);
  return mcp;
}
