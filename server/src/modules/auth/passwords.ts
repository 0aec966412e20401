/** Password hashing: Argon2id, off the event loop in libuv's thread pool (the policy is in password-policy.ts). */
import { hash, verify } from "@node-rs/argon2";

export interface Argon2Params {
  memoryCost: number;
  timeCost: number;
  parallelism: number;
}

// @node-rs/argon2 declares Algorithm as an ambient const enum (Argon2id = 2), unusable under verbatimModuleSyntax.
const ARGON2ID = 2;

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
