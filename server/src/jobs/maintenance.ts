/**
 * Periodic housekeeping, run at start and then every CLEANUP_INTERVAL_SECONDS on every
 * instance (each task is safe to run concurrently): expired credentials, and organizations
 * whose deletion grace period has ended.
 */
import type { Deps } from "../context.js";
import { cleanupExpiredCredentials } from "../modules/auth/cleanup.js";
import { cleanupLoginArtifacts } from "../modules/oidc/login-artifacts.js";
import { purgeDeletedOrgs } from "../modules/orgs/orgs.service.js";

type JobDeps = Pick<Deps, "db" | "clock" | "logger">;

const TASKS: { name: string; run(deps: JobDeps): Promise<unknown> }[] = [
  { name: "expired credentials", run: cleanupExpiredCredentials },
  { name: "deleted organizations", run: purgeDeletedOrgs },
  { name: "sign-in artifacts", run: cleanupLoginArtifacts },
];

/** Runs every task once; a failing task is logged and does not stop the others. */
export async function runMaintenance(deps: JobDeps): Promise<void> {
  for (const task of TASKS) {
    try {
      const result = await task.run(deps);
      deps.logger.debug({ task: task.name, result }, "maintenance task done");
    } catch (error) {
      deps.logger.warn({ err: error, task: task.name }, "maintenance task failed; will retry");
    }
  }
}

/** Runs the maintenance now and then every `intervalSeconds`; returns the stop function. */
export function scheduleMaintenance(deps: JobDeps, intervalSeconds: number): () => void {
  void runMaintenance(deps);
  const timer = setInterval(() => void runMaintenance(deps), intervalSeconds * 1000);
  timer.unref();
  return () => clearInterval(timer);
}
