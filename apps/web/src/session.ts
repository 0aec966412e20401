/**
 * The signed-in session. The access token lives only in this module's memory; the refresh
 * token in sessionStorage (this tab only, gone when the tab closes), because the server hands
 * it out in the response body rather than in an HttpOnly cookie. A reload exchanges it for a
 * new pair (`auth.refresh`; it rotates on every use). README.md, "Web app", explains the choice.
 */
import { createAssayClient, errorCodeOf, type RouterOutputs } from "@assay/client";
import { useSyncExternalStore } from "react";

export type User = RouterOutputs["auth"]["me"];
type TokenPair = Extract<RouterOutputs["auth"]["login"], { mfaRequired: false }>;

export type SessionState =
  | { status: "restoring" }
  | { status: "signed-out"; reason?: string }
  | { status: "signed-in"; user: User; sessionId: string };

const REFRESH_KEY = "assay.refreshToken";
/** Refresh this long before the access token expires. */
const EARLY_MS = 30_000;

let access: { token: string; expiresAt: number } | null = null;
let state: SessionState = readRefreshToken() ? { status: "restoring" } : { status: "signed-out" };
let refreshing: Promise<string | undefined> | null = null;
const listeners = new Set<() => void>();

/** The client for calls made before any token exists (sign-in, refresh). */
export const anonymousClient = createAssayClient({ url: window.location.origin });

function readRefreshToken(): string | null {
  try {
    return window.sessionStorage.getItem(REFRESH_KEY);
  } catch {
    return null;
  }
}

function setState(next: SessionState): void {
  state = next;
  for (const listener of listeners) listener();
}

/** Stores a fresh token pair (sign-in, second step, refresh). */
export function acceptTokens(pair: TokenPair): void {
  access = { token: pair.accessToken, expiresAt: Date.now() + pair.expiresIn * 1000 };
  try {
    window.sessionStorage.setItem(REFRESH_KEY, pair.refreshToken);
  } catch {
    // Storage refused (private mode): the session lasts until the tab reloads.
  }
  setState({ status: "signed-in", user: pair.user, sessionId: pair.sessionId });
}

/** Forgets every token of this tab. */
export function clearSession(reason?: string): void {
  access = null;
  try {
    window.sessionStorage.removeItem(REFRESH_KEY);
  } catch {
    // Nothing stored.
  }
  setState(reason ? { status: "signed-out", reason } : { status: "signed-out" });
}

async function refresh(): Promise<string | undefined> {
  const refreshToken = readRefreshToken();
  if (!refreshToken) {
    if (state.status !== "signed-out") clearSession();
    return undefined;
  }
  try {
    const pair = await anonymousClient.auth.refresh.mutate({ refreshToken });
    acceptTokens(pair);
    return pair.accessToken;
  } catch (error) {
    const code = errorCodeOf(error);
    // A network failure keeps the refresh token for the next try; a refusal ends the session.
    if (code !== undefined && code !== "RATE_LIMITED" && code !== "SERVICE_UNAVAILABLE") {
      clearSession("Your session has ended. Please sign in again.");
    } else if (state.status === "restoring") {
      setState({ status: "signed-out", reason: "The server could not be reached. Please sign in again." });
    }
    return undefined;
  }
}

/** The current access token, refreshed first when it is about to expire (one refresh at a time). */
export async function accessToken(): Promise<string | undefined> {
  if (access && access.expiresAt - Date.now() > EARLY_MS) return access.token;
  refreshing ??= refresh().finally(() => {
    refreshing = null;
  });
  return refreshing;
}

/** Drops the access token the server refused as expired (clock skew, a sleeping laptop): the next call refreshes. */
export function expireAccessToken(): void {
  access = null;
}

/** Updates the user shown after a profile change. */
export function updateUser(user: User): void {
  if (state.status === "signed-in") setState({ ...state, user });
}

/** The session as it stands. */
export function getSession(): SessionState {
  return state;
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** The session, re-rendering on sign-in, refresh and sign-out. */
export function useSession(): SessionState {
  return useSyncExternalStore(subscribe, getSession);
}

// A reload with a refresh token in this tab: trade it for a new pair.
if (state.status === "restoring") void accessToken();
