/**
 * The configuration of `assay worker`: REDIS_URL (required) and the execution settings, read
 * from the environment like the server's but nothing else (no database, no keys).
 */
import { z } from "zod";
import { ConfigError, type ExecutionConfig, executionConfigOf, executionEnvShape } from "./config.js";

export interface WorkerConfig {
  redisUrl: string;
  logLevel: z.infer<typeof executionEnvShape.LOG_LEVEL>;
  executions: ExecutionConfig;
}

/** A label: letters, digits and `_ . : = / -`, such as `linux` or `host=ws01`. */
export const LABEL = /^[A-Za-z0-9][A-Za-z0-9_.:=/-]{0,99}$/;

/** Validates `env` into a WorkerConfig; every problem reported at once, as the server does. */
export function loadWorkerConfig(env: Record<string, string | undefined> = process.env, cwd = process.cwd()) {
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ""));
  const parsed = z.object(executionEnvShape).safeParse(present);
  const problems = parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
  if (!present.REDIS_URL) problems.push("REDIS_URL: required (the worker takes its jobs from Redis)");
  if (!parsed.success || problems.length > 0) throw new ConfigError(problems);
  const e = parsed.data;
  return {
    redisUrl: e.REDIS_URL as string,
    logLevel: e.LOG_LEVEL,
    executions: executionConfigOf(e, cwd),
  } satisfies WorkerConfig;
}

/** Labels from `--labels a,b=c`: VALIDATION-style errors name the bad one. */
export function parseLabels(list: string | undefined): string[] {
  const labels = (list ?? "")
    .split(",")
    .map((l) => l.trim())
    .filter(Boolean);
  const bad = labels.find((l) => !LABEL.test(l));
  if (bad) throw new ConfigError([`--labels: ${JSON.stringify(bad)} is not a label (letters, digits, _ . : = / -)`]);
  return labels;
}
