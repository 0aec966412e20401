/** Liveness and readiness: is the process up, and can it serve (database reachable, migrated)? */
import type { Deps } from "../../context.js";

export type CheckStatus = "ok" | "down";

export interface DependencyCheck {
  status: CheckStatus;
  responseTimeMs: number;
  error?: string;
}

export interface ReadinessReport {
  status: CheckStatus;
  checks: Record<string, DependencyCheck>;
}

const PING_TIMEOUT_MS = 1_000;

async function timed(probe: () => Promise<unknown>, now: () => number): Promise<DependencyCheck> {
  const started = now();
  let timer: NodeJS.Timeout | undefined;
  try {
    // A hung connection must not hang the probe: orchestrators poll this with short deadlines.
    await Promise.race([
      probe(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${PING_TIMEOUT_MS} ms`)), PING_TIMEOUT_MS);
      }),
    ]);
    return { status: "ok", responseTimeMs: Math.round(now() - started) };
  } catch (error) {
    return { status: "down", responseTimeMs: Math.round(now() - started), error: describe(error) };
  } finally {
    clearTimeout(timer);
  }
}

// The reason goes to operators; it names the failure without echoing connection strings.
function describe(error: unknown): string {
  const err = error as { code?: string; message?: string };
  if (err?.code) return `${err.code}`;
  return (err?.message ?? "unreachable").replace(/\w+:\/\/\S+/g, "[url]").slice(0, 200);
}

/** Checks every dependency the API needs; `status` is ok only when all are. */
export async function checkReadiness(
  deps: Pick<Deps, "db" | "readiness"> & { redis?: { ping(): Promise<unknown> } | undefined },
): Promise<ReadinessReport> {
  const now = () => performance.now();
  const [database, redis] = await Promise.all([
    timed(() => deps.db.query("SELECT 1"), now),
    deps.redis ? timed(() => deps.redis?.ping() ?? Promise.resolve(), now) : Promise.resolve(undefined),
  ]);
  if (database.status === "ok" && !deps.readiness.migrated) {
    database.status = "down";
    database.error = deps.readiness.migrationError ?? "migrations pending";
  }
  const checks: Record<string, DependencyCheck> = { database };
  // Redis is optional: when down, limits and caches fall back to memory, so it is reported
  // but does not make the instance unready.
  if (redis) checks.redis = redis;
  const required = [database];
  const healthy = !deps.readiness.shuttingDown && required.every((c) => c.status === "ok");
  return { status: healthy ? "ok" : "down", checks };
}
