/**
 * One process per embedded database folder: PGlite has no inter-process locking, and two
 * processes writing one folder corrupt it. The claim is a pid file beside the folder.
 */
import { readFile, unlink, writeFile } from "node:fs/promises";

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Claims `dir` for this process; returns the release function. Refuses a folder another live process holds. */
export async function claimDataDir(dir: string): Promise<() => Promise<void>> {
  const lockFile = `${dir.replace(/\/+$/, "")}.lock`;
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      await writeFile(lockFile, String(process.pid), { flag: "wx" });
      return async () => {
        await unlink(lockFile).catch(() => undefined);
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const holder = Number.parseInt(await readFile(lockFile, "utf8").catch(() => ""), 10);
      if (Number.isInteger(holder) && holder !== process.pid && isAlive(holder)) {
        throw new Error(`The embedded database ${dir} is in use by process ${holder}`);
      }
      // A stale claim from a process that died: take it over.
      await unlink(lockFile).catch(() => undefined);
    }
  }
  throw new Error(`Could not claim the embedded database folder ${dir}`);
}
