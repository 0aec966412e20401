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
