/** JSON logs with pino: one line per event, ready for any log shipper. */
import { type Logger, pino } from "pino";

export type { Logger } from "pino";

/** The root logger; request handlers log through children carrying the request id. */
export function createLogger(level: string, destination?: NodeJS.WritableStream): Logger {
  return pino(
    {
      level,
      base: { service: "assay" },
      timestamp: pino.stdTimeFunctions.isoTime,
      // Credentials must never reach a log line, even when a whole header object is logged.
      redact: {
        paths: ["req.headers.authorization", "req.headers.cookie", "*.password", "*.token", "*.refreshToken"],
        censor: "[redacted]",
      },
    },
    destination ?? process.stdout,
  );
}
