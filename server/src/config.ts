/**
 * The environment, validated once at start-up. Every problem is reported at once, each
 * with the variable's name, so a misconfigured deployment is fixed in one pass.
 */
import { isAbsolute, resolve } from "node:path";
import { z } from "zod";

const booleanFlag = z
  .enum(["true", "false", "1", "0", "yes", "no", "on", "off"], { error: "must be true or false" })
  .transform((v) => ["true", "1", "yes", "on"].includes(v));

const commaList = z.string().transform((v) =>
  v
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean),
);

const positiveInt = (fallback: number) =>
  z.coerce.number({ error: "must be a number" }).int().positive().default(fallback);

const postgresUrl = z
  .string()
  .regex(/^postgres(ql)?:\/\/.+/, { error: "must be a postgres:// or postgresql:// URL" })
  .refine((v) => URL.canParse(v), { error: "must be a valid URL" });

const envSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  PORT: z.coerce.number({ error: "must be a number" }).int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default("127.0.0.1"),
  DATA_DIR: z.string().min(1).default("./data"),
  DATABASE_URL: postgresUrl.optional(),
  DATABASE_POOL_SIZE: positiveInt(20),
  DATABASE_CONNECT_TIMEOUT_MS: positiveInt(1500),
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\/.+/, { error: "must be a redis:// or rediss:// URL" })
    .optional(),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  FIRST_SUPERUSER_EMAIL: z.email({ error: "must be an email address" }).optional(),
  FIRST_SUPERUSER_PASSWORD: z.string().min(12, { error: "must be at least 12 characters" }).max(128).optional(),
  CORS_ORIGINS: commaList.default([]),
  BODY_LIMIT_BYTES: positiveInt(1024 * 1024),
  PANEL_ENABLED: booleanFlag.optional(),
  DOCS_ENABLED: booleanFlag.default(true),
  SHUTDOWN_TIMEOUT_MS: positiveInt(10_000),
  PUBLIC_URL: z.url({ error: "must be a URL" }).optional(),
});

export type Env = z.input<typeof envSchema>;

export interface Config {
  nodeEnv: "development" | "production" | "test";
  isProduction: boolean;
  port: number;
  host: string;
  dataDir: string;
  database:
    | { kind: "embedded"; dir: string }
    | { kind: "postgresql"; url: string; poolSize: number; connectTimeoutMs: number };
  redisUrl: string | undefined;
  logLevel: "fatal" | "error" | "warn" | "info" | "debug" | "trace" | "silent";
  firstSuperuser: { email: string; password: string } | undefined;
  corsOrigins: string[];
  bodyLimitBytes: number;
  panelEnabled: boolean;
  docsEnabled: boolean;
  shutdownTimeoutMs: number;
  publicUrl: string | undefined;
}

/** Thrown when the environment is invalid; `problems` holds one line per variable. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

/** Validates `env` (process.env by default) into a Config, relative paths against `cwd`. */
export function loadConfig(env: Record<string, string | undefined> = process.env, cwd = process.cwd()): Config {
  // An empty variable means "not set", as in most deployment tools.
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ""));
  const parsed = envSchema.safeParse(present);
  const problems: string[] = [];
  if (!parsed.success) {
    for (const issue of parsed.error.issues) problems.push(`${issue.path.join(".")}: ${issue.message}`);
  }
  if (present.FIRST_SUPERUSER_EMAIL && !present.FIRST_SUPERUSER_PASSWORD) {
    problems.push("FIRST_SUPERUSER_PASSWORD: required when FIRST_SUPERUSER_EMAIL is set");
  }
  if (problems.length > 0 || !parsed.success) throw new ConfigError(problems);
  const e = parsed.data;
  const dataDir = isAbsolute(e.DATA_DIR) ? e.DATA_DIR : resolve(cwd, e.DATA_DIR);
  const isProduction = e.NODE_ENV === "production";
  return {
    nodeEnv: e.NODE_ENV,
    isProduction,
    port: e.PORT,
    host: e.HOST,
    dataDir,
    database: e.DATABASE_URL
      ? {
          kind: "postgresql",
          url: e.DATABASE_URL,
          poolSize: e.DATABASE_POOL_SIZE,
          connectTimeoutMs: e.DATABASE_CONNECT_TIMEOUT_MS,
        }
      : { kind: "embedded", dir: resolve(dataDir, "pglite") },
    redisUrl: e.REDIS_URL,
    logLevel: e.LOG_LEVEL,
    firstSuperuser:
      e.FIRST_SUPERUSER_EMAIL && e.FIRST_SUPERUSER_PASSWORD
        ? { email: e.FIRST_SUPERUSER_EMAIL, password: e.FIRST_SUPERUSER_PASSWORD }
        : undefined,
    corsOrigins: e.CORS_ORIGINS,
    bodyLimitBytes: e.BODY_LIMIT_BYTES,
    panelEnabled: e.PANEL_ENABLED ?? !isProduction,
    docsEnabled: e.DOCS_ENABLED,
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    publicUrl: e.PUBLIC_URL,
  };
}
