/** The shape of the ids Assay hands out (UUIDs), checked before an id reaches a query. */

/** A UUID in its canonical text form (any version; case-insensitive). */
export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** True when `value` is a UUID (so `::uuid` casts cannot fail on it). */
export function isUuid(value: unknown): value is string {
  return typeof value === "string" && UUID_PATTERN.test(value);
}
