/**
 * One answer from a worker thread that does one job and reports it once: `{ ok: true, ...value }`
 * or `{ ok: false, message }`. The worker is stopped as soon as the answer, an error, its exit
 * or the timeout comes, whichever is first; `failure` names each way it can fail, for the caller.
 */
import type { Worker } from "node:worker_threads";

export type WorkerFailure =
  | { kind: "timeout" }
  | { kind: "out-of-memory" }
  | { kind: "failed"; message: string }
  | { kind: "stopped" };

export function workerAnswer<T>(worker: Worker, timeoutMs: number, failure: (why: WorkerFailure) => Error): Promise<T> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const finish = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      void worker.terminate();
      outcome();
    };
    const timer = setTimeout(() => finish(() => reject(failure({ kind: "timeout" }))), timeoutMs);
    worker.on("message", (message: ({ ok: true } & T) | { ok: false; message: string }) =>
      finish(() => (message.ok ? resolve(message) : reject(failure({ kind: "failed", message: message.message })))),
    );
    worker.on("error", (error: Error & { code?: string }) =>
      finish(() =>
        reject(
          failure(
            error.code === "ERR_WORKER_OUT_OF_MEMORY"
              ? { kind: "out-of-memory" }
              : { kind: "failed", message: error.message },
          ),
        ),
      ),
    );
    worker.on("exit", () => finish(() => reject(failure({ kind: "stopped" }))));
  });
}
