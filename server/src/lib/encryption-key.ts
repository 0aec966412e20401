/**
 * The key that encrypts secrets at rest (signing keys, MFA secrets). From ENCRYPTION_KEY;
 * outside production, when unset, one is generated once into DATA_DIR/secrets so a
 * zero-set-up install still encrypts (production refuses to start without it).
 */
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Config } from "../config.js";
import { KeyRing } from "./crypto.js";

export async function loadKeyRing(config: Config): Promise<KeyRing> {
  const previous = config.auth.previousEncryptionKeys.map((k) => Buffer.from(k, "base64"));
  if (config.auth.encryptionKey) return new KeyRing(Buffer.from(config.auth.encryptionKey, "base64"), previous);
  const dir = join(config.dataDir, "secrets");
  const file = join(dir, "encryption.key");
  if (!existsSync(file)) {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    await writeFile(file, randomBytes(32).toString("base64"), { mode: 0o600, flag: "wx" }).catch((error) => {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    });
  }
  return new KeyRing(Buffer.from((await readFile(file, "utf8")).trim(), "base64"), previous);
}
