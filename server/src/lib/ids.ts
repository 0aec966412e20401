import { randomBytes } from "node:crypto";

/** The shape of the ids Assay hands out (UUIDs), checked before an id reaches a query. */

/** A UUID in its canonical text form (any version; case-insensitive). */
export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** True when `value` is a UUID (so `::uuid` casts cannot fail on it). */
export function isUuid(value: unknown): value is string {
  return typeof value === "string" && UUID_PATTERN.test(value);
}

/**
 * A UUIDv7 (48-bit millisecond time, version 7, variant, random bits), the id Prisma's
 * @default(uuid(7)) would make client-side. For rows that bypass Prisma's createMany (bulk
 * inserts as one JSON parameter): computing it per row in SQL cost PGlite a third of the insert.
 */
export function uuidV7(ms: number): string {
  const bytes = randomBytes(16);
  bytes.writeUIntBE(ms, 0, 6);
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x70;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = bytes.toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
