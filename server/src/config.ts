/**
 * The environment, validated once at start-up. Every problem is reported at once, each
 * with the variable's name, so a misconfigured deployment is fixed in one pass.
 */
import { tmpdir } from "node:os";
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

/** The execution settings, shared with `assay worker` (which reads these and REDIS_URL only). */
export const executionEnvShape = {
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\/.+/, { error: "must be a redis:// or rediss:// URL" })
    .optional(),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  EXECUTIONS_ENABLED: booleanFlag.default(true),
  EXECUTION_CONCURRENCY: z.coerce.number({ error: "must be a number" }).int().min(1).max(256).default(2),
  EXECUTION_MAX_OUTPUT_BYTES: z.coerce
    .number({ error: "must be a number" })
    .int()
    .min(1024)
    .max(64 * 1024 * 1024)
    .default(1024 * 1024),
  EXECUTION_DEFAULT_TIMEOUT_SECONDS: z.coerce
    .number({ error: "must be a number" })
    .int()
    .min(1)
    .max(24 * 3600)
    .default(300),
  EXECUTION_WORK_DIR: z.string().min(1).optional(),
  QUEUE_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$/, { error: "must be 1-64 letters, digits, _ . : or -" })
    .default("assay"),
};

/** What the execution settings become (server and worker alike). */
export interface ExecutionConfig {
  /** False turns executions off entirely: nothing starts, no worker is run in-process. */
  enabled: boolean;
  /** Executions one process runs at the same time. */
  concurrency: number;
  maxOutputBytes: number;
  defaultTimeoutSeconds: number;
  /** Where each execution gets its own working folder. */
  workDir: string;
  /** Prefix of every Redis key of the queues and execution streams (isolates deployments sharing a Redis). */
  queuePrefix: string;
}

/** The execution settings from parsed variables; relative paths resolve against `cwd`. */
export function executionConfigOf(
  e: {
    EXECUTIONS_ENABLED: boolean;
    EXECUTION_CONCURRENCY: number;
    EXECUTION_MAX_OUTPUT_BYTES: number;
    EXECUTION_DEFAULT_TIMEOUT_SECONDS: number;
    EXECUTION_WORK_DIR?: string | undefined;
    QUEUE_PREFIX: string;
  },
  cwd: string,
): ExecutionConfig {
  const dir = e.EXECUTION_WORK_DIR ?? resolve(tmpdir(), "assay-executions");
  return {
    enabled: e.EXECUTIONS_ENABLED,
    concurrency: e.EXECUTION_CONCURRENCY,
    maxOutputBytes: e.EXECUTION_MAX_OUTPUT_BYTES,
    defaultTimeoutSeconds: e.EXECUTION_DEFAULT_TIMEOUT_SECONDS,
    workDir: isAbsolute(dir) ? dir : resolve(cwd, dir),
    queuePrefix: e.QUEUE_PREFIX,
  };
}

