/**
 * One HTTP attempt of a webhook delivery: a POST of the signed body to the address the target
 * check resolved (the URL's host still names the server for Host and TLS), no redirect
 * followed (3xx is a failure), bounded by WEBHOOK_TIMEOUT_MS. Never throws: the outcome says
 * what happened.
 */
import http from "node:http";
import https from "node:https";
import type { LookupFunction } from "node:net";
import { performance } from "node:perf_hooks";
import type { ResolvedTarget } from "./webhook-target.js";

export interface AttemptOutcome {
  succeeded: boolean;
  responseStatus: number | null;
  durationMs: number;
  error: string | null;
}

/** A lookup that answers the checked address whatever is asked (so DNS is asked once, by the check). */
function pinnedLookup(address: string, family: 4 | 6): LookupFunction {
  return ((_hostname: string, options: { all?: boolean }, callback: (...args: unknown[]) => void) => {
    if (options?.all) callback(null, [{ address, family }]);
    else callback(null, address, family);
  }) as LookupFunction;
}

function outcomeOf(status: number, headers: http.IncomingHttpHeaders): Pick<AttemptOutcome, "succeeded" | "error"> {
  if (status >= 200 && status < 300) return { succeeded: true, error: null };
  if (status >= 300 && status < 400) {
    const to = typeof headers.location === "string" ? ` to ${headers.location.slice(0, 200)}` : "";
    return { succeeded: false, error: `Redirect (HTTP ${status})${to} not followed` };
  }
  return { succeeded: false, error: `HTTP ${status}` };
}

/** POSTs `body` with `headers` to `target`; resolves with the attempt's outcome. */
export function postSigned(
  target: ResolvedTarget,
  body: string,
  headers: Record<string, string>,
  timeoutMs: number,
): Promise<AttemptOutcome> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  const client = target.url.protocol === "https:" ? https : http;
  return new Promise((resolve) => {
    let settled = false;
    const finish = (outcome: Omit<AttemptOutcome, "durationMs">) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ ...outcome, durationMs: elapsed() });
    };
    const request = client.request(
      target.url,
      {
        method: "POST",
        lookup: pinnedLookup(target.address, target.family),
        headers: {
          "content-type": "application/json",
          "content-length": String(Buffer.byteLength(body)),
          "user-agent": "Assay-Webhooks/1",
          ...headers,
        },
      },
      (response) => {
        const status = response.statusCode ?? 0;
        // The body is not read: drain it so the socket is released.
        response.resume();
        response.on("end", () => finish({ ...outcomeOf(status, response.headers), responseStatus: status }));
        response.on("error", (error) =>
          finish({ succeeded: false, responseStatus: status, error: `Response failed: ${error.message}` }),
        );
      },
    );
    const timer = setTimeout(() => {
      finish({ succeeded: false, responseStatus: null, error: `Timed out after ${timeoutMs} ms` });
      request.destroy();
    }, timeoutMs);
    request.on("error", (error) => finish({ succeeded: false, responseStatus: null, error: error.message }));
    request.end(body);
  });
}
