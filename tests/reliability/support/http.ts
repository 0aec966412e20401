import { request as httpRequest } from "node:http";

/** Timed HTTP calls that never hang (client-side timeout), and the checks every answer must pass. */

export const ERROR_CODES = new Set([
  "VALIDATION",
  "BAD_REQUEST",
  "AUTH_REQUIRED",
  "AUTH_INVALID_CREDENTIALS",
  "AUTH_TOKEN_INVALID",
  "AUTH_TOKEN_EXPIRED",
  "FORBIDDEN",
  "NOT_FOUND",
  "METHOD_NOT_ALLOWED",
  "CONFLICT",
  "PAYLOAD_TOO_LARGE",
  "UNSUPPORTED_MEDIA_TYPE",
  "UNPROCESSABLE",
  "RATE_LIMITED",
  "SERVICE_UNAVAILABLE",
  "INTERNAL",
]);

export interface Answer {
  status: number;
  /** "timeout" or "network" when no HTTP answer came back. */
  failure?: "timeout" | "network";
  failureDetail?: string;
  headers: Headers;
  body: string;
  ms: number;
}

export async function call(url: string, init: RequestInit = {}, timeoutMs = 10_000): Promise<Answer> {
  const started = performance.now();
  try {
    const res = await fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
    const body = await res.text();
    return { status: res.status, headers: res.headers, body, ms: performance.now() - started };
  } catch (error) {
    const e = error as Error & { cause?: { code?: string; message?: string; socket?: unknown } };
    const timeout = e.name === "TimeoutError" || e.name === "AbortError";
    return {
      status: 0,
      failure: timeout ? "timeout" : "network",
      failureDetail: `${e.name}: ${e.message}${e.cause?.code ? ` (${e.cause.code}: ${e.cause.message}${e.cause.socket ? ` ${JSON.stringify(e.cause.socket)}` : ""})` : ""}`,
      headers: new Headers(),
      body: "",
      ms: performance.now() - started,
    };
  }
}

/** The same call on a connection of its own (no keep-alive reuse), through node:http. */
export function callOnFreshConnection(url: string, init: RequestInit = {}, timeoutMs = 10_000): Promise<Answer> {
  const started = performance.now();
  return new Promise((resolve) => {
    const req = httpRequest(
      url,
      {
        method: init.method ?? "GET",
        headers: { ...(init.headers as Record<string, string>), connection: "close" },
        agent: false,
        timeout: timeoutMs,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const headers = new Headers();
          for (const [k, v] of Object.entries(res.headers)) {
            for (const value of Array.isArray(v) ? v : v === undefined ? [] : [v]) headers.append(k, value);
          }
          resolve({
            status: res.statusCode ?? 0,
            headers,
            body: Buffer.concat(chunks).toString(),
            ms: performance.now() - started,
          });
        });
      },
    );
    const fail = (failure: "timeout" | "network", detail: string) =>
      resolve({
        status: 0,
        failure,
        failureDetail: detail,
        headers: new Headers(),
        body: "",
        ms: performance.now() - started,
      });
    req.on("timeout", () => {
      req.destroy();
      fail("timeout", "no answer in time");
    });
    req.on("error", (error) => fail("network", String(error)));
    if (typeof init.body === "string") req.write(init.body);
    req.end();
  });
}

/** Frames of a JavaScript stack trace, file paths of the server, or V8 error prefixes. */
const STACK_TRACE = [
  /\n\s+at\s+\S/,
  /\bat\s+[\w$.<>]+\s+\((?:file:\/\/|\/|node:)[^)]*:\d+:\d+\)/,
  /(?:file:\/\/|\/)[\w./@-]*\/(?:src|node_modules)\/[\w./@-]+\.(?:ts|js|mjs|cjs)(?::\d+)?/,
  /\b(?:TypeError|ReferenceError|RangeError|SyntaxError): [^"]*\n/,
  /PrismaClient\w*Error|Invalid `prisma\./,
];

export function stackTraceIn(body: string): string | undefined {
  for (const re of STACK_TRACE) {
    const m = re.exec(body);
    if (m) return m[0].slice(0, 120);
  }
  return undefined;
}

/** Problems with a 4xx/5xx body against `{ success:false, errors:[{code,message,field}], requestId }`. */
export function errorShapeProblems(answer: Answer): string[] {
  const problems: string[] = [];
  const type = answer.headers.get("content-type") ?? "";
  if (!type.startsWith("application/json")) problems.push(`content-type ${type || "(none)"}`);
  let body: unknown;
  try {
    body = JSON.parse(answer.body);
  } catch {
    return [...problems, "body is not JSON"];
  }
  if (!body || typeof body !== "object" || Array.isArray(body)) return [...problems, "body is not an object"];
  const b = body as Record<string, unknown>;
  const keys = Object.keys(b).sort().join(",");
  if (keys !== "errors,requestId,success") problems.push(`keys ${keys}`);
  if (b.success !== false) problems.push("success is not false");
  if (typeof b.requestId !== "string" || b.requestId === "") problems.push("no requestId");
  else if (answer.headers.get("x-request-id") !== b.requestId) problems.push("requestId differs from X-Request-ID");
  if (!Array.isArray(b.errors) || b.errors.length === 0) return [...problems, "errors is not a non-empty array"];
  for (const item of b.errors as unknown[]) {
    const e = item as Record<string, unknown>;
    if (!e || typeof e !== "object") {
      problems.push("an error item is not an object");
      continue;
    }
    const itemKeys = Object.keys(e).sort().join(",");
    if (itemKeys !== "code,field,message") problems.push(`error item keys ${itemKeys}`);
    if (typeof e.code !== "string" || !ERROR_CODES.has(e.code)) problems.push(`unknown code ${String(e.code)}`);
    if (typeof e.message !== "string" || e.message === "") problems.push("empty message");
    if (e.field !== null && typeof e.field !== "string") problems.push("field is neither a string nor null");
  }
  return problems;
}

/** The first error code of an error body, if any. */
export function codeOf(answer: Answer): string | undefined {
  try {
    return (JSON.parse(answer.body) as { errors?: { code?: string }[] }).errors?.[0]?.code;
  } catch {
    return undefined;
  }
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
}
