/**
 * Parses Atomic Red Team test definitions (one YAML file per ATT&CK technique) into AtomicTest records.
 * parseAtomicFile is pure; parseAtomicFolder only reads files.
 */
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { isScalar, parseDocument, visit } from "yaml";
import { z } from "zod";
import { DEFAULT_MAX_INPUT_DEPTH, yamlNestsDeeperThan } from "../../lib/input-depth.js";

/** One input argument of a test; `default` is the YAML text of the value, null when empty. */
export interface AtomicInputArgument {
  name: string;
  type: string;
  description: string;
  default: string | null;
}

/** A prerequisite check and the command that satisfies it. */
export interface AtomicDependency {
  description: string;
  prereqCommand: string;
  getPrereqCommand: string;
}

/** How a test runs; for the `manual` executor, `command` holds the written steps. */
export interface AtomicExecutor {
  name: string;
  command: string;
  cleanupCommand: string | null;
  elevationRequired: boolean;
}

/** One Atomic Red Team test, normalised. */
export interface AtomicTest {
  guid: string;
  techniqueId: string;
  techniqueName: string;
  name: string;
  description: string;
  platforms: string[];
  inputArguments: AtomicInputArgument[];
  executor: AtomicExecutor;
  dependencies: AtomicDependency[];
  dependencyExecutorName: string | null;
}

/** Why a file could not be imported. */
export interface AtomicFileFailure {
  path: string;
  reason: string;
}

/** The outcome of importing a folder of Atomic Red Team files. */
export interface AtomicFolderResult {
  tests: AtomicTest[];
  failures: AtomicFileFailure[];
  files: number;
}

// Loose objects: the format gains optional keys over time, and only these are read.
const inputArgumentInput = z.looseObject({
  description: z.string(),
  type: z.string(),
  default: z.union([z.string(), z.number(), z.boolean(), z.null()]).optional(),
});
const executorInput = z.looseObject({
  name: z.string(),
  command: z.string().nullish(),
  cleanup_command: z.string().nullish(),
  elevation_required: z.boolean().optional(),
  steps: z.string().nullish(),
});
const dependencyInput = z.looseObject({
  description: z.string(),
  prereq_command: z.string(),
  get_prereq_command: z.string(),
});
const testInput = z.looseObject({
  name: z.string(),
  auto_generated_guid: z.uuid(),
  description: z.string(),
  supported_platforms: z.array(z.string()),
  input_arguments: z.record(z.string(), inputArgumentInput).nullish(),
  executor: executorInput,
  dependencies: z.array(dependencyInput).nullish(),
  dependency_executor_name: z.string().nullish(),
});
const fileInput = z.looseObject({
  attack_technique: z.string().regex(/^T\d{4}(\.\d{3})?$/, "expected an ATT&CK technique ID such as T1003.001"),
  display_name: z.string(),
  atomic_tests: z.array(testInput),
});

