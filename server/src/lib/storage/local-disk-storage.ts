/**
 * Object storage in a folder (DATA_DIR/evidence by default). Writes go to a temporary file
 * in the same folder and are renamed into place, so a crash never leaves half a file under
 * a key; files are created 0600 inside 0700 folders.
 */
import { createHash, randomUUID } from "node:crypto";
import { createReadStream } from "node:fs";
import { mkdir, rename, rm, stat, writeFile } from "node:fs/promises";
import { dirname, join, resolve, sep } from "node:path";
import { isEvidenceKey, type ObjectStorage, type StoredObject, toWebStream } from "./object-storage.js";

export class LocalDiskStorage implements ObjectStorage {
  readonly root: string;

  constructor(root: string) {
    this.root = resolve(root);
  }

  /** The file of `key`; refuses any key that is not made of uuids or that would leave the root. */
  #pathOf(key: string): string {
    if (!isEvidenceKey(key)) throw new Error(`invalid storage key: ${JSON.stringify(key)}`);
    const path = resolve(this.root, ...key.split("/"));
    if (!path.startsWith(this.root + sep)) throw new Error("storage key escapes the storage root");
    return path;
  }

  async put(key: string, data: Uint8Array): Promise<StoredObject> {
    const path = this.#pathOf(key);
    await mkdir(dirname(path), { recursive: true, mode: 0o700 });
    const partial = join(dirname(path), `.${randomUUID()}.partial`);
    try {
      await writeFile(partial, data, { mode: 0o600, flag: "wx" });
      await rename(partial, path);
    } catch (error) {
      await rm(partial, { force: true });
      throw error;
    }
    return { size: data.byteLength, sha256: createHash("sha256").update(data).digest("hex") };
  }

  async get(key: string): Promise<ReadableStream<Uint8Array> | undefined> {
    const path = this.#pathOf(key);
    try {
      if (!(await stat(path)).isFile()) return undefined;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
      throw error;
    }
    return toWebStream(createReadStream(path));
  }

  async delete(key: string): Promise<void> {
    await rm(this.#pathOf(key), { force: true });
  }
}

const opened = new Map<string, LocalDiskStorage>();

/** The local store rooted at `root`, one instance per folder. */
export function localDiskStorage(root: string): LocalDiskStorage {
  const key = resolve(root);
  let storage = opened.get(key);
  if (!storage) {
    storage = new LocalDiskStorage(key);
    opened.set(key, storage);
  }
  return storage;
}
