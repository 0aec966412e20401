/**
 * From a tool and validated parameter values to the argv that runs: each `args` element
 * stays one argv element, `{{name}}` placeholders replaced by the value (no shell ever sees
 * it, so `; touch /tmp/x` is just text). An element naming an optional parameter that was not
 * given is left out. The command as displayed quotes each element the way a POSIX shell would.
 */
import type { ParameterValue } from "./parameter-schema.js";

const PLACEHOLDER = /\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;

/** The parameter names `text` refers to. */
export function placeholdersOf(text: string): string[] {
  return [...text.matchAll(PLACEHOLDER)].map((match) => match[1] as string);
}

/** The argv of `executable` and `args` with `values` filled in. */
export function buildArgv(
  executable: string,
  args: readonly string[],
  values: Record<string, ParameterValue>,
): string[] {
  const argv = [executable];
  for (const arg of args) {
    const names = placeholdersOf(arg);
    if (names.some((name) => values[name] === undefined)) continue;
    argv.push(arg.replace(PLACEHOLDER, (_, name: string) => String(values[name])));
  }
  return argv;
}

const PLAIN = /^[A-Za-z0-9_/.,:=@%+-]+$/;

/** `argv` as one line a person can read (and paste into a POSIX shell). */
export function displayCommand(argv: readonly string[]): string {
  return argv.map((arg) => (PLAIN.test(arg) ? arg : `'${arg.replaceAll("'", `'\\''`)}'`)).join(" ");
}
