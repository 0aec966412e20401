/** Every procedure's authorization rule; the matrix test fails for a procedure missing here. */
import type { Rule } from "./ladders.js";
import { accountRules } from "./rules-accounts.js";
import { alertRules } from "./rules-alerts.js";
import { analyticsRules } from "./rules-analytics.js";
import { assessmentRules } from "./rules-assessments.js";
import { executionRules } from "./rules-executions.js";
import { integrationRules } from "./rules-integrations.js";
import { knowledgeRules } from "./rules-knowledge.js";
import { machineAccessRules } from "./rules-machine-access.js";
import { orgRules } from "./rules-orgs.js";
import { secondFactorRules } from "./rules-second-factor.js";
import { templateRules } from "./rules-templates.js";

export const RULES: Record<string, Rule> = {
  ...accountRules,
  ...orgRules,
  ...secondFactorRules,
  ...knowledgeRules,
  ...assessmentRules,
  ...analyticsRules,
  ...templateRules,
  ...machineAccessRules,
  ...executionRules,
  ...integrationRules,
  ...alertRules,
};
