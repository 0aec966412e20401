/** Every procedure's authorization rule; the matrix test fails for a procedure missing here. */
import type { Rule } from "./ladders.js";
import { accountRules } from "./rules-accounts.js";
import { analyticsRules } from "./rules-analytics.js";
import { assessmentRules } from "./rules-assessments.js";
import { knowledgeRules } from "./rules-knowledge.js";
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
};
