/** Sizes of the reliability run: full by default, smaller with --smoke (RELIABILITY_SMOKE=1). */
export const SMOKE = process.env.RELIABILITY_SMOKE === "1";

export const SETTINGS = SMOKE
  ? { fuzzRequests: 1_000, loadSeconds: 10, loadConnections: 64, embeddedKillPoints: [0.85] }
  : { fuzzRequests: 10_000, loadSeconds: 60, loadConnections: 64, embeddedKillPoints: [0.6, 0.75, 0.85, 0.92, 0.97] };

export const SUPERUSER = { email: "reliability-admin@example.com", password: "reliability admin password 1" };

/** Server settings shared by the reliability servers: the first superuser, roomy sign-in limits. */
export const BASE_ENV: Record<string, string> = {
  FIRST_SUPERUSER_EMAIL: SUPERUSER.email,
  FIRST_SUPERUSER_PASSWORD: SUPERUSER.password,
  // Fixed, so that a second server on the same database can open the signing keys the first sealed.
  ENCRYPTION_KEY: Buffer.alloc(32, 3).toString("base64"),
  ACCESS_TOKEN_TTL_SECONDS: "3600",
  RATE_LIMIT_LOGIN_PER_ACCOUNT: "10000/1m",
  RATE_LIMIT_LOGIN_PER_IP: "10000/1m",
  RATE_LIMIT_REGISTER_PER_IP: "10000/1h",
};
