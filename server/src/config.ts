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

const base64Key = z.string().refine((v) => Buffer.from(v, "base64").length === 32, {
  error: "must be 32 bytes, base64-encoded (openssl rand -base64 32)",
});

/** A rate like `20/1m`: at most 20 in any minute (`s`, `m` or `h`). */
const rate = z
  .string()
  .regex(/^\d+\/\d*[smh]$/, { error: "must look like 20/1m (count/period in s, m or h)" })
  .transform((v) => {
    const [count, period] = v.split("/") as [string, string];
    const unit = period.slice(-1);
    const amount = Number(period.slice(0, -1) || "1");
    const seconds = amount * (unit === "h" ? 3600 : unit === "m" ? 60 : 1);
    return { points: Number(count), durationSeconds: seconds };
  });

const postgresUrl = z
  .string()
  .regex(/^postgres(ql)?:\/\/.+/, { error: "must be a postgres:// or postgresql:// URL" })
  .refine((v) => URL.canParse(v), { error: "must be a valid URL" });

/**
 * Evidence a purple team attaches: screenshots, reports, logs, exports, captures. No HTML or
 * SVG (script-capable when opened from the API origin), no executables.
 */
const EVIDENCE_TYPES_DEFAULT = [
  "image/png",
  "image/jpeg",
  "image/gif",
  "image/webp",
  "application/pdf",
  "text/plain",
  "text/csv",
  "application/json",
  "application/zip",
  "application/gzip",
  "application/vnd.tcpdump.pcap",
  "application/x-pcapng",
];

/** One federated sign-in provider (OIDC_PROVIDERS is a JSON array of these). */
const oidcProviderSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,31}$/, { error: "must be a short lower-case slug such as google" }),
    kind: z.enum(["google", "github", "oidc"]),
    clientId: z.string().min(1),
    clientSecret: z.string().min(1),
    issuer: z.url({ error: "must be the issuer URL" }).optional(),
    scopes: z.array(z.string().min(1)).optional(),
    name: z.string().min(1).max(60).optional(),
  })
  .refine((p) => p.kind !== "oidc" || p.issuer, { error: "issuer is required for kind oidc", path: ["issuer"] });

