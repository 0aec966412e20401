/**
 * The MCP server at /mcp, as an agent meets it: the official SDK client over Streamable HTTP
 * against a real server, authenticated with an API key. Tools and resources answer through
 * the procedures' own guards: scopes, organization and ACL hold exactly as on the API.
 */
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SCOPES } from "../../identity/scopes.js";
import { issueKey } from "../../test-support/api-key-kit.js";
import { createTeam } from "../../test-support/assessment-fixtures.js";
import { registerTools, toolAdmin, waitForStatus } from "../../test-support/execution-kit.js";
import { createHarness, type Harness } from "../../test-support/harness.js";
import { importAttack } from "../mitre/attack-import.service.js";
import { loadBundledAttackDataset } from "../mitre/bundled-dataset.js";

type Team = Awaited<ReturnType<typeof createTeam>>;

/** The bundled ATT&CK dataset cut down to OS Credential Dumping (T1003) and its sub-techniques: a quick load. */
async function loadCredentialDumping(h: Harness): Promise<void> {
  const full = await loadBundledAttackDataset();
  const techniques = full.techniques.filter((t) => t.attackId.startsWith("T1003"));
  const ids = new Set(techniques.map((t) => t.stixId));
  const mitigates = full.mitigates.filter((m) => ids.has(m.techniqueStixId));
  const mitigationIds = new Set(mitigates.map((m) => m.mitigationStixId));
  await importAttack(
    h.deps.db,
    {
      ...full,
      techniques,
      mitigates,
      mitigations: full.mitigations.filter((m) => mitigationIds.has(m.stixId)),
      subtechniqueOf: full.subtechniqueOf.filter((r) => ids.has(r.subtechniqueStixId)),
    },
    "test",
  );
}

