/**
 * Matrix rules for the tool registry (read by anyone signed in, written by admins), executions
 * (organization data: red or lead on the assessment start them, every ACL role reads them, the
 * lead cancels them), the organization's execution settings and the workers list.
 */
import { FINAL_STATUSES } from "../../execution-bus/execution-job.js";
import { TOOLS } from "../execution-kit.js";
import type { HttpRule } from "./http-rule.js";
import { assessmentRole, globalAdmin, orgRole, type Rule, signedIn } from "./ladders.js";
import type { World } from "./world.js";

const tools = new WeakMap<World, Promise<{ echo: string; sleep: string }>>();
const finished = new WeakMap<World, Promise<string>>();

/** The tools of the matrix (registered once per world, through the database). */
function matrixTools(world: World) {
  let ids = tools.get(world);
  if (!ids) {
    const create = async (def: (typeof TOOLS)["echo"] | (typeof TOOLS)["sleep"]) =>
      (
        await world.h.deps.db.prisma.tool.create({
          data: { ...def, name: `matrix-${def.name}-${crypto.randomUUID().slice(0, 8)}`, parameters: def.parameters },
        })
      ).id;
    ids = (async () => ({ echo: await create(TOOLS.echo), sleep: await create(TOOLS.sleep) }))();
    tools.set(world, ids);
  }
  return ids;
}

const leadApi = (world: World) =>
  world.h.caller({
    headers: new Headers({ authorization: `Bearer ${world.users.lead.token}`, "x-organization-id": world.orgId }),
  });

/** A finished execution of the shared assessment, started by its lead. */
function finishedExecution(world: World): Promise<string> {
  let id = finished.get(world);
  if (!id) {
    id = (async () => {
      const api = leadApi(world);
      const started = await api.executions.start({
        toolId: (await matrixTools(world)).echo,
        parameters: { message: "matrix" },
        assessmentId: world.assessmentId,
      });
      for (let i = 0; i < 400; i++) {
        if (FINAL_STATUSES.includes((await api.executions.get({ id: started.id })).status)) return started.id;
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      throw new Error("the matrix execution did not finish");
    })();
    finished.set(world, id);
  }
  return id;
}

/** A long execution of the shared assessment started by its lead (a target for cancel). */
async function runningExecution(world: World): Promise<string> {
  const started = await leadApi(world).executions.start({
    toolId: (await matrixTools(world)).sleep,
    parameters: { seconds: 20 },
    assessmentId: world.assessmentId,
  });
  return started.id;
}

// Naming org A while not a member of it is refused like any other org-scoped call.
const member = { ...orgRole("member"), viewer: 404 } as const;
const readers = assessmentRole("spectator", "blue", "red", "lead");
const starters = assessmentRole("red", "lead");
const lead = assessmentRole("lead");

export const executionRules: Record<string, Rule> = {
  "tools.list": { expect: { ...signedIn, orgOwner: "ok" }, call: () => ({ input: {} }) },
  "tools.get": {
    expect: { ...signedIn, orgOwner: "ok" },
    call: async (w) => ({ input: { id: (await matrixTools(w)).echo } }),
  },
  "tools.create": {
    expect: globalAdmin,
    call: () => ({ input: { ...TOOLS.echo, name: `matrix-${crypto.randomUUID()}` } }),
  },
  "tools.update": {
    expect: globalAdmin,
    call: async (w) => ({ input: { id: (await matrixTools(w)).echo, description: "matrix" } }),
  },
  "tools.delete": {
    expect: globalAdmin,
    call: async (w) => {
      const row = await w.h.deps.db.prisma.tool.create({
        data: { ...TOOLS.echo, name: `matrix-doomed-${crypto.randomUUID()}`, parameters: TOOLS.echo.parameters },
      });
      return { input: { id: row.id } };
    },
  },
  "executions.start": {
    expect: { ...starters, viewer: 404 },
    call: async (w) => ({
      input: { toolId: (await matrixTools(w)).echo, parameters: { message: "m" }, assessmentId: w.assessmentId },
    }),
  },
  "executions.list": { expect: { ...member, spectator: "ok" }, call: () => ({ input: {} }) },
  "executions.get": { expect: readers, call: async (w) => ({ input: { id: await finishedExecution(w) } }) },
  "executions.output": { expect: readers, call: async (w) => ({ input: { id: await finishedExecution(w) } }) },
  "executions.stream": { expect: readers, call: async (w) => ({ input: { id: await finishedExecution(w) } }) },
  "executions.cancel": { expect: lead, call: async (w) => ({ input: { id: await runningExecution(w) } }) },
  "executions.settings": { expect: { ...member, spectator: "ok" }, call: () => ({ input: {} }) },
  "executions.updateSettings": { expect: orgRole("admin"), call: () => ({ input: { atomicExecutionEnabled: false } }) },
  "workers.list": { expect: globalAdmin },
};

export const executionHttpRules: Record<string, HttpRule> = {
  "POST /api/v1/tools/:id/execute": {
    expect: { ...starters, viewer: 404 },
    request: async (w) => ({
      path: `/api/v1/tools/${(await matrixTools(w)).echo}/execute`,
      init: {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ parameters: { message: "m" }, assessmentId: w.assessmentId }),
      },
    }),
  },
  "DELETE /api/v1/executions/:id": {
    expect: lead,
    request: async (w) => ({ path: `/api/v1/executions/${await runningExecution(w)}`, init: { method: "DELETE" } }),
  },
  "GET /api/v1/executions/:id/output": {
    expect: readers,
    request: async (w) => ({ path: `/api/v1/executions/${await finishedExecution(w)}/output` }),
  },
  "GET /api/v1/executions/:id/stream": {
    expect: readers,
    request: async (w) => ({ path: `/api/v1/executions/${await finishedExecution(w)}/stream` }),
  },
};
