/**
 * Password hashing (Argon2id, off the event loop in libuv's thread pool) and the password
 * policy: 12-128 characters, not one of the 10,000 most common, not the email itself.
 */
import { readFileSync } from "node:fs";
import { hash, verify } from "@node-rs/argon2";
import { AppError } from "../../lib/app-error.js";

export interface Argon2Params {
  memoryCost: number;
  timeCost: number;
  parallelism: number;
}

// @node-rs/argon2 declares Algorithm as an ambient const enum (Argon2id = 2), unusable under verbatimModuleSyntax.
const ARGON2ID = 2;

export const PASSWORD_MIN = 12;
export const PASSWORD_MAX = 128;

const commonPasswords = new Set(
  readFileSync(new URL("./data/common-passwords.txt", import.meta.url), "utf8")
    .split("\n")
    .filter(Boolean),
);

/** Hashing with fixed parameters; verification works for any Argon2 hash. */
export class PasswordHasher {
  readonly #dummy: Promise<string>;

  constructor(private readonly params: Argon2Params) {
    // Verified against when the account does not exist, so both paths cost the same.
    this.#dummy = this.hash("assay-timing-equaliser-password");
  }

  hash(password: string): Promise<string> {
    return hash(password, { algorithm: ARGON2ID, ...this.params });
  }

  async verify(stored: string | null | undefined, password: string): Promise<boolean> {
    try {
      return await verify(stored ?? (await this.#dummy), password);
    } catch {
      return false; // A malformed stored hash never matches.
    }
  }

  /** Spends one verification's worth of time, for unknown accounts. */
  async burn(password: string): Promise<void> {
    await this.verify(undefined, password);
  }

  /** True when `stored` was made with other parameters (re-hash it at the next login). */
  needsRehash(stored: string): boolean {
    const match = /^\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$/.exec(stored);
    if (!match) return true;
    const [, m, t, p] = match.map(Number);
    return m !== this.params.memoryCost || t !== this.params.timeCost || p !== this.params.parallelism;
  }
}

/** Throws VALIDATION (with `field`) when the password breaks the policy. */
export function assertPasswordPolicy(password: string, email: string | null, field = "password"): void {
  if (password.length < PASSWORD_MIN) {
    throw new AppError("VALIDATION", `Password must be at least ${PASSWORD_MIN} characters`, field);
  }
  if (password.length > PASSWORD_MAX) {
    throw new AppError("VALIDATION", `Password must be at most ${PASSWORD_MAX} characters`, field);
  }
  const lowered = password.toLowerCase();
  if (commonPasswords.has(lowered)) {
    throw new AppError("VALIDATION", "This password is too common; choose another", field);
  }
  if (email && (lowered === email.toLowerCase() || lowered === email.toLowerCase().split("@")[0])) {
    throw new AppError("VALIDATION", "Password must not be your email address", field);
  }
}
