/**
 * The guided tour of README.md as runnable code: the fenced blocks marked `tour`
 * (```sh tour, ```ts tour) in the order they appear, and the command that starts the server
 * for it (```sh tour-server), so tests run exactly what a reader copies.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

export const README_PATH = fileURLToPath(new URL("../../README.md", import.meta.url));

export interface Tour {
  /** The ```sh tour blocks, joined in order: one shell session. */
  shell: string;
  /** How many ```sh tour blocks there are (the numbered steps). */
  shellSteps: number;
  /** The ```ts tour block: the same session through @assay/client. */
  client: string;
  /** The variables the ```sh tour-server command sets before `pnpm start`. */
  serverEnv: Record<string, string>;
}

// A fenced block, possibly indented under a numbered step (its lines then carry the same indent).
const FENCE = /^( *)```(\w+) (tour|tour-server)\n([\s\S]*?)^\1```$/gm;

/** Reads the tour's blocks from README.md; throws when one is missing. */
export function readTour(markdown = readFileSync(README_PATH, "utf8")): Tour {
  const shell: string[] = [];
  const client: string[] = [];
  const server: string[] = [];
  for (const [, indent = "", language, kind, indented = ""] of markdown.matchAll(FENCE)) {
    const body = indented.replace(new RegExp(`^${indent}`, "gm"), "");
    if (kind === "tour-server") server.push(body);
    else if (language === "sh") shell.push(body);
    else if (language === "ts") client.push(body);
  }
  if (shell.length === 0 || client.length !== 1 || server.length !== 1) {
    throw new Error(
      "README.md needs fenced blocks marked 'sh tour', one 'ts tour' and one 'sh tour-server' " +
        `(found ${shell.length}, ${client.length} and ${server.length})`,
    );
  }
  return {
    shell: shell.join("\n"),
    shellSteps: shell.length,
    client: client[0] ?? "",
    serverEnv: envOf(server[0] ?? ""),
  };
}

/** The `NAME=value` / `NAME='value'` assignments in front of `pnpm start`. */
function envOf(command: string): Record<string, string> {
  const line = command.split("\n").find((l) => l.includes("pnpm start")) ?? "";
  const env: Record<string, string> = {};
  for (const [, name = "", quoted, bare] of line.matchAll(/([A-Z_][A-Z0-9_]*)=(?:'([^']*)'|(\S+))/g)) {
    env[name] = quoted ?? bare ?? "";
  }
  return env;
}
