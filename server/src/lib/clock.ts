/** Time and ids come from here so tests can control them. */
import { randomUUID } from "node:crypto";

export interface Clock {
  now(): Date;
}

export interface IdSource {
  uuid(): string;
}

export const systemClock: Clock = { now: () => new Date() };
export const randomIds: IdSource = { uuid: () => randomUUID() };

/** ISO 8601 text of an optional date (the API's JSON has no Date objects). */
export function iso(date: Date | null | undefined): string | null {
  return date ? date.toISOString() : null;
}
