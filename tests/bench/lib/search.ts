/**
 * Scenario 4's search figure: mitre.search over the server's full ATT&CK set, called one at a
 * time over HTTP (tRPC GET) with a mix of what people type: exact ids, a parent id, names and
 * description words. Reported like the statistics figure: the median over every call.
 */
import { type Spread, spread } from "./stats.js";

/** What the bench searches for; each pass calls every one once. */
export const SEARCH_QUERIES = [
  "T1003.001",
  "T1059",
  "lsass memory",
  "credential dumping",
  "powershell",
  "scheduled task",
  "registry run keys",
  "phishing attachment",
] as const;

export type SearchTiming =
  | { available: true; queries: number; calls: number; ms: Spread }
  | { available: false; note: string; status: number; answer: string };

/** Times `rounds` passes over SEARCH_QUERIES after one untimed warm-up pass, against the server at `baseUrl`. */
export async function timeSearches(
  baseUrl: string,
  headers: Record<string, string>,
  rounds: number,
): Promise<SearchTiming> {
  const times: number[] = [];
  for (let pass = 0; pass <= rounds; pass++) {
    for (const q of SEARCH_QUERIES) {
      const url = `${baseUrl}/trpc/mitre.search?input=${encodeURIComponent(JSON.stringify({ q }))}`;
      const started = performance.now();
      const res = await fetch(url, { headers, signal: AbortSignal.timeout(30_000) });
      const body = await res.text();
      const elapsed = performance.now() - started;
      if (res.status !== 200) {
        return {
          available: false,
          note: "mitre.search refused the call",
          status: res.status,
          answer: body.slice(0, 300),
        };
      }
      if (pass > 0) times.push(elapsed);
    }
  }
  return { available: true, queries: SEARCH_QUERIES.length, calls: times.length, ms: spread(times) };
}
