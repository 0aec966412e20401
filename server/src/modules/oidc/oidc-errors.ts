/**
 * Why a federated sign-in failed. The browser only ever sees `code` (in the `error` query
 * parameter of the redirect back to the SPA); `reason` stays in the audit log.
 */
export type OidcErrorCode =
  | "invalid_request"
  | "access_denied"
  | "login_failed"
  | "email_unverified"
  | "registration_closed"
  | "account_disabled"
  | "identity_in_use"
  | "server_error";

export class OidcFlowError extends Error {
  override readonly name = "OidcFlowError";

  constructor(
    readonly code: OidcErrorCode,
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(`${code}: ${reason}`, options);
  }
}

/** Fetches JSON from a provider, with a timeout; any failure is a login_failed with `reason`. */
export async function fetchJson(url: string, init: RequestInit, reason: string): Promise<unknown> {
  let response: Response;
  try {
    response = await fetch(url, { ...init, signal: AbortSignal.timeout(10_000) });
  } catch (error) {
    throw new OidcFlowError("login_failed", `${reason}_unreachable`, { cause: error });
  }
  if (!response.ok) {
    await response.body?.cancel();
    throw new OidcFlowError("login_failed", `${reason}_http_${response.status}`);
  }
  try {
    return await response.json();
  } catch (error) {
    throw new OidcFlowError("login_failed", `${reason}_not_json`, { cause: error });
  }
}
