/** The tool registry (tools.*): read by anyone who may run executions, written by admins. */
import { router } from "../../trpc/init.js";
import { authedProcedure, roleProcedure } from "../../trpc/procedures.js";
import {
  createToolInput,
  listToolsInput,
  toolIdInput,
  toolPageSchema,
  toolSchema,
  updateToolInput,
} from "./tools.schemas.js";
import { createTool, deleteTool, getTool, listTools, updateTool } from "./tools.service.js";

const tags = ["tools"];
const adminProcedure = roleProcedure("admin");

export const toolsRouter = router({
  list: authedProcedure
    .meta({ scope: "executions:run" })
    .meta({
      openapi: {
        method: "GET",
        path: "/tools",
        tags,
        summary: "Runnable tools, the built-in Atomic Red Team tool first",
      },
    })
    .input(listToolsInput)
    .output(toolPageSchema)
    .query(({ ctx, input }) => listTools(ctx, input)),
  get: authedProcedure
    .meta({ scope: "executions:run" })
    .meta({ openapi: { method: "GET", path: "/tools/{id}", tags, summary: "One tool with its parameter schema" } })
    .input(toolIdInput)
    .output(toolSchema)
    .query(({ ctx, input }) => getTool(ctx, input.id)),
  create: adminProcedure
    .meta({ scope: "admin" })
    .meta({ openapi: { method: "POST", path: "/tools", tags, summary: "Register a tool (admins)" } })
    .input(createToolInput)
    .output(toolSchema)
    .mutation(({ ctx, input }) => createTool(ctx, input)),
  update: adminProcedure
    .meta({ scope: "admin" })
    .meta({ openapi: { method: "PATCH", path: "/tools/{id}", tags, summary: "Change a tool (admins)" } })
    .input(updateToolInput)
    .output(toolSchema)
    .mutation(({ ctx, input }) => updateTool(ctx, input)),
  delete: adminProcedure
    .meta({ scope: "admin" })
    .meta({
      openapi: { method: "DELETE", path: "/tools/{id}", tags, summary: "Remove a tool (admins); past executions stay" },
    })
    .input(toolIdInput)
    .output(toolSchema)
    .mutation(({ ctx, input }) => deleteTool(ctx, input.id)),
});
