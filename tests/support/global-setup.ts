/**
 * Vitest global setup of the black-box suite: the servers under test run the build, as
 * `pnpm start` does (faster to start than the sources through tsx, and what ships). `pnpm build`
 * goes through turbo, so it compiles only when a server source changed and is otherwise
 * replayed from the cache in well under a second. ASSAY_SERVER_BUILD=src runs the sources instead.
 */
import { useBuiltServer } from "./server.js";

export default function setup(): void {
  if (process.env.ASSAY_SERVER_BUILD === "src") return;
  useBuiltServer();
}