const oidcProviders = z
  .string()
  .transform((v, ctx) => {
    try {
      return JSON.parse(v) as unknown;
    } catch {
      ctx.addIssue({ code: "custom", message: "must be a JSON array of providers" });
      return z.NEVER;
    }
  })
  .pipe(
    z
      .array(oidcProviderSchema)
      .refine((list) => new Set(list.map((p) => p.id)).size === list.length, { error: "provider ids must be unique" }),
  );

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
  TRUST_PROXY_HOPS: z.coerce.number({ error: "must be a number" }).int().min(0).max(10).default(0),
  APP_URL: z.url({ error: "must be a URL" }).optional(),
  REGISTRATION_OPEN: booleanFlag.optional(),
  ENCRYPTION_KEY: base64Key.optional(),
  ENCRYPTION_KEYS_PREVIOUS: commaList.pipe(z.array(base64Key)).default([]),
  JWT_ALGORITHM: z.enum(["EdDSA", "ES256"]).default("EdDSA"),
  JWT_ISSUER: z.string().min(1).optional(),
  JWT_AUDIENCE: z.string().min(1).default("assay-api"),
  ACCESS_TOKEN_TTL_SECONDS: positiveInt(900),
  REFRESH_TOKEN_TTL_SECONDS: positiveInt(7 * 24 * 3600),
  REFRESH_REUSE_GRACE_SECONDS: z.coerce.number({ error: "must be a number" }).int().min(0).max(60).default(0),
  SESSION_CACHE_TTL_MS: z.coerce.number({ error: "must be a number" }).int().min(0).default(30_000),
  ARGON2_MEMORY_KIB: z.coerce.number({ error: "must be a number" }).int().min(19_456).default(19_456),
  ARGON2_TIME_COST: z.coerce.number({ error: "must be a number" }).int().min(2).default(2),
  ARGON2_PARALLELISM: z.coerce.number({ error: "must be a number" }).int().min(1).default(1),
  LOCKOUT_THRESHOLD: positiveInt(10),
  LOCKOUT_WINDOW_SECONDS: positiveInt(15 * 60),
  LOCKOUT_DURATION_SECONDS: positiveInt(15 * 60),
  LOCKOUT_MAX_SECONDS: positiveInt(24 * 3600),
  RATE_LIMIT_LOGIN_PER_IP: rate.default({ points: 30, durationSeconds: 60 }),
  RATE_LIMIT_LOGIN_PER_ACCOUNT: rate.default({ points: 10, durationSeconds: 60 }),
  RATE_LIMIT_REFRESH_PER_IP: rate.default({ points: 120, durationSeconds: 60 }),
  RATE_LIMIT_REGISTER_PER_IP: rate.default({ points: 10, durationSeconds: 3600 }),
  RATE_LIMIT_RESET_PER_IP: rate.default({ points: 10, durationSeconds: 3600 }),
  RATE_LIMIT_RESET_PER_ACCOUNT: rate.default({ points: 3, durationSeconds: 3600 }),
  RATE_LIMIT_MFA_PER_IP: rate.default({ points: 30, durationSeconds: 60 }),
  RATE_LIMIT_MFA_PER_ACCOUNT: rate.default({ points: 10, durationSeconds: 60 }),
  MFA_REQUIRED_ROLES: commaList.pipe(z.array(z.enum(["admin", "analyst", "viewer"]))).default([]),
  TOTP_DRIFT_STEPS: z.coerce.number({ error: "must be a number" }).int().min(0).max(10).default(1),
  OIDC_PROVIDERS: oidcProviders.default([]),
  OIDC_REDIRECT_ALLOWLIST: commaList
    .pipe(z.array(z.url({ protocol: /^https?$/, error: "must be http(s) URLs or origins" })))
    .default([]),
  OIDC_LINK_UNVERIFIED: z.enum(["create", "refuse"]).default("refuse"),
  CLEANUP_INTERVAL_SECONDS: positiveInt(3600),
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\/.+/, { error: "must be an smtp:// or smtps:// URL" })
    .optional(),
  MAIL_FROM: z.string().min(3).default("Assay <no-reply@assay.local>"),
  EVIDENCE_MAX_BYTES: positiveInt(25 * 1024 * 1024),
  EVIDENCE_ALLOWED_TYPES: commaList
    .pipe(
      z.array(
        z.string().regex(/^[a-z0-9][a-z0-9!#$&^_.+-]*\/([a-z0-9][a-z0-9!#$&^_.+-]*|\*)$/i, {
          error: "must be media types like image/png or image/*",
        }),
      ),
    )
    .default(EVIDENCE_TYPES_DEFAULT),
  BENCH_ROUTES: booleanFlag.default(false),
});

export type Rate = { points: number; durationSeconds: number };

