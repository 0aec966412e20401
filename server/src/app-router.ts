/** The root router: one sub-router per capability. Its type is the contract @assay/client imports. */
import { aclRouter } from "./modules/acl/acl.router.js";
import { activitiesRouter } from "./modules/activities/activities.router.js";
import { activityGroupsRouter } from "./modules/activity-groups/activity-groups.router.js";
import { adminRouter } from "./modules/admin/admin.router.js";
import { alertsRouter } from "./modules/alerts/alerts.router.js";
import { apiKeysRouter } from "./modules/api-keys/api-keys.router.js";
import { assessmentsRouter } from "./modules/assessments/assessments.router.js";
import { assetsRouter } from "./modules/assets/assets.router.js";
import { auditRouter } from "./modules/audit/audit.router.js";
import { authProcedures } from "./modules/auth/auth.router.js";
import { controlsRouter } from "./modules/controls/controls.router.js";
import { evidenceRouter } from "./modules/evidence/evidence.router.js";
import { executionsRouter } from "./modules/executions/executions.router.js";
import { workersRouter } from "./modules/executions/workers.router.js";
import { exportsRouter } from "./modules/exports/exports.router.js";
import { importsRouter } from "./modules/imports/imports.router.js";
import { knowledgeBaseRouter } from "./modules/knowledge-base/knowledge-base.router.js";
import { mfaRouter } from "./modules/mfa/mfa.router.js";
import { mfaLoginProcedures } from "./modules/mfa/mfa-login.router.js";
import { mitreRouter } from "./modules/mitre/mitre.router.js";
import { notificationsRouter } from "./modules/notifications/notifications.router.js";
import { oidcRouter } from "./modules/oidc/oidc.router.js";
import { oidcLoginProcedures } from "./modules/oidc/oidc-login.router.js";
import { invitationsRouter } from "./modules/orgs/invitations.router.js";
import { orgsRouter } from "./modules/orgs/orgs.router.js";
import { reportsRouter } from "./modules/reports/reports.router.js";
import { sessionsRouter } from "./modules/sessions/sessions.router.js";
import { statisticsRouter } from "./modules/statistics/statistics.router.js";
import { systemRouter } from "./modules/system/system.router.js";
import { tagsRouter } from "./modules/tags/tags.router.js";
import { campaignsRouter } from "./modules/templates/campaigns.router.js";
import { templatesRouter } from "./modules/templates/templates.router.js";
import { toolsRouter } from "./modules/tools/tools.router.js";
import { usersRouter } from "./modules/users/users.router.js";
import { webhooksRouter } from "./modules/webhooks/webhooks.router.js";
import { router } from "./trpc/init.js";

export const appRouter = router({
  system: systemRouter,
  // Sign-in's later steps (second factor, OIDC) live with their modules, under the same `auth.` names.
  auth: router({ ...authProcedures, ...mfaLoginProcedures, ...oidcLoginProcedures }),
  mfa: mfaRouter,
  oidc: oidcRouter,
  users: usersRouter,
  sessions: sessionsRouter,
  apiKeys: apiKeysRouter,
  admin: adminRouter,
  audit: auditRouter,
  orgs: orgsRouter,
  acl: aclRouter,
  invitations: invitationsRouter,
  mitre: mitreRouter,
  assessments: assessmentsRouter,
  activityGroups: activityGroupsRouter,
  activities: activitiesRouter,
  assets: assetsRouter,
  tags: tagsRouter,
  evidence: evidenceRouter,
  controls: controlsRouter,
  alerts: alertsRouter,
  statistics: statisticsRouter,
  exports: exportsRouter,
  reports: reportsRouter,
  imports: importsRouter,
  templates: templatesRouter,
  campaigns: campaignsRouter,
  kb: knowledgeBaseRouter,
  tools: toolsRouter,
  executions: executionsRouter,
  workers: workersRouter,
  webhooks: webhooksRouter,
  notifications: notificationsRouter,
});

export type AppRouter = typeof appRouter;
