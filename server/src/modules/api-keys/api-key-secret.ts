/**
 * The API key itself: `assay_` followed by 32 random bytes in base62 (43 characters, so it
 * survives a double-click and any URL or shell). Only its SHA-256 is stored; keys are
 * high-entropy, so a fast hash found through a unique index is as safe as a slow one.
 */
import { randomBytes } from "node:crypto";
import { sha256 } from "../../lib/crypto.js";

export const API_KEY_PREFIX = "assay_";
const ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
/** 62^43 > 2^256: every 32-byte value fits in 43 base62 digits. */
const BODY_LENGTH = 43;
/** Characters of the body shown in lists (after `assay_`), enough to tell keys apart. */
const DISPLAY_LENGTH = 8;

function base62(bytes: Buffer): string {
  let value = BigInt(`0x${bytes.toString("hex")}`);
  let text = "";
  while (value > 0n) {
    text = ALPHABET[Number(value % 62n)] + text;
    value /= 62n;
  }
  return text.padStart(BODY_LENGTH, "0");
}

/** A new key, its hash (what is stored) and its display prefix. */
export function generateApiKey(): { key: string; hash: string; prefix: string } {
  const key = `${API_KEY_PREFIX}${base62(randomBytes(32))}`;
  return { key, hash: hashApiKey(key), prefix: key.slice(0, API_KEY_PREFIX.length + DISPLAY_LENGTH) };
}

/** What the database stores and looks keys up by. */
export function hashApiKey(key: string): string {
  return sha256(key);
}

const SHAPE = new RegExp(`^${API_KEY_PREFIX}[0-9A-Za-z]{${BODY_LENGTH}}$`);

/** True when `key` could be a key this server made (anything else is refused without a lookup). */
export function hasApiKeyShape(key: string): boolean {
  return SHAPE.test(key);
}

/** True when a bearer credential is meant as an API key (as opposed to a JWT). */
export function isApiKey(credential: string): boolean {
  return credential.startsWith(API_KEY_PREFIX);
}
