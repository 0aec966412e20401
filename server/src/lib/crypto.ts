/** Small cryptographic helpers: hashing tokens, random secrets, authenticated encryption. */
import { createCipheriv, createDecipheriv, createHash, randomBytes, timingSafeEqual } from "node:crypto";

/** SHA-256 of a string, hex: how opaque tokens are stored (the token itself never is). */
export function sha256(value: string): string {
  return createHash("sha256").update(value).digest("hex");
}

/** A URL-safe random secret of `bytes` bytes (256 bits by default). */
export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString("base64url");
}

/** Compares two strings in constant time (for secrets). */
export function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/**
 * AES-256-GCM under a current key, with previous keys kept for decryption so keys can be
 * rotated: new ciphertexts use the current key; old ones still open until re-encrypted.
 * Format: `v1.<keyId>.<iv>.<tag>.<ciphertext>` (base64url parts).
 */
export class KeyRing {
  readonly #keys = new Map<string, Buffer>();
  readonly #currentId: string;

  constructor(current: Buffer, previous: Buffer[] = []) {
    for (const key of [current, ...previous]) {
      if (key.length !== 32) throw new Error("encryption keys must be 32 bytes");
      this.#keys.set(KeyRing.idOf(key), key);
    }
    this.#currentId = KeyRing.idOf(current);
  }

  /** A short public fingerprint of a key, stored with each ciphertext. */
  static idOf(key: Buffer): string {
    return createHash("sha256").update(key).digest("hex").slice(0, 8);
  }

  encrypt(plaintext: string): string {
    const key = this.#keys.get(this.#currentId) as Buffer;
    const iv = randomBytes(12);
    const cipher = createCipheriv("aes-256-gcm", key, iv);
    const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
    const parts = [iv, cipher.getAuthTag(), body].map((b) => b.toString("base64url"));
    return ["v1", this.#currentId, ...parts].join(".");
  }

  decrypt(sealed: string): string {
    const [version, keyId, iv, tag, body] = sealed.split(".");
    const key = keyId ? this.#keys.get(keyId) : undefined;
    if (version !== "v1" || !key || !iv || !tag || body === undefined) {
      throw new Error(
        "cannot decrypt: unknown format or key (was ENCRYPTION_KEY changed without ENCRYPTION_KEYS_PREVIOUS?)",
      );
    }
    const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(iv, "base64url"));
    decipher.setAuthTag(Buffer.from(tag, "base64url"));
    return Buffer.concat([decipher.update(Buffer.from(body, "base64url")), decipher.final()]).toString("utf8");
  }

  /** True when the ciphertext was sealed with an older key and should be re-encrypted. */
  isStale(sealed: string): boolean {
    return sealed.split(".")[1] !== this.#currentId;
  }
}
