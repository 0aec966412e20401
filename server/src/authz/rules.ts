/** Every procedure's authorization rule; the matrix test fails for a procedure missing here. */
import type { Rule } from "./ladders.js";
import { accountRules } from "./rules-accounts.js";

export const RULES: Record<string, Rule> = {
  ...accountRules,
};
