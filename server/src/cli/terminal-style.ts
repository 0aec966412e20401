/**
 * Colour in the CLI's output, by meaning: headings bold (neutral), errors red, warnings yellow,
 * success green; none at all when the stream is not a terminal or NO_COLOR is set
 * (https://no-color.org: present and not empty).
 */
import { relative } from "node:path";
import type { DataDirInUseError } from "../db/data-dir-lock.js";

type Stream = { isTTY?: boolean };
const CODES = { bold: [1, 22], red: [31, 39], yellow: [33, 39], green: [32, 39] } as const;
export type Tone = keyof typeof CODES;

/** Whether output to `stream` may be coloured. */
export function colourOn(stream: Stream, env: NodeJS.ProcessEnv = process.env): boolean {
  return stream.isTTY === true && !env.NO_COLOR;
}

/** A painter for `stream`: `paint("red", text)` is text in red there, or plain text. */
export function painter(stream: Stream, env: NodeJS.ProcessEnv = process.env) {
  const on = colourOn(stream, env);
  return (tone: Tone, text: string): string => {
    if (!on) return text;
    const [open, close] = CODES[tone];
    return `\u001b[${open}m${text}\u001b[${close}m`;
  };
}

/**
 * The one line a command prints when the embedded database is claimed by another process:
 * what holds it and what to do (an embedded database serves one process at a time).
 */
export function dataDirInUseMessage(error: DataDirInUseError, invokedFrom: string): string {
  const shown = relative(invokedFrom, error.dir);
  const where = shown.startsWith("..") || shown === "" ? error.dir : `./${shown}`;
  const holder =
    error.command === "serve"
      ? `a running Assay server (pid ${error.pid})`
      : `another Assay process (pid ${error.pid}${error.command ? `, assay ${error.command}` : ""})`;
  return (
    `The embedded database in ${where} is in use by ${holder}: stop it and run this command again, ` +
    "or point the server and the CLI at PostgreSQL (DATABASE_URL), which they can share. Nothing was changed."
  );
}
