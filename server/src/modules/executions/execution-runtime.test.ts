/**
 * The engine's switches and faults: executions turned off, Redis gone (503, and nothing that
 * was accepted is lost), and a worker's import graph free of database code.
 */
import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { createLogger } from "../../lib/logger.js";
import { createOrg, expectCode, rest } from "../../test-support/assessment-fixtures.js";
import { registerTools, toolAdmin, waitForStatus } from "../../test-support/execution-kit.js";
import { createHarness } from "../../test-support/harness.js";
import { dropRedisKeys, privateRedis, uniqueQueuePrefix } from "../../test-support/redis-kit.js";
import { startWorker } from "../../worker.js";
import { loadWorkerConfig } from "../../worker-config.js";

const SRC = fileURLToPath(new URL("../../", import.meta.url));

/** Every source file `entry` imports, directly or not (relative imports only). */
function importGraph(entry: string, seen = new Set<string>()): Set<string> {
  if (seen.has(entry)) return seen;
  seen.add(entry);
  const text = readFileSync(entry, "utf8");
  for (const match of text.matchAll(/^\s*(?:import|export)[^"';]*?from\s+"(\.[^"]+)"/gm)) {
    const target = resolve(dirname(entry), (match[1] as string).replace(/\.js$/, ".ts"));
    importGraph(target, seen);
  }
  for (const match of text.matchAll(/import\("(\.[^"]+)"\)/g)) {
    importGraph(resolve(dirname(entry), (match[1] as string).replace(/\.js$/, ".ts")), seen);
  }
  return seen;
}

describe("execution engine switches and faults", () => {
  const prefix = uniqueQueuePrefix();
  afterAll(() => dropRedisKeys(prefix));

  it("keeps the worker's import graph free of the database (it needs REDIS_URL only)", () => {
    for (const entry of ["worker.ts", "cli/worker-command.ts"]) {
      const files = [...importGraph(join(SRC, entry))].map((f) => f.slice(SRC.length));
      expect(files).toContain("runner/job-runner.ts");
      expect(files.filter((f) => /^(db|generated|modules)\//.test(f) || f === "main.ts")).toEqual([]);
    }
    expect(() => loadWorkerConfig({})).toThrow(/REDIS_URL: required/);
  });

  it("refuses every start when EXECUTIONS_ENABLED is off", async () => {
    const h = await createHarness({ EXECUTIONS_ENABLED: "false" });
    try {
      const { echo } = await registerTools(await toolAdmin(h), ["echo"]);
      const org = await createOrg(h);
      await expectCode(org.owner.api.executions.start({ toolId: echo, parameters: { message: "x" } }), "FORBIDDEN");
      expect((await rest(h, org.owner, "GET", "/workers")).status).toBe(403);
    } finally {
      await h.close();
    }
  });

  it("answers 503 SERVICE_UNAVAILABLE while Redis is down; what it accepted before still ends", async () => {
    const redis = await privateRedis();
    const h = await createHarness({ REDIS_URL: redis.url, QUEUE_PREFIX: prefix });
    const worker = await startWorker(loadWorkerConfig({ REDIS_URL: redis.url, QUEUE_PREFIX: prefix }), {
      labels: ["unit"],
      logger: createLogger("silent"),
    });
    try {
      const { sleep } = await registerTools(await toolAdmin(h), ["sleep"]);
      const org = await createOrg(h);
      const accepted = await org.owner.api.executions.start({ toolId: sleep, parameters: { seconds: 0.2 } });
      expect((await waitForStatus(org.owner.api, accepted.id)).status).toBe("completed");
      await worker.stop(0);
      await redis.stop();
      const res = await rest(h, org.owner, "POST", `/tools/${sleep}/execute`, { parameters: { seconds: 0.2 } });
      expect(res.status).toBe(503);
      expect(res.body.errors[0].code).toBe("SERVICE_UNAVAILABLE");
      await expectCode(
        org.owner.api.executions.start({ toolId: sleep, parameters: { seconds: 0.2 } }),
        "SERVICE_UNAVAILABLE",
      );
      const rows = await h.deps.db.prisma.execution.findMany({ where: { organizationId: org.id } });
      expect(rows.map((r) => r.status)).toEqual(["completed"]);
    } finally {
      await worker.stop(0).catch(() => undefined);
      await h.close();
      await redis.stop();
    }
  }, 60_000);
});
