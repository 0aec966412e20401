/** The tool registry through tRPC and REST: admins register tools, their definitions are checked, changes audited. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectCode } from "../../test-support/assessment-fixtures.js";
import { TOOLS, type ToolAdmin, toolAdmin } from "../../test-support/execution-kit.js";
import { createHarness, type Harness } from "../../test-support/harness.js";
import { ATOMIC_TOOL_ID } from "./builtin-tools.js";

describe("tools", () => {
  let h: Harness;
  let admin: ToolAdmin;

  beforeAll(async () => {
    h = await createHarness();
    admin = await toolAdmin(h);
  }, 60_000);
  afterAll(() => h.close());

  it("registers, changes and removes a tool (admins), each change audited; variable values stay hidden", async () => {
    const tool = await admin.api.tools.create({ ...TOOLS.echo, name: "nmap-ish", env: { SCAN_TOKEN: "s3cret" } });
    expect(tool).toMatchObject({ kind: "command", builtin: false, args: ["{{message}}"], envNames: ["SCAN_TOKEN"] });
    expect(JSON.stringify(tool)).not.toContain("s3cret");
    const updated = await admin.api.tools.update({ id: tool.id, description: "Says things", timeoutSeconds: 30 });
    expect(updated).toMatchObject({ description: "Says things", timeoutSeconds: 30 });
    const res = await h.app.request(`/api/v1/tools/${tool.id}`, { headers: admin.headers });
    expect(await res.json()).toMatchObject({ id: tool.id, parameters: TOOLS.echo.parameters });
    await admin.api.tools.delete({ id: tool.id });
    await expectCode(admin.api.tools.get({ id: tool.id }), "NOT_FOUND");
    const audit = await h.deps.db.prisma.auditEvent.findMany({
      where: { targetId: tool.id },
      orderBy: { createdAt: "asc" },
    });
    expect(audit.map((e) => e.type)).toEqual(["tool.created", "tool.updated", "tool.deleted"]);
  });

  it("lists the built-in Atomic Red Team tool first, and refuses to change it", async () => {
    await admin.api.tools.create({ ...TOOLS.seq, name: "seq-listed" });
    const page = await admin.api.tools.list({});
    expect(page.data[0]).toMatchObject({ id: ATOMIC_TOOL_ID, kind: "atomic", builtin: true });
    expect(page.data.map((t) => t.name)).toContain("seq-listed");
    expect((await admin.api.tools.list({ q: "SEQ-LIST" })).data.map((t) => t.name)).toEqual(["seq-listed"]);
    await expectCode(admin.api.tools.update({ id: ATOMIC_TOOL_ID, name: "x" }), "FORBIDDEN");
    await expectCode(admin.api.tools.delete({ id: ATOMIC_TOOL_ID }), "FORBIDDEN");
  });

  it("checks the definition: a JSON Schema of simple parameters, placeholders that exist, unique names", async () => {
    const create = (patch: Record<string, unknown>) =>
      admin.api.tools.create({ ...TOOLS.echo, name: `t-${Math.random()}`, ...patch } as never);
    await expectCode(create({ args: ["{{nope}}"] }), "VALIDATION", "args.0");
    await expectCode(create({ executable: "{{message}}" }), "VALIDATION", "executable");
    await expectCode(create({ parameters: { type: "array" } }), "VALIDATION", "parameters.type");
    await expectCode(
      create({ parameters: { type: "object", properties: { x: { type: "object" } } } }),
      "VALIDATION",
      "parameters.properties.x",
    );
    await expectCode(
      create({ parameters: { type: "object", properties: {}, required: ["ghost"] } }),
      "VALIDATION",
      "parameters.required.0",
    );
    await expectCode(create({ env: { LD_PRELOAD: "/tmp/x.so" } }), "VALIDATION", "env.LD_PRELOAD");
    await expectCode(create({ env: { PATH: "/tmp" } }), "VALIDATION", "env.PATH");
    await create({ name: "unique-one" });
    await expectCode(create({ name: "Unique-One" }), "CONFLICT", "name");
    await expectCode(create({ name: "atomic-red-team" }), "CONFLICT", "name");
  });

  it("lets only admins manage tools (role admin or superuser)", async () => {
    const analyst = await h.createUser({ role: "analyst" });
    const api = h.as((await h.login(analyst)).accessToken);
    await expectCode(api.tools.create({ ...TOOLS.echo, name: "mine" }), "FORBIDDEN");
    expect((await api.tools.list({})).data.length).toBeGreaterThan(0);
    const superuser = await h.createUser({ role: "viewer", isSuperuser: true });
    const su = h.as((await h.login(superuser)).accessToken);
    expect((await su.tools.create({ ...TOOLS.echo, name: "by-superuser" })).name).toBe("by-superuser");
  });
});
