/**
 * Assay's one error vocabulary. Services throw AppError with a stable code; the tRPC error
 * formatter and the REST adapter map it once to their wire shapes and HTTP statuses.
 */
import type { TRPC_ERROR_CODE_KEY } from "@trpc/server";

export const ERROR_CODES = {
  VALIDATION: { trpc: "BAD_REQUEST", status: 400 },
  BAD_REQUEST: { trpc: "BAD_REQUEST", status: 400 },
  AUTH_REQUIRED: { trpc: "UNAUTHORIZED", status: 401 },
  AUTH_INVALID_CREDENTIALS: { trpc: "UNAUTHORIZED", status: 401 },
  AUTH_TOKEN_INVALID: { trpc: "UNAUTHORIZED", status: 401 },
  AUTH_TOKEN_EXPIRED: { trpc: "UNAUTHORIZED", status: 401 },
  FORBIDDEN: { trpc: "FORBIDDEN", status: 403 },
  NOT_FOUND: { trpc: "NOT_FOUND", status: 404 },
  METHOD_NOT_ALLOWED: { trpc: "METHOD_NOT_SUPPORTED", status: 405 },
  CONFLICT: { trpc: "CONFLICT", status: 409 },
  PAYLOAD_TOO_LARGE: { trpc: "PAYLOAD_TOO_LARGE", status: 413 },
  UNSUPPORTED_MEDIA_TYPE: { trpc: "UNSUPPORTED_MEDIA_TYPE", status: 415 },
  UNPROCESSABLE: { trpc: "UNPROCESSABLE_CONTENT", status: 422 },
  RATE_LIMITED: { trpc: "TOO_MANY_REQUESTS", status: 429 },
  INTERNAL: { trpc: "INTERNAL_SERVER_ERROR", status: 500 },
  SERVICE_UNAVAILABLE: { trpc: "SERVICE_UNAVAILABLE", status: 503 },
  TIMEOUT: { trpc: "TIMEOUT", status: 408 },
} as const satisfies Record<string, { trpc: TRPC_ERROR_CODE_KEY; status: number }>;

export type ErrorCode = keyof typeof ERROR_CODES;

/** One problem in an error response; `field` is the dotted input path when one field is at fault. */
export interface ErrorItem {
  code: ErrorCode;
  message: string;
  field: string | null;
}

/** A failure the caller can act on, with a stable code and, when one field is at fault, its path. */
export class AppError extends Error {
  override readonly name = "AppError";
  readonly status: number;

  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly field: string | null = null,
    readonly details: ErrorItem[] = [],
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.status = ERROR_CODES[code].status;
  }

  /** Every problem this error stands for (its own, then any details). */
  get items(): ErrorItem[] {
    return this.details.length > 0 ? this.details : [{ code: this.code, message: this.message, field: this.field }];
  }
}

// tRPC raises these itself (routing, parsing); they map back to Assay codes here.
const FROM_TRPC: Partial<Record<TRPC_ERROR_CODE_KEY, ErrorCode>> = {
  PARSE_ERROR: "BAD_REQUEST",
  BAD_REQUEST: "BAD_REQUEST",
  UNAUTHORIZED: "AUTH_REQUIRED",
  FORBIDDEN: "FORBIDDEN",
  NOT_FOUND: "NOT_FOUND",
  METHOD_NOT_SUPPORTED: "METHOD_NOT_ALLOWED",
  TIMEOUT: "TIMEOUT",
  CONFLICT: "CONFLICT",
  PAYLOAD_TOO_LARGE: "PAYLOAD_TOO_LARGE",
  UNSUPPORTED_MEDIA_TYPE: "UNSUPPORTED_MEDIA_TYPE",
  UNPROCESSABLE_CONTENT: "UNPROCESSABLE",
  TOO_MANY_REQUESTS: "RATE_LIMITED",
  SERVICE_UNAVAILABLE: "SERVICE_UNAVAILABLE",
};

/** The Assay code for an error tRPC raised on its own. */
export function codeFromTrpc(code: TRPC_ERROR_CODE_KEY): ErrorCode {
  return FROM_TRPC[code] ?? "INTERNAL";
}

/** NOT_FOUND naming the input field that held the unknown (or another organization's) id. */
export function notFound(what: string, field: string | null = "id"): AppError {
  return new AppError("NOT_FOUND", `${what} not found`, field);
}
