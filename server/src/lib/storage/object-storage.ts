/**
 * Where evidence bytes live, behind one small interface so the local-disk store can be
 * swapped for S3 (or any object store) without touching the services. Keys are
 * `<org>/<activity>/<uuid>`: made by the service, never from user input.
 */
import { Readable } from "node:stream";

export interface StoredObject {
  size: number;
  /** Hex SHA-256 of the bytes as stored. */
  sha256: string;
}

export interface ObjectStorage {
  /** Stores `data` under `key` (replacing nothing: keys are fresh uuids). */
  put(key: string, data: Uint8Array): Promise<StoredObject>;
  /** The bytes under `key` as a web stream, or undefined when nothing is stored there. */
  get(key: string): Promise<ReadableStream<Uint8Array> | undefined>;
  /** Removes `key`; missing keys are not an error (deletes are retried by clean-ups). */
  delete(key: string): Promise<void>;
}

const SEGMENT = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The storage key of one evidence file; every segment must be a uuid, so no key escapes its folder. */
export function evidenceKey(organizationId: string, activityId: string, fileId: string): string {
  const parts = [organizationId, activityId, fileId];
  if (!parts.every((part) => SEGMENT.test(part))) throw new Error("evidence keys are made of uuids");
  return parts.map((part) => part.toLowerCase()).join("/");
}

/** True when `key` has the shape evidenceKey makes (checked again by backends before any I/O). */
export function isEvidenceKey(key: string): boolean {
  const parts = key.split("/");
  return parts.length === 3 && parts.every((part) => SEGMENT.test(part));
}

/** A Node stream as a web stream (for Response bodies). */
export function toWebStream(stream: Readable): ReadableStream<Uint8Array> {
  return Readable.toWeb(stream) as unknown as ReadableStream<Uint8Array>;
}
