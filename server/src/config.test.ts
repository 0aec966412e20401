import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "./config.js";

describe("loadConfig", () => {
  it("applies the documented defaults to an empty environment", () => {
    const config = loadConfig({}, "/srv/assay");
    expect(config.port).toBe(3000);
    expect(config.host).toBe("127.0.0.1");
    expect(config.dataDir).toBe("/srv/assay/data");
    expect(config.database).toEqual({ kind: "embedded", dir: "/srv/assay/data/pglite" });
    expect(config.nodeEnv).toBe("development");
    expect(config.panelEnabled).toBe(true);
    expect(config.bodyLimitBytes).toBe(1024 * 1024);
  });

  it("chooses PostgreSQL when DATABASE_URL is set, with the pool size from config", () => {
    const config = loadConfig({ DATABASE_URL: "postgresql://u@db:5432/assay", DATABASE_POOL_SIZE: "7" });
    expect(config.database).toMatchObject({ kind: "postgresql", url: "postgresql://u@db:5432/assay", poolSize: 7 });
  });

  it("turns the panel and open registration off in production unless asked for", () => {
    const production = { NODE_ENV: "production", ENCRYPTION_KEY: Buffer.alloc(32, 1).toString("base64") };
    expect(loadConfig(production).panelEnabled).toBe(false);
    expect(loadConfig(production).auth.registrationOpen).toBe(false);
    expect(loadConfig({ ...production, PANEL_ENABLED: "true" }).panelEnabled).toBe(true);
    expect(loadConfig({}).auth.registrationOpen).toBe(true);
  });

  it("refuses to start in production without an encryption key, or with a malformed one", () => {
    expect(() => loadConfig({ NODE_ENV: "production" })).toThrow(/ENCRYPTION_KEY: required in production/);
    expect(() => loadConfig({ ENCRYPTION_KEY: "c2hvcnQ=" })).toThrow(/ENCRYPTION_KEY: must be 32 bytes/);
  });

  it("reads rate limits written as count/period", () => {
    const config = loadConfig({ RATE_LIMIT_LOGIN_PER_IP: "5/10s", RATE_LIMIT_REGISTER_PER_IP: "3/h" });
    expect(config.auth.rateLimits.loginPerIp).toEqual({ points: 5, durationSeconds: 10 });
    expect(config.auth.rateLimits.registerPerIp).toEqual({ points: 3, durationSeconds: 3600 });
    expect(() => loadConfig({ RATE_LIMIT_LOGIN_PER_IP: "lots" })).toThrow(/RATE_LIMIT_LOGIN_PER_IP/);
  });

  it("reports every problem at once, each with the variable's name", () => {
    let error: unknown;
    try {
      loadConfig({
        PORT: "seventy",
        DATABASE_URL: "mysql://nope",
        LOG_LEVEL: "loud",
        FIRST_SUPERUSER_EMAIL: "admin@example.com",
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems;
    const names = problems.map((p) => p.split(":")[0]);
    expect(names).toEqual(expect.arrayContaining(["PORT", "DATABASE_URL", "LOG_LEVEL", "FIRST_SUPERUSER_PASSWORD"]));
    expect(problems).toHaveLength(4);
    expect((error as Error).message).toContain("PORT");
  });

  it("treats empty variables as unset", () => {
    expect(loadConfig({ DATABASE_URL: "", PORT: "" }).database.kind).toBe("embedded");
  });

  it("keeps absolute data folders and resolves relative ones against the invocation folder", () => {
    expect(loadConfig({ DATA_DIR: "/var/lib/assay" }).dataDir).toBe("/var/lib/assay");
    expect(loadConfig({ DATA_DIR: "state" }, "/home/me").dataDir).toBe("/home/me/state");
  });

  it("turns the OAuth authorization server on with open registration, and checks its registration setting", () => {
    expect(loadConfig({}).oauth).toEqual({
      enabled: true,
      registration: { kind: "open" },
      refreshTokenTtlSeconds: 30 * 24 * 3600,
    });
    const guarded = { OAUTH_REGISTRATION: "initial-access-token", OAUTH_INITIAL_ACCESS_TOKEN: "t".repeat(32) };
    expect(loadConfig(guarded).oauth.registration).toEqual({ kind: "initial-access-token", token: "t".repeat(32) });
    expect(() => loadConfig({ OAUTH_REGISTRATION: "initial-access-token" })).toThrow(
      /OAUTH_INITIAL_ACCESS_TOKEN: required when OAUTH_REGISTRATION is initial-access-token/,
    );
    expect(() => loadConfig({ ...guarded, OAUTH_INITIAL_ACCESS_TOKEN: "short" })).toThrow(/OAUTH_INITIAL_ACCESS_TOKEN/);
    expect(() => loadConfig({ OAUTH_REGISTRATION: "closed" })).toThrow(/OAUTH_REGISTRATION/);
    expect(loadConfig({ OAUTH_ENABLED: "false" }).oauth.enabled).toBe(false);
  });
});
