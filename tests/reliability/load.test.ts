/**
 * Load with verification: 64 connections of mixed reads and writes (activities and tags
 * created with unique markers, lists of both) for 60 s (10 s with --smoke). Afterwards, read
 * straight from the database: every successful write is there exactly once, nothing else was
 * written, and no request failed.
 */
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { createOrg, login, rest } from "../bench/lib/api.js";
import { makeTempDir, removeDir, startReadyServer, type TestServer } from "../support/server.js";
import { call, percentile } from "./support/http.js";
import { BASE_ENV, SETTINGS, SMOKE, SUPERUSER } from "./support/settings.js";

type Op = "createActivity" | "createTag" | "listActivities" | "listTags";
const MIX: [Op, number][] = [
  ["createActivity", 35],
  ["createTag", 10],
  ["listActivities", 40],
  ["listTags", 15],
];

function pick(): Op {
  let r = Math.random() * 100;
  for (const [op, weight] of MIX) {
    r -= weight;
    if (r < 0) return op;
  }
  return "listActivities";
}

describe(`load with verification (${SETTINGS.loadConnections} connections, ${SETTINGS.loadSeconds} s)`, () => {
  let server: TestServer | undefined;
  let dataDir: string;
  let databaseUrl: string | undefined;
  const adminUrl = process.env.TEST_DATABASE_URL;

  afterAll(async () => {
    await server?.stop();
    if (dataDir) await removeDir(dataDir);
  });

  it("keeps every successful write exactly once, writes nothing else, and fails no request", async () => {
    dataDir = await makeTempDir("assay-rel-load-");
    if (adminUrl) {
      // On PostgreSQL: a database of our own, to read back directly afterwards.
      const name = `assay_rel_load_${randomBytes(6).toString("hex")}`;
      const admin = new pg.Client({ connectionString: adminUrl });
      await admin.connect();
      await admin.query(`CREATE DATABASE "${name}"`);
      await admin.end();
      const url = new URL(adminUrl);
      url.pathname = `/${name}`;
      databaseUrl = url.toString();
    }
    server = await startReadyServer({
      dataDir,
      env: { ...BASE_ENV, ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}) },
    });
    const token = await login(server.url, SUPERUSER.email, SUPERUSER.password);
    const session = await createOrg({ url: server.url, token }, "Load org");
    const assessments = await Promise.all(
      Array.from(
        { length: 8 },
        async (_, i) => (await rest<{ id: string }>(session, "POST", "/assessments", { name: `Load ${i}` })).id,
      ),
    );
    const baseTag = await rest<{ id: string }>(session, "POST", "/tags", { name: "load-base", color: "#00aa00" });

    const run = randomBytes(4).toString("hex");
    const headers = {
      authorization: `Bearer ${token}`,
      "x-organization-id": session.orgId,
      "content-type": "application/json",
    };
    const activities = new Map<string, string>(); // id -> marker (title)
    const tags = new Map<string, string>(); // id -> marker (name)
    const errors: string[] = [];
    const latencies: Record<Op, number[]> = { createActivity: [], createTag: [], listActivities: [], listTags: [] };
    const base = `${server.url}/api/v1`;
    const deadline = Date.now() + SETTINGS.loadSeconds * 1000;
    const started = performance.now();

    async function worker(w: number) {
      for (let seq = 0; Date.now() < deadline; seq++) {
        const op = pick();
        const assessment = assessments[(w + seq) % assessments.length] as string;
        const marker = `load:${run}:${w}:${seq}`;
        let answer: Awaited<ReturnType<typeof call>>;
        if (op === "createActivity") {
          answer = await call(
            `${base}/assessments/${assessment}/activities`,
            {
              method: "POST",
              headers,
              body: JSON.stringify({ title: marker, techniques: ["T1059.001"], tagIds: [baseTag.id] }),
            },
            30_000,
          );
        } else if (op === "createTag") {
          answer = await call(
            `${base}/tags`,
            { method: "POST", headers, body: JSON.stringify({ name: marker.replaceAll(":", "-"), color: "#336699" }) },
            30_000,
          );
        } else if (op === "listActivities") {
          answer = await call(
            `${base}/assessments/${assessment}/activities?page=${1 + (seq % 3)}&pageSize=20`,
            { headers },
            30_000,
          );
        } else {
          answer = await call(`${base}/tags?pageSize=50`, { headers }, 30_000);
        }
        latencies[op].push(answer.ms);
        if (answer.status < 200 || answer.status >= 300) {
          errors.push(`${op} ${marker}: ${answer.status || answer.failureDetail} ${answer.body.slice(0, 200)}`);
          continue;
        }
        if (op === "createActivity") activities.set((JSON.parse(answer.body) as { id: string }).id, marker);
        if (op === "createTag") tags.set((JSON.parse(answer.body) as { id: string }).id, marker.replaceAll(":", "-"));
      }
    }
    await Promise.all(Array.from({ length: SETTINGS.loadConnections }, (_, w) => worker(w)));
    const seconds = (performance.now() - started) / 1000;
    const total = Object.values(latencies).reduce((n, l) => n + l.length, 0);
    const figures = Object.fromEntries(
      Object.entries(latencies).map(([op, l]) => [
        op,
        { requests: l.length, p50Ms: Math.round(percentile(l, 50)), p99Ms: Math.round(percentile(l, 99)) },
      ]),
    );
    console.log(
      `load${SMOKE ? " (smoke)" : ""}: ${total} requests in ${seconds.toFixed(1)} s (${(total / seconds).toFixed(0)}/s) ` +
        `at ${SETTINGS.loadConnections} connections on the ${databaseUrl ? "PostgreSQL" : "embedded"} database; ` +
        `${activities.size} activities and ${tags.size} tags written; ${errors.length} errors; ${JSON.stringify(figures)}`,
    );

    // Read back from the database itself, with the server stopped (the embedded folder has one owner).
    const orgId = session.orgId;
    await server.stop();
    server = undefined;
    const sql = `
      SELECT 'activity' AS kind, id::text, title AS marker FROM activities WHERE "organizationId" = $1::uuid
      UNION ALL SELECT 'tag', id::text, name FROM tags WHERE "organizationId" = $1::uuid
      UNION ALL SELECT 'history', "activityId"::text, field FROM activity_history WHERE "organizationId" = $1::uuid
      UNION ALL SELECT 'link', "activityId"::text, "tagId"::text FROM activity_tags x
        JOIN tags t ON t.id = x."tagId" WHERE t."organizationId" = $1::uuid`;
    let rows: { kind: string; id: string; marker: string }[];
    if (databaseUrl) {
      const client = new pg.Client({ connectionString: databaseUrl });
      await client.connect();
      rows = (await client.query<{ kind: string; id: string; marker: string }>(sql, [orgId])).rows;
      await client.end();
      const admin = new pg.Client({ connectionString: adminUrl });
      await admin.connect();
      await admin.query(`DROP DATABASE IF EXISTS "${new URL(databaseUrl).pathname.slice(1)}" WITH (FORCE)`);
      await admin.end();
    } else {
      const db = await PGlite.create({ dataDir: join(dataDir, "pglite") });
      rows = (await db.query<{ kind: string; id: string; marker: string }>(sql, [orgId])).rows;
      await db.close();
    }

    const storedActivities = rows.filter((r) => r.kind === "activity");
    const storedTags = rows.filter((r) => r.kind === "tag" && r.marker !== "load-base");
    const history = rows.filter((r) => r.kind === "history");
    const links = rows.filter((r) => r.kind === "link");
    const counts = (list: { marker: string }[]) => {
      const m = new Map<string, number>();
      for (const r of list) m.set(r.marker, (m.get(r.marker) ?? 0) + 1);
      return m;
    };
    const activityMarkers = counts(storedActivities);
    const tagMarkers = counts(storedTags);

    expect(errors, errors.slice(0, 10).join("\n")).toEqual([]);
    expect(activities.size).toBeGreaterThan(0);
    // Every acknowledged write is stored under the id it was acknowledged with, exactly once...
    for (const [id, marker] of activities) {
      expect(storedActivities.find((r) => r.id === id)?.marker).toBe(marker);
      expect(activityMarkers.get(marker)).toBe(1);
    }
    for (const [id, marker] of tags) {
      expect(storedTags.find((r) => r.id === id)?.marker).toBe(marker);
      expect(tagMarkers.get(marker)).toBe(1);
    }
    // ...and nothing else was written: no extra rows, one history entry and one tag link each.
    expect(storedActivities.length).toBe(activities.size);
    expect(storedTags.length).toBe(tags.size);
    expect(history.filter((h) => h.marker === "created").length).toBe(activities.size);
    expect(history.length).toBe(activities.size);
    expect(links.length).toBe(activities.size);
    expect(new Set(links.map((l) => l.id)).size).toBe(activities.size);
  });
});