const envSchema = z.object({
  ...executionEnvShape,
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  PORT: z.coerce.number({ error: "must be a number" }).int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default("127.0.0.1"),
  DATA_DIR: z.string().min(1).default("./data"),
  DATABASE_URL: postgresUrl.optional(),
  DATABASE_POOL_SIZE: positiveInt(20),
  DATABASE_CONNECT_TIMEOUT_MS: positiveInt(1500),
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
  LOGIN_DELAY_THRESHOLD: positiveInt(10),
  LOGIN_DELAY_MAX_SECONDS: z.coerce
    .number({ error: "must be a number" })
    .int()
    .min(1)
    .max(600, { error: "must be at most 600: a slowdown, never a lockout" })
    .default(30),
  RATE_LIMIT_LOGIN_PER_IP: rate.default({ points: 30, durationSeconds: 60 }),
  RATE_LIMIT_LOGIN_PER_ACCOUNT: rate.default({ points: 10, durationSeconds: 60 }),
  RATE_LIMIT_REFRESH_PER_IP: rate.default({ points: 120, durationSeconds: 60 }),
  RATE_LIMIT_REGISTER_PER_IP: rate.default({ points: 10, durationSeconds: 3600 }),
  RATE_LIMIT_RESET_PER_IP: rate.default({ points: 10, durationSeconds: 3600 }),
  RATE_LIMIT_RESET_PER_ACCOUNT: rate.default({ points: 3, durationSeconds: 3600 }),
  RATE_LIMIT_MFA_PER_IP: rate.default({ points: 30, durationSeconds: 60 }),
  RATE_LIMIT_MFA_PER_ACCOUNT: rate.default({ points: 10, durationSeconds: 60 }),
  RATE_LIMIT_API_KEY: rate.default({ points: 600, durationSeconds: 60 }),
  RATE_LIMIT_INVITE_PER_ACCOUNT: rate.default({ points: 30, durationSeconds: 3600 }),
  RATE_LIMIT_ORG_CREATE_PER_ACCOUNT: rate.default({ points: 10, durationSeconds: 3600 }),
  RATE_LIMIT_COSTLY_READS_PER_ACCOUNT: rate.default({ points: 600, durationSeconds: 60 }),
  RATE_LIMIT_ALERT_INGEST_PER_KEY: rate.default({ points: 120, durationSeconds: 60 }),
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
  ALERT_INGEST_MAX_BYTES: positiveInt(5 * 1024 * 1024),
  ALERT_INGEST_MAX_ALERTS: positiveInt(5000),
  ALERT_MATCH_WINDOW_SECONDS: positiveInt(86_400),
  ALERT_MATCH_SKEW_SECONDS: positiveInt(300),
  EVIDENCE_ALLOWED_TYPES: commaList
    .pipe(
      z.array(
        z.string().regex(/^[a-z0-9][a-z0-9!#$&^_.+-]*\/([a-z0-9][a-z0-9!#$&^_.+-]*|\*)$/i, {
          error: "must be media types like image/png or image/*",
        }),
      ),
    )
    .default(EVIDENCE_TYPES_DEFAULT),
  REPORT_RETENTION_DAYS: positiveInt(30),
  REPORT_RENDER_TIMEOUT_SECONDS: positiveInt(120),
  CHROMIUM_PATH: z.string().min(1).optional(),
  BENCH_ROUTES: booleanFlag.default(false),
  OAUTH_ENABLED: booleanFlag.default(true),
  OAUTH_REGISTRATION: z.enum(["open", "initial-access-token"]).default("open"),
  OAUTH_INITIAL_ACCESS_TOKEN: z
    .string()
    .min(32, { error: "must be at least 32 characters (openssl rand -base64 32)" })
    .optional(),
  OAUTH_REFRESH_TOKEN_TTL_SECONDS: positiveInt(30 * 24 * 3600),
  EXPOSE_ERROR_DETAILS: booleanFlag.default(false),
  REQUEST_TIMEOUT_MS: positiveInt(30_000),
  HEADERS_TIMEOUT_MS: positiveInt(15_000),
  MAX_CONNECTIONS_PER_IP: z.coerce.number({ error: "must be a number" }).int().min(0).default(128),
  TRPC_MAX_BATCH_SIZE: positiveInt(20),
  MAX_INPUT_DEPTH: z.coerce.number({ error: "must be a number" }).int().min(2).max(1000).default(64),
  WEBHOOK_MAX_ATTEMPTS: z.coerce.number({ error: "must be a number" }).int().min(1).max(20).default(6),
  WEBHOOK_RETRY_BASE_MS: positiveInt(1000),
  WEBHOOK_TIMEOUT_MS: positiveInt(10_000),
  WEBHOOK_ALLOW_PRIVATE_NETWORKS: booleanFlag.default(false),
  NOTIFICATION_DIGEST_SECONDS: positiveInt(300),
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
    /** Per (account, address) pair: failures within the window lock the pair, doubling up to the maximum. */
    lockout: { threshold: number; windowSeconds: number; durationSeconds: number; maxSeconds: number };
    /** Per account, across addresses: failures past the threshold slow sign-in down, up to maxSeconds a turn. */
    loginDelay: { threshold: number; windowSeconds: number; maxSeconds: number };
    rateLimits: {
      loginPerIp: Rate;
      loginPerAccount: Rate;
      refreshPerIp: Rate;
      registerPerIp: Rate;
      resetPerIp: Rate;
      resetPerAccount: Rate;
      mfaPerIp: Rate;
      mfaPerAccount: Rate;
      /** Requests per API key (every door: /trpc, /api/v1, /mcp). */
      apiKey: Rate;
      invitePerAccount: Rate;
      orgCreatePerAccount: Rate;
      /** mitre.search, statistics.*, exports.*: reads that cost the server far more than a page. */
      costlyReadsPerAccount: Rate;
      /** POST /api/v1/ingest/alerts requests per API key. */
      alertIngestPerKey: Rate;
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
  /** Alert ingestion: request caps, and the window after red's execution in which an alert matches. */
  alerts: { maxBytes: number; maxAlerts: number; matchWindowSeconds: number; matchSkewSeconds: number };
  /**
   * Reports: days a generated file is kept, the longest one rendering may take, and the
   * Chromium that prints PDFs (undefined: /usr/bin/chromium when it exists).
   */
  reports: { retentionDays: number; renderTimeoutSeconds: number; chromiumPath: string | undefined };
  /** Mount the unauthenticated /bench/bare/* routes that `pnpm bench` measures against (never in production). */
  benchRoutes: boolean;
  /**
   * The OAuth 2.0 authorization server under /oauth: on or off; dynamic client registration
   * open to anyone or only with the initial access token; how long a grant (and its refresh
   * tokens) lives before the user must authorize again.
   */
  oauth: {
    enabled: boolean;
    registration: { kind: "open" } | { kind: "initial-access-token"; token: string };
    refreshTokenTtlSeconds: number;
  };
  /** Limits of the HTTP host, and whether error answers may carry stacks and internal messages. */
  http: {
    exposeErrorDetails: boolean;
    requestTimeoutMs: number;
    headersTimeoutMs: number;
    /** Open connections one peer address may hold; 0 turns the cap off. */
    maxConnectionsPerIp: number;
    maxBatchSize: number;
    /** Deepest nesting of arrays and objects accepted in JSON and YAML input. */
    maxInputDepth: number;
  };
  /** Tool executions: concurrency, output cap, timeouts, queue prefix (modules/executions). */
  executions: ExecutionConfig;
  /**
   * Webhook deliveries: runs per delivery (the first included) and the first retry's wait
   * (doubled after each failure), the time one attempt may take, and whether targets in
   * private, loopback and link-local networks are allowed (off: refused).
   */
  webhooks: { maxAttempts: number; retryBaseMs: number; timeoutMs: number; allowPrivateNetworks: boolean };
  /** Mail notifications: how long activities waiting for blue are collected into one digest mail. */
  notifications: { digestSeconds: number };
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
  if (present.OAUTH_REGISTRATION === "initial-access-token" && !present.OAUTH_INITIAL_ACCESS_TOKEN) {
    problems.push("OAUTH_INITIAL_ACCESS_TOKEN: required when OAUTH_REGISTRATION is initial-access-token");
  }
  if (present.NODE_ENV === "production" && parsed.success && parsed.data.EXPOSE_ERROR_DETAILS) {
    problems.push(
      "EXPOSE_ERROR_DETAILS: refused in production (stack traces and internal messages would reach clients)",
    );
  }
  if (parsed.success && parsed.data.HEADERS_TIMEOUT_MS > parsed.data.REQUEST_TIMEOUT_MS) {
    problems.push("HEADERS_TIMEOUT_MS: must not exceed REQUEST_TIMEOUT_MS");
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
      loginDelay: {
        threshold: e.LOGIN_DELAY_THRESHOLD,
        windowSeconds: e.LOCKOUT_WINDOW_SECONDS,
        maxSeconds: e.LOGIN_DELAY_MAX_SECONDS,
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
        apiKey: e.RATE_LIMIT_API_KEY,
        invitePerAccount: e.RATE_LIMIT_INVITE_PER_ACCOUNT,
        orgCreatePerAccount: e.RATE_LIMIT_ORG_CREATE_PER_ACCOUNT,
        costlyReadsPerAccount: e.RATE_LIMIT_COSTLY_READS_PER_ACCOUNT,
        alertIngestPerKey: e.RATE_LIMIT_ALERT_INGEST_PER_KEY,
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
    alerts: {
      maxBytes: e.ALERT_INGEST_MAX_BYTES,
      maxAlerts: e.ALERT_INGEST_MAX_ALERTS,
      matchWindowSeconds: e.ALERT_MATCH_WINDOW_SECONDS,
      matchSkewSeconds: e.ALERT_MATCH_SKEW_SECONDS,
    },
    reports: {
      retentionDays: e.REPORT_RETENTION_DAYS,
      renderTimeoutSeconds: e.REPORT_RENDER_TIMEOUT_SECONDS,
      chromiumPath: e.CHROMIUM_PATH,
    },
    benchRoutes: e.BENCH_ROUTES,
    oauth: {
      enabled: e.OAUTH_ENABLED,
      registration:
        e.OAUTH_REGISTRATION === "initial-access-token" && e.OAUTH_INITIAL_ACCESS_TOKEN
          ? { kind: "initial-access-token", token: e.OAUTH_INITIAL_ACCESS_TOKEN }
          : { kind: "open" },
      refreshTokenTtlSeconds: e.OAUTH_REFRESH_TOKEN_TTL_SECONDS,
    },
    http: {
      exposeErrorDetails: e.EXPOSE_ERROR_DETAILS,
      requestTimeoutMs: e.REQUEST_TIMEOUT_MS,
      headersTimeoutMs: e.HEADERS_TIMEOUT_MS,
      maxConnectionsPerIp: e.MAX_CONNECTIONS_PER_IP,
      maxBatchSize: e.TRPC_MAX_BATCH_SIZE,
      maxInputDepth: e.MAX_INPUT_DEPTH,
    },
    executions: executionConfigOf(e, cwd),
    webhooks: {
      maxAttempts: e.WEBHOOK_MAX_ATTEMPTS,
      retryBaseMs: e.WEBHOOK_RETRY_BASE_MS,
      timeoutMs: e.WEBHOOK_TIMEOUT_MS,
      allowPrivateNetworks: e.WEBHOOK_ALLOW_PRIVATE_NETWORKS,
    },
    notifications: { digestSeconds: e.NOTIFICATION_DIGEST_SECONDS },
  };
}
