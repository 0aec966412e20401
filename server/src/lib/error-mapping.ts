/**
 * Turns anything a procedure threw into Assay's error vocabulary: the code, a message safe
 * to show, and one item per problem. Shared by the tRPC formatter and the REST adapter.
 */
import type { TRPCError } from "@trpc/server";
import { AppError, codeFromTrpc, ERROR_CODES, type ErrorCode, type ErrorItem } from "./app-error.js";

export interface MappedError {
  code: ErrorCode;
  status: number;
  message: string;
  errors: ErrorItem[];
  /** True when the failure is ours (5xx), so it gets logged with its stack. */
  unexpected: boolean;
}

interface ValidationIssue {
  code?: string;
  path: PropertyKey[];
  message: string;
  keys?: string[];
}

/** One item per problem; a strict object's unknown keys become one item each, named by their own path. */
function itemsOf(issue: ValidationIssue): ErrorItem[] {
  const at = issue.path.map(String);
  if (issue.code === "unrecognized_keys" && issue.keys && issue.keys.length > 0) {
    return issue.keys.map((key) => ({
      code: "VALIDATION" as const,
      message: `Unknown field "${key}"`,
      field: [...at, key].join("."),
    }));
  }
  return [{ code: "VALIDATION" as const, message: issue.message, field: at.length > 0 ? at.join(".") : null }];
}

function isValidationError(cause: unknown): cause is { issues: ValidationIssue[] } {
  return cause instanceof Error && cause.name === "ZodError" && Array.isArray((cause as { issues?: unknown }).issues);
}

const UNAVAILABLE_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "ENOTFOUND", "EHOSTUNREACH", "EPIPE"]);
// P2028: a transaction found no free connection within maxWait (or outlived its timeout), which
// under a burst means "busy", not "broken": 503 and try again, never a 500.
const UNAVAILABLE_PRISMA = new Set(["P1001", "P1002", "P1008", "P1017", "P2024", "P2028"]);
const UNAVAILABLE_MESSAGES = [
  /timeout exceeded when trying to connect/i,
  /connection terminated/i,
  /the database system is (starting up|shutting down)/i,
  /terminating connection due to administrator command/i,
  /Client has encountered a connection error/i,
  /Connection refused/i,
];

/** True when the error chain says the database cannot be reached right now. */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e && depth < 8; e = (e as { cause?: unknown }).cause, depth++) {
    const err = e as { code?: unknown; name?: unknown; message?: unknown; kind?: unknown };
    if (typeof err.code === "string" && (UNAVAILABLE_CODES.has(err.code) || UNAVAILABLE_PRISMA.has(err.code)))
      return true;
    // SQLSTATE class 08 (connection exception) and 57P0x (operator intervention).
    if (typeof err.code === "string" && /^(08...|57P0[1-3])$/.test(err.code)) return true;
    if (err.name === "PrismaClientInitializationError") return true;
    if (err.kind === "DatabaseNotReachable" || err.kind === "ConnectionClosed") return true;
    if (typeof err.message === "string" && UNAVAILABLE_MESSAGES.some((re) => re.test(err.message as string)))
      return true;
  }
  return false;
}

// SQLSTATE 22021 (invalid byte sequence: a NUL in text) and 22P05 (untranslatable character:
// \u0000 in JSON) come from text PostgreSQL cannot store: the client's input, not our fault.
const INVALID_TEXT_STATES = new Set(["22021", "22P05"]);
const INVALID_TEXT_MESSAGE = /invalid byte sequence for encoding|unsupported Unicode escape sequence/i;

/** True when the error chain says the database refused a text value (NUL byte and the like). */
export function isInvalidText(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e && depth < 8; e = (e as { cause?: unknown }).cause, depth++) {
    const err = e as { code?: unknown; originalCode?: unknown; message?: unknown };
    if (typeof err.code === "string" && INVALID_TEXT_STATES.has(err.code)) return true;
    if (typeof err.originalCode === "string" && INVALID_TEXT_STATES.has(err.originalCode)) return true;
    if (typeof err.message === "string" && INVALID_TEXT_MESSAGE.test(err.message)) return true;
  }
  return false;
}

function fromPrisma(cause: unknown): AppError | undefined {
  const err = cause as { name?: string; code?: string; meta?: { target?: unknown } };
  if (err?.name !== "PrismaClientKnownRequestError") return undefined;
  if (err.code === "P2002") {
    const target = Array.isArray(err.meta?.target) ? String(err.meta.target[0]) : null;
    return new AppError("CONFLICT", "A record with this value already exists", target);
  }
  if (err.code === "P2025") return new AppError("NOT_FOUND", "Record not found");
  return undefined;
}

function mapped(code: ErrorCode, message: string, errors?: ErrorItem[]): MappedError {
  const status = ERROR_CODES[code].status;
  return { code, status, message, errors: errors ?? [{ code, message, field: null }], unexpected: status >= 500 };
}

/** Maps a thrown error; `exposeInternals` (development only) keeps the real message of a 500. */
export function mapError(error: unknown, exposeInternals = false): MappedError {
  const trpc = error instanceof Error && error.name === "TRPCError" ? (error as TRPCError) : undefined;
  const cause = trpc ? (trpc.cause ?? undefined) : error;
  if (cause instanceof AppError) return { ...mapped(cause.code, cause.message, cause.items), unexpected: false };
  if (isValidationError(cause)) {
    return mapped("VALIDATION", "Input validation failed", cause.issues.flatMap(itemsOf));
  }
  const prismaError = fromPrisma(cause);
  if (prismaError) return mapped(prismaError.code, prismaError.message, prismaError.items);
  if (isInvalidText(cause)) return mapped("VALIDATION", "Text must not contain NUL (\\u0000) characters");
  if (isDatabaseUnavailable(cause))
    return mapped("SERVICE_UNAVAILABLE", "The database is unavailable; try again shortly");
  if (trpc && !trpc.cause) {
    // Raised by tRPC itself (no procedure, bad method, unparsable body): its message is safe.
    return mapped(codeFromTrpc(trpc.code), trpc.message);
  }
  if (trpc && trpc.code !== "INTERNAL_SERVER_ERROR") {
    return mapped(codeFromTrpc(trpc.code), trpc.message);
  }
  const message = exposeInternals && cause instanceof Error ? cause.message : "Internal server error";
  return mapped("INTERNAL", message);
}
