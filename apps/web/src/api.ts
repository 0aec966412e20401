/**
 * tRPC over TanStack Query (`@trpc/tanstack-react-query`), typed by `@assay/client`'s router
 * types: `useTRPC()` gives query and mutation options for every procedure.
 */
import { type AppRouter, type AssayClient, createAssayClient, TRPCClientError } from "@assay/client";
import { createTRPCContext } from "@trpc/tanstack-react-query";
import { accessToken } from "./session";

export const { TRPCProvider, useTRPC, useTRPCClient } = createTRPCContext<AppRouter>();

/** A client sending the current access token and, inside an organization, X-Organization-Id. */
export function makeClient(organizationId?: string): AssayClient {
  return createAssayClient({
    url: window.location.origin,
    token: accessToken,
    ...(organizationId ? { headers: { "X-Organization-Id": organizationId } } : {}),
  });
}

export interface Problem {
  code: string;
  message: string;
  field: string | null;
}

/** A refusal of one of the server's REST file routes (files.ts), with the problems its body lists. */
export class RestError extends Error {
  constructor(
    readonly status: number,
    readonly problems: Problem[],
  ) {
    super(problems[0]?.message ?? `The server answered ${status}`);
    this.name = "RestError";
  }
  /** The first problem's code (AUTH_TOKEN_EXPIRED, PAYLOAD_TOO_LARGE...). */
  get code(): string {
    return this.problems[0]?.code ?? "INTERNAL";
  }
}

/** The problems an API error lists (one per invalid field), or one generic problem. */
export function problemsOf(error: unknown): Problem[] {
  if (!error) return [];
  if (error instanceof RestError) return error.problems;
  if (error instanceof TRPCClientError) {
    const data = error.data as { code?: string; errors?: Problem[] } | undefined;
    if (data?.errors?.length) return data.errors;
    return [{ code: data?.code ?? "INTERNAL", message: error.message, field: null }];
  }
  return [{ code: "INTERNAL", message: error instanceof Error ? error.message : String(error), field: null }];
}

/**
 * Whether a problem's dotted `path` is about `field`: the whole path, its last segment, or an
 * item of the list `field` (`techniques.0` is about `techniques`).
 */
function isAbout(path: string, field: string): boolean {
  if (path === field || path.split(".").pop() === field) return true;
  return path.startsWith(`${field}.`) && /^\d+(\.|$)/.test(path.slice(field.length + 1));
}

/** The message for `field` (its last path segment, the whole dotted path, or an item of the list `field`). */
export function fieldError(error: unknown, field: string): string | undefined {
  const problem = problemsOf(error).find((p) => p.field !== null && isAbout(p.field, field));
  return problem?.message;
}

/** The messages not tied to one of `fields`: shown at the top of the form. */
export function formErrors(error: unknown, fields: readonly string[]): string[] {
  return problemsOf(error)
    .filter((p) => p.field === null || !fields.some((f) => isAbout(p.field ?? "", f)))
    .map((p) => (p.field ? `${p.field}: ${p.message}` : p.message));
}
