import type { Config } from "../config.js";
import { startServer } from "../main.js";

/** Runs the server until SIGTERM/SIGINT, then shuts down gracefully. */
export async function serveCommand(config: Config): Promise<void> {
  const server = await startServer(config);
  const stop = async (signal: string) => {
    server.deps.logger.info({ signal }, "signal received");
    await server.close();
    process.exit(0);
  };
  process.once("SIGTERM", () => void stop("SIGTERM"));
  process.once("SIGINT", () => void stop("SIGINT"));
}
