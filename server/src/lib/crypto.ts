/** Small cryptographic helpers: hashing tokens, random secrets, authenticated encryption. */
import {
  createCipheriv,
  createDecipheriv,
  createHash,
  createHmac,
  hkdfSync,
  randomBytes,
  timingSafeEqual,
} from "node:crypto";

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

  /**
   * HMAC-SHA256 of `value` (base64url) under a key derived from the current key for `purpose`,
   * so a tag made for one purpose never verifies for another and never touches the cipher key.
   */
  mac(purpose: string, value: string): string {
    return KeyRing.#macWith(this.#keys.get(this.#currentId) as Buffer, purpose, value);
  }

  /** True when `tag` is `mac(purpose, value)` under the current key or a previous one. */
  verifyMac(purpose: string, value: string, tag: string): boolean {
    let ok = false;
    for (const key of this.#keys.values()) ok = safeEqual(KeyRing.#macWith(key, purpose, value), tag) || ok;
    return ok;
  }

  static #macWith(key: Buffer, purpose: string, value: string): string {
    const derived = Buffer.from(hkdfSync("sha256", key, Buffer.alloc(0), `assay-mac:${purpose}`, 32));
    return createHmac("sha256", derived).update(value).digest("base64url");
  }

  /** True when the ciphertext was sealed with an older key and should be re-encrypted. */
  isStale(sealed: string): boolean {
    return sealed.split(".")[1] !== this.#currentId;
  }

  /**
   * Secrets for one `purpose` (e.g. signing cookies), HMAC-derived from every key of the ring,
   * the current key's first: new signatures use it, and older ones keep verifying after a rotation.
   */
  derive(purpose: string): Buffer[] {
    const current = this.#keys.get(this.#currentId) as Buffer;
    const others = [...this.#keys.values()].filter((key) => key !== current);
    return [current, ...others].map((key) => createHmac("sha256", key).update(`assay:${purpose}`).digest());
  }
}
