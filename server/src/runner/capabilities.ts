/**
 * What a runner can do, as labels it advertises besides the ones it is given: its operating
 * system (`os:linux`, `os:macos`, `os:windows`) and the Atomic Red Team executors found on its
 * PATH (`executor:sh`, `executor:bash`, `executor:powershell`, `executor:command_prompt`).
 */
import { accessSync, constants } from "node:fs";
import { delimiter, join } from "node:path";

/** The operating system as Atomic Red Team names platforms. */
export function platformName(platform: NodeJS.Platform = process.platform): string {
  return platform === "darwin" ? "macos" : platform === "win32" ? "windows" : platform;
}

/** The first of `names` found as an executable on `path`, or null. */
export function findExecutable(names: string[], path = process.env.PATH ?? ""): string | null {
  for (const dir of path.split(delimiter).filter(Boolean)) {
    for (const name of names) {
      try {
        accessSync(join(dir, name), constants.X_OK);
        return join(dir, name);
      } catch {
        // Not here.
      }
    }
  }
  return null;
}

const EXECUTORS: Record<string, string[]> = {
  sh: ["sh"],
  bash: ["bash"],
  powershell: ["pwsh", "powershell", "pwsh.exe", "powershell.exe"],
  command_prompt: ["cmd.exe"],
};

/** The labels this machine earns by itself. */
export function automaticLabels(path = process.env.PATH ?? ""): string[] {
  const labels = [`os:${platformName()}`];
  for (const [executor, names] of Object.entries(EXECUTORS)) {
    if (findExecutable(names, path)) labels.push(`executor:${executor}`);
  }
  return labels;
}

/**
 * The program to start for `argv[0]`: `powershell` means whichever PowerShell this machine
 * has (pwsh on Linux and macOS); anything else is used as given.
 */
export function resolveProgram(argv: string[], path = process.env.PATH ?? ""): string[] {
  if (argv[0] !== "powershell") return argv;
  const found = findExecutable(EXECUTORS.powershell ?? [], path);
  return found ? [found, ...argv.slice(1)] : argv;
}

/** True when a runner with `labels` may take a job that requires `required`. */
export function labelsMatch(labels: readonly string[], required: readonly string[]): boolean {
  return required.every((label) => labels.includes(label));
}

/** Labels as written on the command line or in an input: trimmed, unique, sorted. */
export function normaliseLabels(labels: readonly string[]): string[] {
  return [...new Set(labels.map((l) => l.trim()).filter(Boolean))].sort();
}
