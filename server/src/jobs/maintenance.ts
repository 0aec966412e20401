/**
 * Periodic housekeeping, run at start and then every CLEANUP_INTERVAL_SECONDS on every
 * instance (each task is safe to run concurrently): expired credentials, organizations
 * whose deletion grace period has ended, the OAuth server's expired codes and tokens,
 * sealed link tokens in mail past their links' life, webhook deliveries older than 30 days,
 * digest items mailed more than a week ago, reports past their retention, and reports whose
 * rendering job was lost.
 */
import type { Deps } from "../context.js";
import { dropStaleMailSecrets } from "../lib/mail/sealed-secret.js";
import { cleanupExpiredCredentials } from "../modules/auth/cleanup.js";
import { dropSentDigestItems } from "../modules/notifications/notification-mail.js";
import { cleanupOAuthRecords } from "../modules/oauth-server/prisma-adapter.js";
import { cleanupLoginArtifacts } from "../modules/oidc/login-artifacts.js";
import { purgeDeletedOrgs } from "../modules/orgs/orgs.service.js";
import { failLostReports, pruneReports } from "../modules/reports/reports.service.js";
import { dropOldDeliveries } from "../modules/webhooks/webhook-delivery.js";

type JobDeps = Pick<Deps, "db" | "clock" | "logger" | "config">;

const TASKS: { name: string; run(deps: JobDeps): Promise<unknown> }[] = [
  { name: "expired credentials", run: cleanupExpiredCredentials },
  { name: "deleted organizations", run: purgeDeletedOrgs },
  { name: "sign-in artifacts", run: cleanupLoginArtifacts },
  { name: "expired OAuth records", run: cleanupOAuthRecords },
  { name: "stale mail secrets", run: dropStaleMailSecrets },
  { name: "old webhook deliveries", run: dropOldDeliveries },
  { name: "sent notification digest items", run: dropSentDigestItems },
  { name: "reports past REPORT_RETENTION_DAYS", run: pruneReports },
  { name: "reports whose job was lost", run: failLostReports },
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
