/**
 * The parent's side of the spawner helper (spawner-child.mjs): one small process per runner,
 * started on first use (and again if it dies), that starts execution processes so this process
 * never forks itself. Messages carry Buffers (advanced serialization).
 */
import { type ChildProcess, fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import { codeFile } from "../code-files.js";

export interface SpawnHandlers {
  spawned(pid: number): void;
  output(stream: "stdout" | "stderr", data: Buffer): void;
  error(code: string | null, message: string): void;
  exit(exitCode: number | null, signal: NodeJS.Signals | null): void;
  close(): void;
}

export interface SpawnRequest {
  argv: string[];
  env: Record<string, string>;
  cwd: string;
}

type Message =
  | { type: "spawned"; id: number; pid: number }
  | { type: "output"; id: number; stream: "stdout" | "stderr"; data: Uint8Array }
  | { type: "error"; id: number; code: string | null; message: string }
  | { type: "exit"; id: number; exitCode: number | null; signal: NodeJS.Signals | null }
  | { type: "close"; id: number };

const HELPER = fileURLToPath(codeFile("runner/spawner-child.mjs"));

class Spawner {
  #child: ChildProcess | null = null;
  #next = 0;
  readonly #handlers = new Map<number, SpawnHandlers>();

  #helper(): ChildProcess {
    if (this.#child?.connected) return this.#child;
    // No loaders or flags of the parent, and none of its environment (PATH comes per request).
    const child = fork(HELPER, [], {
      execArgv: [],
      env: { PATH: process.env.PATH ?? "/usr/bin:/bin" },
      serialization: "advanced",
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    child.on("message", (message: Message) => this.#dispatch(message));
    child.once("exit", () => {
      if (this.#child === child) this.#child = null;
      for (const [id, handlers] of this.#handlers) {
        handlers.error(null, "The process spawner stopped while the process ran");
        handlers.close();
        this.#handlers.delete(id);
      }
    });
    // The helper must not keep a finished process alive.
    child.unref();
    child.channel?.unref();
    this.#child = child;
    return child;
  }

  #dispatch(message: Message): void {
    const handlers = this.#handlers.get(message.id);
    if (!handlers) return;
    switch (message.type) {
      case "spawned":
        handlers.spawned(message.pid);
        break;
      case "output":
        handlers.output(message.stream, Buffer.from(message.data));
        break;
      case "error":
        handlers.error(message.code, message.message);
        break;
      case "exit":
        handlers.exit(message.exitCode, message.signal);
        break;
      case "close":
        this.#handlers.delete(message.id);
        handlers.close();
        break;
    }
  }

  /** Starts the helper now rather than on the first execution. */
  warmUp(): void {
    this.#helper();
  }

  /** Starts `request.argv` in its own process group; `kill` signals the whole group. */
  spawn(request: SpawnRequest, handlers: SpawnHandlers): { kill(signal: NodeJS.Signals): void } {
    const id = ++this.#next;
    const helper = this.#helper();
    this.#handlers.set(id, handlers);
    const [file, ...args] = request.argv;
    helper.send({ type: "spawn", id, file, args, cwd: request.cwd, env: request.env });
    return {
      kill: (signal) => {
        if (helper.connected) helper.send({ type: "kill", id, signal });
      },
    };
  }
}

/** The process-wide spawner. */
export const spawner = new Spawner();
