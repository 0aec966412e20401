/**
 * A second load process for `pnpm bench` scenario 3: signs in at a fixed rate (default 20/s)
 * for a fixed time through POST /api/v1/auth/login, then prints one STORM_RESULT JSON line.
 * Usage: tsx login-storm.ts <url> <email> <password> <perSecond> <seconds>
 */
const [url, email, password, rateArg, secondsArg] = process.argv.slice(2);
if (!url || !email || !password) throw new Error("usage: login-storm.ts <url> <email> <password> <rate> <seconds>");
const rate = Number(rateArg ?? 20);
const seconds = Number(secondsArg ?? 10);

const latencies: number[] = [];
const statuses: Record<string, number> = {};
const inFlight = new Set<Promise<void>>();
const body = JSON.stringify({ email, password });

async function once(): Promise<void> {
  const started = performance.now();
  let status = "error";
  try {
    const res = await fetch(`${url}/api/v1/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body,
      signal: AbortSignal.timeout(10_000),
    });
    await res.arrayBuffer();
    status = String(res.status);
  } catch (error) {
    status = (error as Error).name;
  }
  statuses[status] = (statuses[status] ?? 0) + 1;
  latencies.push(performance.now() - started);
}

const total = Math.round(rate * seconds);
const startedAt = performance.now();
for (let i = 0; i < total; i++) {
  // Fixed schedule (no catch-up bursts beyond what a late timer implies).
  const due = startedAt + (i * 1000) / rate;
  const wait = due - performance.now();
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  const p = once().finally(() => inFlight.delete(p));
  inFlight.add(p);
}
await Promise.all(inFlight);
latencies.sort((a, b) => a - b);
const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? 0;
const elapsed = (performance.now() - startedAt) / 1000;
process.stdout.write(
  `STORM_RESULT ${JSON.stringify({ sent: total, perSecond: total / elapsed, statuses, p50Ms: pct(50), p99Ms: pct(99) })}\n`,
);