export type OidcProviderConfig = z.infer<typeof oidcProviderSchema>;

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
  /** Where the SPA lives: links in mails point here. */
  appUrl: string;
  /** Reverse proxies in front of Assay whose X-Forwarded-For entries are trusted. */
  trustProxyHops: number;
  auth: {
    registrationOpen: boolean;
    /** Base64 32-byte key; undefined means "generate one in DATA_DIR" (refused in production). */
    encryptionKey: string | undefined;
    previousEncryptionKeys: string[];
    jwtAlgorithm: "EdDSA" | "ES256";
    issuer: string;
    audience: string;
    accessTokenTtlSeconds: number;
    refreshTokenTtlSeconds: number;
    refreshReuseGraceSeconds: number;
    sessionCacheTtlMs: number;
    argon2: { memoryCost: number; timeCost: number; parallelism: number };
    lockout: { threshold: number; windowSeconds: number; durationSeconds: number; maxSeconds: number };
    rateLimits: {
      loginPerIp: Rate;
      loginPerAccount: Rate;
      refreshPerIp: Rate;
      registerPerIp: Rate;
      resetPerIp: Rate;
      resetPerAccount: Rate;
      mfaPerIp: Rate;
      mfaPerAccount: Rate;
    };
    /** Roles whose members must enrol a second factor; TOTP codes accepted ±driftSteps periods. */
    mfa: { requiredRoles: ("admin" | "analyst" | "viewer")[]; driftSteps: number };
    /** Federated sign-in: providers, where the SPA may be sent back to, and unverified-email policy. */
    oidc: { providers: OidcProviderConfig[]; redirectAllowlist: string[]; linkUnverified: "create" | "refuse" };
    cleanupIntervalSeconds: number;
  };
  mail: { smtpUrl: string | undefined; from: string };
  /** Evidence uploads: the largest file, and the media types accepted (`type/*` wildcards allowed). */
  evidence: { maxBytes: number; allowedTypes: string[] };
  /** Mount the unauthenticated /bench/bare/* routes that `pnpm bench` measures against (never in production). */
  benchRoutes: boolean;
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
  if (present.NODE_ENV === "production" && !present.ENCRYPTION_KEY) {
    problems.push("ENCRYPTION_KEY: required in production (openssl rand -base64 32)");
  }
  if (present.NODE_ENV === "production" && parsed.success && parsed.data.BENCH_ROUTES) {
    problems.push("BENCH_ROUTES: refused in production (benchmark routes answer without authentication)");
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
    trustProxyHops: e.TRUST_PROXY_HOPS,
    appUrl: (e.APP_URL ?? e.PUBLIC_URL ?? `http://${e.HOST}:${e.PORT}`).replace(/\/+$/, ""),
    auth: {
      registrationOpen: e.REGISTRATION_OPEN ?? !isProduction,
      encryptionKey: e.ENCRYPTION_KEY,
      previousEncryptionKeys: e.ENCRYPTION_KEYS_PREVIOUS,
      jwtAlgorithm: e.JWT_ALGORITHM,
      issuer: e.JWT_ISSUER ?? e.PUBLIC_URL ?? "assay",
      audience: e.JWT_AUDIENCE,
      accessTokenTtlSeconds: e.ACCESS_TOKEN_TTL_SECONDS,
      refreshTokenTtlSeconds: e.REFRESH_TOKEN_TTL_SECONDS,
      refreshReuseGraceSeconds: e.REFRESH_REUSE_GRACE_SECONDS,
      sessionCacheTtlMs: e.SESSION_CACHE_TTL_MS,
      argon2: { memoryCost: e.ARGON2_MEMORY_KIB, timeCost: e.ARGON2_TIME_COST, parallelism: e.ARGON2_PARALLELISM },
      lockout: {
        threshold: e.LOCKOUT_THRESHOLD,
        windowSeconds: e.LOCKOUT_WINDOW_SECONDS,
        durationSeconds: e.LOCKOUT_DURATION_SECONDS,
        maxSeconds: e.LOCKOUT_MAX_SECONDS,
      },
      rateLimits: {
        loginPerIp: e.RATE_LIMIT_LOGIN_PER_IP,
        loginPerAccount: e.RATE_LIMIT_LOGIN_PER_ACCOUNT,
        refreshPerIp: e.RATE_LIMIT_REFRESH_PER_IP,
        registerPerIp: e.RATE_LIMIT_REGISTER_PER_IP,
        resetPerIp: e.RATE_LIMIT_RESET_PER_IP,
        resetPerAccount: e.RATE_LIMIT_RESET_PER_ACCOUNT,
        mfaPerIp: e.RATE_LIMIT_MFA_PER_IP,
        mfaPerAccount: e.RATE_LIMIT_MFA_PER_ACCOUNT,
      },
      mfa: { requiredRoles: e.MFA_REQUIRED_ROLES, driftSteps: e.TOTP_DRIFT_STEPS },
      oidc: {
        providers: e.OIDC_PROVIDERS,
        redirectAllowlist: e.OIDC_REDIRECT_ALLOWLIST,
        linkUnverified: e.OIDC_LINK_UNVERIFIED,
      },
      cleanupIntervalSeconds: e.CLEANUP_INTERVAL_SECONDS,
    },
    mail: { smtpUrl: e.SMTP_URL, from: e.MAIL_FROM },
    evidence: { maxBytes: e.EVIDENCE_MAX_BYTES, allowedTypes: e.EVIDENCE_ALLOWED_TYPES.map((t) => t.toLowerCase()) },
    benchRoutes: e.BENCH_ROUTES,
  };
}