/** Parses one Atomic Red Team YAML file; a file that is not valid YAML or not in the format yields an error. */
export function parseAtomicFile(path: string, text: string): { tests: AtomicTest[] } | { error: AtomicFileFailure } {
  // yaml's parser recurses per level: a file nested absurdly deep is refused before it.
  if (yamlNestsDeeperThan(text, DEFAULT_MAX_INPUT_DEPTH)) {
    return { error: { path, reason: `invalid YAML: nested more than ${DEFAULT_MAX_INPUT_DEPTH} levels deep` } };
  }
  const doc = parseDocument(text);
  const yamlError = doc.errors[0];
  if (yamlError) return { error: { path, reason: `invalid YAML: ${yamlError.message.split("\n")[0]}` } };
  // YAML reads `default: 16.0` as the number 16 and `0755` as 755; arguments are text, so keep what was written.
  visit(doc, {
    Pair(_, pair) {
      if (isScalar(pair.key) && pair.key.value === "default" && isScalar(pair.value)) {
        if (typeof pair.value.value === "number" && pair.value.source !== undefined) {
          pair.value.value = pair.value.source;
        }
      }
    },
  });
  const result = fileInput.safeParse(doc.toJS());
  if (!result.success) {
    const issue = result.error.issues[0];
    const at = issue ? issuePath(issue.path) : "";
    const reason = `not an Atomic Red Team file: ${at || "(root)"}: ${issue?.message ?? "invalid"}`;
    return { error: { path, reason } };
  }
  const file = result.data;
  return {
    tests: file.atomic_tests.map((t) => ({
      // GUIDs key tests across imports; one case avoids duplicates that differ only in case.
      guid: t.auto_generated_guid.toLowerCase(),
      techniqueId: file.attack_technique,
      techniqueName: file.display_name,
      name: t.name,
      description: t.description,
      platforms: t.supported_platforms,
      inputArguments: Object.entries(t.input_arguments ?? {}).map(([name, arg]) => ({
        name,
        // The files mix "String" and "string"; Invoke-AtomicTest treats types case-insensitively.
        type: arg.type.toLowerCase(),
        description: arg.description,
        default: arg.default === undefined || arg.default === null ? null : String(arg.default),
      })),
      executor: {
        name: t.executor.name,
        command: t.executor.command ?? t.executor.steps ?? "",
        cleanupCommand: t.executor.cleanup_command ?? null,
        elevationRequired: t.executor.elevation_required ?? false,
      },
      dependencies: (t.dependencies ?? []).map((d) => ({
        description: d.description,
        prereqCommand: d.prereq_command,
        getPrereqCommand: d.get_prereq_command,
      })),
      dependencyExecutorName: t.dependency_executor_name ?? null,
    })),
  };
}

/**
 * Parses every technique file in `dir`: `T*.yaml` directly in it, or the repository layout
 * `atomics/T*\/T*.yaml` (with `dir` either the repository root or its atomics folder).
 * `onFile` is called after each file is parsed (for progress bars).
 */
export async function parseAtomicFolder(
  dir: string,
  options: { onFile?: (done: number, total: number) => void } = {},
): Promise<AtomicFolderResult> {
  const paths = await findAtomicFiles(dir);
  const texts = await Promise.all(paths.map((p) => readFile(p, "utf8")));
  const tests: AtomicTest[] = [];
  const failures: AtomicFileFailure[] = [];
  paths.forEach((path, i) => {
    const result = parseAtomicFile(path, texts[i] ?? "");
    if ("error" in result) failures.push(result.error);
    else tests.push(...result.tests);
    options.onFile?.(i + 1, paths.length);
  });
  return { tests, failures, files: paths.length };
}

const isTechniqueName = (name: string) => name.startsWith("T");
const isTechniqueFile = (name: string) => isTechniqueName(name) && name.endsWith(".yaml");

async function findAtomicFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const paths = entries.filter((e) => e.isFile() && isTechniqueFile(e.name)).map((e) => join(dir, e.name));
  if (paths.length === 0) {
    const atomics = entries.some((e) => e.isDirectory() && e.name === "atomics") ? join(dir, "atomics") : dir;
    // Technique folders also hold src/ and bin/ payloads; only their T*.yaml files are definitions.
    for (const folder of await readdir(atomics, { withFileTypes: true })) {
      if (!folder.isDirectory() || !isTechniqueName(folder.name)) continue;
      const inner = await readdir(join(atomics, folder.name), { withFileTypes: true });
      for (const e of inner) if (e.isFile() && isTechniqueFile(e.name)) paths.push(join(atomics, folder.name, e.name));
    }
  }
  // Sorted so the order of tests and failures does not depend on the file system.
  return paths.sort();
}

function issuePath(path: readonly PropertyKey[]): string {
  return path.map((k, i) => (typeof k === "number" ? `[${k}]` : `${i === 0 ? "" : "."}${String(k)}`)).join("");
}
