/**
 * The environment of an execution's process: an allow-list, never the runner's own
 * environment. DATABASE_URL, ENCRYPTION_KEY, REDIS_URL, SMTP and OIDC secrets and anything
 * else the server or worker holds stay out; only these names pass, plus what the tool declares.
 */

/** Variables passed through from the runner's environment when set there. */
export const PASSED_VARIABLES = ["PATH", "HOME", "LANG", "TMPDIR"] as const;

/** Names a tool may not declare: they would change how the runner's own programs behave. */
export const RESERVED_VARIABLES = /^(LD_|DYLD_|NODE_|BASH_ENV$|ENV$|IFS$|PS4$)/;

/** The child's environment: the allow-listed variables of `runnerEnv`, then the tool's own. */
export function childEnvironment(
  runnerEnv: Record<string, string | undefined>,
  toolEnv: Record<string, string>,
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of PASSED_VARIABLES) {
    const value = runnerEnv[name];
    if (value !== undefined) env[name] = value;
  }
  env.PATH ??= "/usr/local/bin:/usr/bin:/bin";
  for (const [name, value] of Object.entries(toolEnv)) {
    if (!RESERVED_VARIABLES.test(name)) env[name] = value;
  }
  return env;
}
