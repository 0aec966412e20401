/** `assay worker [--labels linux,host=ws01] [--concurrency N]`: runs execution jobs from Redis. */
import { Command, type Command as CommandType, InvalidArgumentError } from "commander";
import { ConfigError } from "../config.js";
import { createLogger } from "../lib/logger.js";
import { loadWorkerConfig, parseLabels } from "../worker-config.js";

function concurrencyOption(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 256) throw new InvalidArgumentError("a whole number from 1 to 256");
  return n;
}

async function runWorker(options: { labels?: string; concurrency?: number }): Promise<void> {
  const config = loadWorkerConfig(process.env, process.env.INIT_CWD ?? process.cwd());
  const logger = createLogger(config.logLevel);
  // Loaded here, not by `assay serve`, which lists this command for --help only (BullMQ, ioredis).
  const { startWorker } = await import("../worker.js");
  const worker = await startWorker(config, {
    labels: parseLabels(options.labels),
    ...(options.concurrency ? { concurrency: options.concurrency } : {}),
    logger,
  });
  const stop = (signal: string) => {
    logger.info({ signal }, "worker stopping: no new jobs, finishing running ones");
    worker.stop().then(
      () => process.exit(0),
      (error) => {
        logger.error({ err: error }, "worker stop failed");
        process.exit(1);
      },
    );
  };
  process.once("SIGTERM", () => stop("SIGTERM"));
  process.once("SIGINT", () => stop("SIGINT"));
}

/** Registers `worker` on `program`. */
export function registerWorkerCommand(program: CommandType): void {
  program
    .command("worker")
    .description("run execution jobs from Redis (needs REDIS_URL only; labels route jobs to this worker)")
    .option("--labels <list>", "comma-separated labels, e.g. linux,host=ws01")
    .option("--concurrency <n>", "executions run at the same time (default EXECUTION_CONCURRENCY)", concurrencyOption)
    .action(runWorker);
}

/** Runs `assay worker` from `argv` (process.argv) without loading the rest of the CLI. */
export async function runWorkerCli(argv: string[]): Promise<void> {
  const program = new Command().name("assay").showHelpAfterError();
  registerWorkerCommand(program);
  try {
    await program.parseAsync(argv);
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exit(error instanceof ConfigError ? 2 : 1);
  }
}
