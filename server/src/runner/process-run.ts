/**
 * Runs one process from an argv array (never through a shell string) in its own process
 * group, so a timeout or a cancellation ends its children and grandchildren too: SIGTERM to
 * the group, SIGKILL one second later. Anything left in the group when the process exits
 * (a backgrounded child) is killed as well, so nothing outlives its execution. The spawner
 * helper (spawner.ts) starts it, so this process never forks itself.
 */
import { spawner } from "./spawner.js";

export type ProcessResult =
  | { kind: "exited"; exitCode: number | null; signal: NodeJS.Signals | null }
  | { kind: "timed_out" }
  | { kind: "cancelled" }
  | { kind: "not_started"; message: string };

export interface ProcessSpec {
  argv: string[];
  env: Record<string, string>;
  cwd: string;
  timeoutMs: number;
  /** Aborting it cancels the process. */
  signal?: AbortSignal;
  onOutput(stream: "stdout" | "stderr", data: Buffer): void;
}

/** Grace between SIGTERM and SIGKILL: the whole group is gone well within 2 s. */
export const KILL_GRACE_MS = 1000;

function notStartedMessage(file: string, code: string | null, message: string): string {
  if (code === "ENOENT") return `Executable not found: ${file}`;
  if (code === "EACCES") return `Executable not permitted: ${file}`;
  return code ? `The process could not start (${code})` : message;
}

/** Starts `spec.argv` (through the spawner helper) and resolves once it has ended and its output is read. */
export function runProcess(spec: ProcessSpec): Promise<ProcessResult> {
  const [file] = spec.argv;
  if (!file) return Promise.resolve({ kind: "not_started", message: "The command is empty" });
  return new Promise((resolve) => {
    let stoppedBy: "timed_out" | "cancelled" | null = null;
    let exit: { exitCode: number | null; signal: NodeJS.Signals | null } | null = null;
    let failure: string | null = null;
    let started = false;
    const timers: NodeJS.Timeout[] = [];
    const stop = (reason: "timed_out" | "cancelled") => {
      if (stoppedBy || exit) return;
      stoppedBy = reason;
      child.kill("SIGTERM");
      timers.push(setTimeout(() => child.kill("SIGKILL"), KILL_GRACE_MS));
    };
    const onAbort = () => stop("cancelled");
    const child = spawner.spawn(
      { argv: spec.argv, env: spec.env, cwd: spec.cwd },
      {
        spawned: () => {
          started = true;
        },
        output: (stream, data) => spec.onOutput(stream, data),
        error: (code, message) => {
          failure ??= started ? message : notStartedMessage(file, code, message);
        },
        exit: (exitCode, signal) => {
          exit = { exitCode, signal };
        },
        close: () => {
          for (const timer of timers) clearTimeout(timer);
          spec.signal?.removeEventListener("abort", onAbort);
          if (stoppedBy) return resolve({ kind: stoppedBy });
          if (!exit) return resolve({ kind: "not_started", message: failure ?? "The process could not start" });
          resolve({ kind: "exited", exitCode: exit.exitCode, signal: exit.signal });
        },
      },
    );
    timers.push(setTimeout(() => stop("timed_out"), spec.timeoutMs));
    if (spec.signal?.aborted) onAbort();
    else spec.signal?.addEventListener("abort", onAbort, { once: true });
  });
}
