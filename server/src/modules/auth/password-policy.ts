/**
 * The password policy: 12-128 characters, no control characters, not one of the 10,000 most
 * common, not the email, and strong enough by zxcvbn-ts (score 3 of 4: "safely unguessable",
 * about 10^8 guesses) with the account's email and name counted as known words.
 */
import { readFileSync } from "node:fs";
import type { ZxcvbnFactory } from "@zxcvbn-ts/core";
import { codeFile } from "../../code-files.js";
import { AppError } from "../../lib/app-error.js";

export const PASSWORD_MIN = 12;
export const PASSWORD_MAX = 128;
/** zxcvbn scores 0-4; 3 is the lowest its authors call safe against an online attack with throttling off. */
export const PASSWORD_MIN_SCORE = 3;

const commonPasswords = new Set(
  readFileSync(codeFile("modules/auth/data/common-passwords.txt"), "utf8").split("\n").filter(Boolean),
);

// C0/C1 controls (NUL, tab, newline, DEL...) and the Unicode line/paragraph separators:
// invisible, mangled by forms and terminals, and never needed in a passphrase.
const CONTROL = /[\p{Cc}\u2028\u2029]/u;

let estimator: Promise<ZxcvbnFactory> | undefined;

/** The estimator, its dictionaries (a few MB) loaded on first use and kept. */
function strengthEstimator(): Promise<ZxcvbnFactory> {
  estimator ??= (async () => {
    const [{ ZxcvbnFactory }, common, en] = await Promise.all([
      import("@zxcvbn-ts/core"),
      import("@zxcvbn-ts/language-common"),
      import("@zxcvbn-ts/language-en"),
    ]);
    return new ZxcvbnFactory({
      translations: en.translations,
      graphs: common.adjacencyGraphs,
      dictionary: { ...common.dictionary, ...en.dictionary },
    });
  })();
  // A failed load (should not happen: the packages ship with the server) is retried next time.
  estimator.catch(() => {
    estimator = undefined;
  });
  return estimator;
}

/** Whose password it is: words from these make a password weaker, not stronger. */
export interface PasswordOwner {
  email: string | null;
  name?: string | null | undefined;
}

function ownerWords(owner: PasswordOwner): string[] {
  const email = owner.email?.toLowerCase() ?? "";
  const local = email.split("@")[0] ?? "";
  const name = owner.name?.trim() ?? "";
  return [email, local, ...local.split(/[._+-]+/), name, ...name.split(/\s+/)].filter((w) => w.length >= 3);
}

/** Throws VALIDATION (with `field`) when the password breaks the policy; the message says why. */
export async function assertPasswordPolicy(password: string, owner: PasswordOwner, field = "password"): Promise<void> {
  const refuse = (message: string) => new AppError("VALIDATION", message, field);
  if (CONTROL.test(password)) throw refuse("Password must not contain control characters or line breaks");
  if (password.length < PASSWORD_MIN) throw refuse(`Password must be at least ${PASSWORD_MIN} characters`);
  if (password.length > PASSWORD_MAX) throw refuse(`Password must be at most ${PASSWORD_MAX} characters`);
  const lowered = password.toLowerCase();
  if (commonPasswords.has(lowered)) throw refuse("This password is too common; choose another");
  const email = owner.email?.toLowerCase();
  if (email && (lowered === email || lowered === email.split("@")[0])) {
    throw refuse("Password must not be your email address");
  }
  const result = (await strengthEstimator()).check(password, ownerWords(owner));
  if (result.score < PASSWORD_MIN_SCORE) {
    const { warning, suggestions } = result.feedback;
    const why = [warning, ...suggestions].filter(Boolean).join(" ");
    throw refuse(`Password is too easy to guess${why ? `: ${why}` : ""}`);
  }
}
