/**
 * Measures the two statistics statements on 10,000 activities of one assessment (among
 * 30,000 in the organization), on the embedded database, or on PostgreSQL with
 * TEST_DATABASE_URL:
 *   pnpm exec tsx src/modules/statistics/statistics.bench.ts
 *   TEST_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres pnpm exec tsx src/modules/statistics/statistics.bench.ts
 */
import { performance } from "node:perf_hooks";
import type { Prisma } from "../../generated/prisma/client.js";
import { createTestDatabase } from "../../test-support/test-database.js";
import { viaDriver } from "../activities/activity-rows.js";
import { fetchOverview, fetchTechniqueCells, type StatisticsScope } from "./statistics-queries.js";

const db = await createTestDatabase();
const { prisma } = db;
const TACTICS = [
  "reconnaissance",
  "resource-development",
  "initial-access",
  "execution",
  "persistence",
  "privilege-escalation",
  "defense-evasion",
  "credential-access",
  "discovery",
  "lateral-movement",
  "collection",
  "command-and-control",
  "exfiltration",
  "impact",
];
await prisma.attackTactic.createMany({
  data: TACTICS.map((shortname, i) => ({
    stixId: `x-tactic-${i}`,
    attackId: `TA${String(i).padStart(4, "0")}`,
    name: shortname,
    shortname,
    description: "",
    matrixOrder: i,
    attackVersion: "18.1",
  })),
});
const org = await prisma.organization.create({ data: { name: "Bench", slug: `bench-${Date.now()}` } });
const OUTCOMES = ["prevented", "blocked", "alerted", "logged", "not_detected"] as const;
const STATUSES = ["planned", "waiting_red", "waiting_blue", "evaluated", "evaluated", "evaluated", "skipped"] as const;
const RESULTS = ["pass", "fail", "na"] as const;
const SEVERITIES = ["info", "low", "medium", "high", "critical"] as const;
const pick = <T>(list: readonly T[], n: number): T => list[n % list.length] as T;
const t0 = Date.UTC(2026, 2, 1);
/** One of 300 techniques. */
const technique = (i: number) => (i * 13) % 300;

function activity(assessmentId: string, i: number): Prisma.ActivityCreateManyInput {
  const status = pick(STATUSES, i);
  const observed = status !== "planned" && status !== "waiting_red";
  const evaluated = status === "evaluated";
  const executedAt = new Date(t0 + i * 60_000);
  return {
    organizationId: org.id,
    assessmentId,
    position: (i + 1) * 1024,
    title: `Activity ${i}`,
    // As in ATT&CK, a technique sits under one tactic (mostly); extra ones are its sub-techniques.
    tactic: pick(TACTICS, technique(i)),
    techniques: Array.from({ length: 1 + (i % 3) }, (_, k) => `T${1000 + technique(i)}${k === 0 ? "" : `.00${k}`}`),
    knowledgeBaseArticleIds: [],
    status,
    executedAt: observed ? executedAt : null,
    expectPrevented: i % 2 === 0,
    expectAlerted: true,
    expectLogged: true,
    expectNotified: i % 5 === 0,
    expectedSeverity: pick(SEVERITIES, i),
    outcome: observed ? pick(OUTCOMES, i * 3) : null,
    alertSeverity: observed ? pick(SEVERITIES, i * 11) : null,
    detectedAt: observed ? new Date(executedAt.getTime() + (i % 600) * 1000) : null,
    notifiedAt: observed && i % 4 === 0 ? new Date(executedAt.getTime() + 3_600_000) : null,
    ...(evaluated
      ? {
          preventionResult: pick(RESULTS, i),
          detectionResult: pick(RESULTS, i + 1),
          loggingResult: pick(RESULTS, i + 2),
          notificationResult: pick(RESULTS, i * 5),
          severityResult: pick(RESULTS, i * 3),
          evaluatedAt: new Date(),
        }
      : {}),
  };
}

async function assessmentWith(count: number): Promise<string> {
  const a = await prisma.assessment.create({ data: { organizationId: org.id, name: `bench ${count}` } });
  for (let start = 0; start < count; start += 1000) {
    const size = Math.min(1000, count - start);
    await prisma.activity.createMany({ data: Array.from({ length: size }, (_, k) => activity(a.id, start + k)) });
  }
  return a.id;
}

const target = await assessmentWith(10_000);
await assessmentWith(10_000);
await assessmentWith(10_000);
await db.query("ANALYZE");

const run = viaDriver(db);
async function time(name: string, scope: StatisticsScope, runs = 30) {
  const once = () => Promise.all([fetchOverview(run, scope), fetchTechniqueCells(run, scope)]);
  for (let i = 0; i < 5; i++) await once();
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await once();
    samples.push(performance.now() - start);
  }
  samples.sort((a, b) => a - b);
  const median = samples[Math.floor(runs / 2)] ?? 0;
  const p90 = samples[Math.floor(runs * 0.9)] ?? 0;
  console.log(`${name.padEnd(44)} median ${median.toFixed(1)} ms, p90 ${p90.toFixed(1)} ms`);
}

console.log(`database: ${db.kind}`);
await time("assessment (10k activities)", { kind: "assessment", organizationId: org.id, assessmentId: target });
await time("organization, owner (30k activities)", {
  kind: "organization",
  organizationId: org.id,
  aclUserId: null,
  from: null,
  to: null,
});
await time("organization, March 2026 only", {
  kind: "organization",
  organizationId: org.id,
  aclUserId: null,
  from: new Date("2026-03-01T00:00:00Z"),
  to: new Date("2026-04-01T00:00:00Z"),
});
await db.close();
