/** The second-factor and federated sign-in variables: defaults, and every problem named. */
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../config.js";

const problemsOf = (env: Record<string, string>): string[] => {
  try {
    loadConfig({ NODE_ENV: "test", ...env });
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
};

describe("MFA and OIDC configuration", () => {
  it("reports malformed values with the variable's name", () => {
    const problems = problemsOf({
      MFA_REQUIRED_ROLES: "admin,root",
      TOTP_DRIFT_STEPS: "-1",
      OIDC_PROVIDERS: JSON.stringify([{ id: "corp", kind: "oidc", clientId: "a", clientSecret: "b" }]),
      OIDC_REDIRECT_ALLOWLIST: "ftp://files.example.com",
      OIDC_LINK_UNVERIFIED: "merge",
    });
    for (const name of [
      "MFA_REQUIRED_ROLES",
      "TOTP_DRIFT_STEPS",
      "OIDC_PROVIDERS.0.issuer",
      "OIDC_REDIRECT_ALLOWLIST",
      "OIDC_LINK_UNVERIFIED",
    ]) {
      expect(
        problems.some((p) => p.startsWith(name)),
        name,
      ).toBe(true);
    }
    expect(problemsOf({ OIDC_PROVIDERS: "{not json" })).toEqual(["OIDC_PROVIDERS: must be a JSON array of providers"]);
    const twice = { id: "g", kind: "google", clientId: "a", clientSecret: "b" };
    expect(problemsOf({ OIDC_PROVIDERS: JSON.stringify([twice, twice]) })[0]).toMatch(/^OIDC_PROVIDERS: .*unique/);
  });

  it("defaults to no providers, no required roles, ±1 step and refusing unverified emails", () => {
    const config = loadConfig({ NODE_ENV: "test" });
    expect(config.auth.mfa).toEqual({ requiredRoles: [], driftSteps: 1 });
    expect(config.auth.oidc).toEqual({ providers: [], redirectAllowlist: [], linkUnverified: "refuse" });
    const parsed = loadConfig({
      NODE_ENV: "test",
      MFA_REQUIRED_ROLES: "admin, analyst",
      OIDC_PROVIDERS: JSON.stringify([{ id: "gh", kind: "github", clientId: "a", clientSecret: "b" }]),
    });
    expect(parsed.auth.mfa.requiredRoles).toEqual(["admin", "analyst"]);
    expect(parsed.auth.oidc.providers).toEqual([{ id: "gh", kind: "github", clientId: "a", clientSecret: "b" }]);
  });
});
