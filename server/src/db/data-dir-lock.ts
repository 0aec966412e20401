/**
 * One process per embedded database folder: PGlite has no inter-process locking, and two
 * processes writing one folder corrupt it. The claim is a pid file beside the folder, holding
 * the pid and, on a second line, the command that claimed it (so a refusal can say who).
 */
import { readFile, unlink, writeFile } from "node:fs/promises";

/** The folder is claimed by another live process: `pid`, running `command` ("serve", "import atomics"...). */
export class DataDirInUseError extends Error {
  constructor(
    readonly dir: string,
    readonly pid: number,
    readonly command: string | null,
  ) {
    super(`The embedded database ${dir} is in use by process ${pid}${command ? ` (assay ${command})` : ""}`);
    this.name = "DataDirInUseError";
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** The assay command this process runs: its leading command words ("serve", "import atomics"), not paths or options. */
function currentCommand(): string {
  const words = [];
  for (const arg of process.argv.slice(2)) {
    if (!/^[a-z][a-z-]*$/.test(arg) || words.length === 2) break;
    words.push(arg);
  }
  return words.join(" ");
}

/** Claims `dir` for this process; returns the release function. Refuses a folder another live process holds. */
export async function claimDataDir(dir: string): Promise<() => Promise<void>> {
  const lockFile = `${dir.replace(/\/+$/, "")}.lock`;
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      await writeFile(lockFile, `${process.pid}\n${currentCommand()}\n`, { flag: "wx" });
      return async () => {
        await unlink(lockFile).catch(() => undefined);
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const [pidLine = "", command = ""] = (await readFile(lockFile, "utf8").catch(() => "")).split("\n");
      const holder = Number.parseInt(pidLine, 10);
      if (Number.isInteger(holder) && holder !== process.pid && isAlive(holder)) {
        throw new DataDirInUseError(dir, holder, command.trim() || null);
      }
      // A stale claim from a process that died: take it over.
      await unlink(lockFile).catch(() => undefined);
    }
  }
  throw new Error(`Could not claim the embedded database folder ${dir}`);
}
