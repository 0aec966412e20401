/**
 * Recovery codes: ten one-time codes shown once at enrolment, stored only as hashes. Each
 * is 12 characters from a 32-symbol alphabet without look-alikes (60 bits), as xxxx-xxxx-xxxx.
 */
import { randomInt } from "node:crypto";
import type { Prisma } from "../../generated/prisma/client.js";
import { sha256 } from "../../lib/crypto.js";

export const RECOVERY_CODE_COUNT = 10;
const ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789";
const GROUPS = 3;
const GROUP_LENGTH = 4;

/** One new code, formatted xxxx-xxxx-xxxx. */
function newRecoveryCode(): string {
  const groups: string[] = [];
  for (let g = 0; g < GROUPS; g++) {
    let group = "";
    for (let i = 0; i < GROUP_LENGTH; i++) group += ALPHABET[randomInt(ALPHABET.length)];
    groups.push(group);
  }
  return groups.join("-");
}

/** Tolerates what people do when typing a code: case, spaces, missing dashes. */
export function normalizeRecoveryCode(input: string): string {
  return input.toLowerCase().replace(/[\s-]/g, "");
}

/** The stored form: bound to the account, so equal codes of two accounts never collide. */
export function hashRecoveryCode(userId: string, code: string): string {
  return sha256(`${userId}:${normalizeRecoveryCode(code)}`);
}

/** Replaces the account's codes with ten new ones (inside `tx`) and returns them in clear, once. */
export async function replaceRecoveryCodes(tx: Prisma.TransactionClient, userId: string, now: Date): Promise<string[]> {
  const codes = Array.from({ length: RECOVERY_CODE_COUNT }, newRecoveryCode);
  await tx.recoveryCode.deleteMany({ where: { userId } });
  await tx.recoveryCode.createMany({
    data: codes.map((code) => ({ userId, codeHash: hashRecoveryCode(userId, code), createdAt: now })),
  });
  return codes;
}

/** Spends one code (compare-and-set on usedAt): true only for an unused code of this account. */
export async function spendRecoveryCode(
  tx: Prisma.TransactionClient,
  userId: string,
  code: string,
  now: Date,
): Promise<boolean> {
  const spent = await tx.recoveryCode.updateMany({
    where: { userId, codeHash: hashRecoveryCode(userId, code), usedAt: null },
    data: { usedAt: now },
  });
  return spent.count === 1;
}
