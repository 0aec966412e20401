import { errorCodeOf } from "@assay/client";
import { MutationCache, QueryCache, QueryClient } from "@tanstack/react-query";
import { clearSession, expireAccessToken } from "./session";

const ENDED = new Set(["AUTH_REQUIRED", "AUTH_TOKEN_INVALID"]);

function onError(error: unknown): void {
  const code = errorCodeOf(error);
  // An access token that expired early: the query retries with a refreshed one (see retry).
  if (code === "AUTH_TOKEN_EXPIRED") expireAccessToken();
  // The session was revoked or ended elsewhere: back to the sign-in page.
  else if (code && ENDED.has(code)) clearSession("Your session has ended. Please sign in again.");
}

/** A query cache that retries network failures and an expired token only, never another refusal of the API. */
export function makeQueryClient(): QueryClient {
  return new QueryClient({
    queryCache: new QueryCache({ onError }),
    mutationCache: new MutationCache({ onError }),
    defaultOptions: {
      queries: {
        staleTime: 10_000,
        refetchOnWindowFocus: false,
        retry: (count, error) => {
          const code = errorCodeOf(error);
          return count < 2 && (code === undefined || code === "AUTH_TOKEN_EXPIRED");
        },
      },
    },
  });
}