describe("the MCP server", () => {
  let h: Harness;
  let server: ReturnType<typeof serve>;
  let base: string;
  let team: Team;
  let other: Team;
  let activityId: string;
  const clients: Client[] = [];

  /** An SDK client connected with `key` (and X-Organization-Id when `orgId` is given). */
  async function connect(key: string, orgId?: string): Promise<Client> {
    const headers: Record<string, string> = { authorization: `Bearer ${key}` };
    if (orgId) headers["x-organization-id"] = orgId;
    const client = new Client({ name: "assay-test-agent", version: "1.0.0" });
    await client.connect(new StreamableHTTPClientTransport(new URL(`${base}/mcp`), { requestInit: { headers } }));
    clients.push(client);
    return client;
  }

  /** The JSON text of a resource read. */
  function resourceJson(result: { contents: ({ text: string } | { blob: string })[] }): unknown {
    const first = result.contents[0];
    if (!first || !("text" in first)) throw new Error("expected a text resource");
    return JSON.parse(first.text);
  }

  function json(result: unknown): unknown {
    const first = (result as CallToolResult).content[0];
    if (first?.type !== "text") throw new Error("expected a text result");
    return JSON.parse(first.text);
  }

  beforeAll(async () => {
    h = await createHarness();
    await loadCredentialDumping(h);
    team = await createTeam(h);
    other = await createTeam(h);
    const activity = await team.lead.api.activities.create({
      assessmentId: team.assessmentId,
      title: "Dump LSASS",
      techniques: ["T1003.001"],
    });
    activityId = activity.id;
    // Blue results are written while the activity waits for blue.
    await team.lead.api.activities.transition({ id: activityId, to: "waiting_red" });
    await team.red.api.activities.transition({ id: activityId, to: "waiting_blue" });
    await new Promise<void>((resolve) => {
      server = serve({ fetch: h.app.fetch, port: 0, hostname: "127.0.0.1" }, () => resolve());
    });
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }, 120_000);
  afterAll(async () => {
    await Promise.all(clients.map((client) => client.close()));
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await h.close();
  });

  it("lists its tools, each with the input schema of the procedure it wraps", async () => {
    const { key } = await issueKey(
      h,
      team.blue.token,
      [...SCOPES].filter((s) => s !== "admin"),
      {
        organizationId: team.orgId,
      },
    );
    const client = await connect(key);
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual(
      [
        "assessment_statistics",
        "create_activity",
        "get_activity",
        "get_assessment",
        "get_technique",
        "list_activities",
        "list_assessments",
        "search_techniques",
        "start_execution",
        "update_activity_blue",
        "update_activity_red",
      ].sort(),
    );
    const blue = tools.find((t) => t.name === "update_activity_blue");
    expect(blue?.inputSchema.required).toEqual(["id"]);
    expect(blue?.inputSchema.properties).toHaveProperty("outcome");
    expect(JSON.stringify(blue?.inputSchema.properties?.outcome)).toContain("not_detected");
    // Self-contained: no references for the agent to resolve.
    expect(JSON.stringify(tools)).not.toContain("$ref");
    expect(blue?.inputSchema.properties).toHaveProperty("organizationId");
    expect(blue?.description).toMatch(/activities:write/);
    const search = tools.find((t) => t.name === "search_techniques");
    expect(search?.inputSchema.required).toEqual(["q"]);
    expect(search?.annotations?.readOnlyHint).toBe(true);
  });

  it("searches techniques and records a blue outcome as the key's owner", async () => {
    const { key } = await issueKey(h, team.blue.token, ["attack:read", "activities:read", "activities:write"], {
      organizationId: team.orgId,
    });
    const client = await connect(key);
    const found = json(await client.callTool({ name: "search_techniques", arguments: { q: "T1003.001" } }));
    expect(found).toEqual([expect.objectContaining({ attackId: "T1003.001", name: "LSASS Memory" })]);

    const updated = await client.callTool({
      name: "update_activity_blue",
      arguments: { id: activityId, outcome: "alerted", detectionSource: "EDR" },
    });
    expect(updated.isError, JSON.stringify(updated.content)).toBeFalsy();
    expect(json(updated)).toMatchObject({ id: activityId, blue: { outcome: "alerted", detectionSource: "EDR" } });
    // The change is real, and made by the key's owner.
    const seen = await team.lead.api.activities.get({ id: activityId });
    expect(seen.blue.outcome).toBe("alerted");
  });

  it("refuses the update without activities:write, naming the scope", async () => {
    const { key } = await issueKey(h, team.blue.token, ["activities:read"], { organizationId: team.orgId });
    const client = await connect(key);
    const refused = await client.callTool({
      name: "update_activity_blue",
      arguments: { id: activityId, outcome: "not_detected" },
    });
    expect(refused.isError).toBe(true);
    expect(json(refused)).toMatchObject({ code: "FORBIDDEN", message: expect.stringMatching(/activities:write/) });
    expect((await team.lead.api.activities.get({ id: activityId })).blue.outcome).not.toBe("not_detected");
    // Reading is within the key's scopes.
    const read = await client.callTool({ name: "get_activity", arguments: { id: activityId } });
    expect(read.isError).toBeFalsy();
  });

  it("starts an execution as the key's owner, with executions:run only", async () => {
    const { echo } = await registerTools(await toolAdmin(h), ["echo"]);
    const start = { name: "start_execution", arguments: { toolId: echo, parameters: { message: "from an agent" } } };
    const { key: without } = await issueKey(h, team.lead.token, ["activities:read"], { organizationId: team.orgId });
    const refused = await (await connect(without)).callTool(start);
    expect(json(refused)).toMatchObject({ code: "FORBIDDEN", message: expect.stringMatching(/executions:run/) });
    const { key } = await issueKey(h, team.lead.token, ["executions:run"], { organizationId: team.orgId });
    const started = await (await connect(key)).callTool(start);
    expect(started.isError, JSON.stringify(started.content)).toBeFalsy();
    const { id } = json(started) as { id: string };
    const finished = await waitForStatus(team.lead.api, id);
    expect(finished).toMatchObject({ status: "completed", exitCode: 0, argv: ["echo", "from an agent"] });
  });

  it("keeps the owner's ACL: a spectator's key cannot record blue results", async () => {
    const { key } = await issueKey(h, team.spectator.token, ["activities:write"], { organizationId: team.orgId });
    const client = await connect(key);
    const refused = await client.callTool({ name: "update_activity_blue", arguments: { id: activityId } });
    expect(json(refused)).toMatchObject({ code: "FORBIDDEN" });
  });

  it("shows nothing of another organization", async () => {
    const { key } = await issueKey(h, team.lead.token, ["assessments:read", "activities:read"], {
      organizationId: team.orgId,
    });
    const client = await connect(key);
    const mine = json(await client.callTool({ name: "list_assessments", arguments: {} })) as { data: { id: string }[] };
    expect(mine.data.map((a) => a.id)).toEqual([team.assessmentId]);
    for (const args of [{ id: other.assessmentId }, { id: other.assessmentId, organizationId: other.orgId }]) {
      const result = await client.callTool({ name: "get_assessment", arguments: args });
      expect(result.isError).toBe(true);
      expect(json(result)).toMatchObject({ code: "NOT_FOUND" });
    }
    const listed = await client.callTool({ name: "list_activities", arguments: { assessmentId: other.assessmentId } });
    expect(json(listed)).toMatchObject({ code: "NOT_FOUND" });
    await expect(client.readResource({ uri: `assay://assessment/${other.assessmentId}` })).rejects.toThrow(
      /Resource not found/,
    );
  });

  it("serves techniques and the organization's assessments as resources", async () => {
    const { key } = await issueKey(h, team.lead.token, ["attack:read", "assessments:read"], {
      organizationId: team.orgId,
    });
    const client = await connect(key);
    const { resourceTemplates } = await client.listResourceTemplates();
    expect(resourceTemplates.map((t) => t.uriTemplate).sort()).toEqual([
      "assay://assessment/{id}",
      "attack://technique/{id}",
    ]);
    const technique = await client.readResource({ uri: "attack://technique/T1003.001" });
    expect(resourceJson(technique)).toMatchObject({ attackId: "T1003.001" });
    const { resources } = await client.listResources();
    expect(resources.map((r) => r.uri)).toEqual([`assay://assessment/${team.assessmentId}`]);
    const assessment = await client.readResource({ uri: `assay://assessment/${team.assessmentId}` });
    expect(resourceJson(assessment)).toMatchObject({ id: team.assessmentId });
  });

  it("answers an unauthenticated call with 401 naming the protected-resource metadata", async () => {
    for (const authorization of [undefined, "Bearer assay_not-a-real-key", "Bearer not.a.jwt"]) {
      const res = await fetch(`${base}/mcp`, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          accept: "application/json, text/event-stream",
          ...(authorization ? { authorization } : {}),
        },
        body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list" }),
      });
      expect(res.status).toBe(401);
      const challenge = res.headers.get("www-authenticate") ?? "";
      expect(challenge).toContain(`resource_metadata="${base}/.well-known/oauth-protected-resource/mcp"`);
      if (authorization) expect(challenge).toContain('error="invalid_token"');
      await res.text();
    }
    // The SDK client fails to connect the same way.
    await expect(connect("assay_revoked-or-unknown")).rejects.toThrow();
  });

  it("publishes the protected-resource metadata an agent follows to the authorization server", async () => {
    const res = await fetch(`${base}/.well-known/oauth-protected-resource/mcp`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      resource: `${base}/mcp`,
      authorization_servers: [base],
      scopes_supported: [...SCOPES],
      bearer_methods_supported: ["header"],
      resource_name: "Assay",
    });
    const api = (await (await fetch(`${base}/.well-known/oauth-protected-resource`)).json()) as { resource: string };
    expect(api.resource).toBe(base);
  });

  it("refuses a revoked key on the next request", async () => {
    const issued = await issueKey(h, team.lead.token, ["attack:read"]);
    const client = await connect(issued.key);
    expect((await client.listTools()).tools.length).toBeGreaterThan(0);
    await h.as(team.lead.token).apiKeys.revoke({ id: issued.id });
    await expect(client.listTools()).rejects.toThrow(/AUTH_TOKEN_INVALID/);
  });
});
