/**
 * Imports parsed Atomic Red Team tests as global activity templates, keyed by the test's GUID,
 * in one transaction. A content hash tells unchanged tests from updated ones on re-import.
 */
import { createHash } from "node:crypto";
import type { Database } from "../../db/database.js";
import { Prisma } from "../../generated/prisma/client.js";
import { uuidV7 } from "../../lib/ids.js";
import type { AtomicFileFailure, AtomicFolderResult, AtomicTest } from "./atomic-yaml.js";

/** The `source` of templates imported from Atomic Red Team. */
export const ATOMIC_SOURCE = "atomic-red-team";

export interface AtomicsImportReport {
  /** Files read, tests found in them. */
  files: number;
  tests: number;
  added: number;
  updated: number;
  unchanged: number;
  /** Files that could not be parsed, and tests that could not be imported, with the reason. */
  failed: AtomicFileFailure[];
}

export interface AtomicsImportOptions {
  /** updatedAt of rewritten templates (the context's clock). */
  now?: Date;
  onProgress?: (done: number, total: number, step: string) => void;
}

/** The imported content of one template, in a fixed key order. */
interface TemplateContent {
  name: string;
  description: string;
  techniques: string[];
  platforms: string[];
  inputArguments: AtomicTest["inputArguments"];
  executorName: string;
  command: string;
  cleanupCommand: string | null;
  elevationRequired: boolean;
  dependencies: AtomicTest["dependencies"];
  dependencyExecutorName: string | null;
}

const TRANSACTION = { maxWait: 30_000, timeout: 300_000 } as const;
const STEPS = ["read", "insert", "update", "done"] as const;

/** Upserts the folder's tests as templates; parse failures of the folder are reported, not fatal. */
export async function importAtomics(
  db: Pick<Database, "prisma">,
  result: AtomicFolderResult,
  options: AtomicsImportOptions = {},
): Promise<AtomicsImportReport> {
  const progress = (step: (typeof STEPS)[number]) => options.onProgress?.(STEPS.indexOf(step), STEPS.length - 1, step);
  const failed = [...result.failures];
  const seen = new Set<string>();
  const incoming: Incoming[] = [];
  for (const test of result.tests) {
    if (seen.has(test.guid)) {
      failed.push({ path: `${test.techniqueId} "${test.name}"`, reason: `duplicate auto_generated_guid ${test.guid}` });
      continue;
    }
    seen.add(test.guid);
    const content = templateContent(test);
    incoming.push({ guid: test.guid, content, hash: contentHash(content) });
  }

  const counts = await db.prisma.$transaction(async (tx) => {
    progress("read");
    const stored = await tx.activityTemplate.findMany({
      where: { atomicGuid: { in: incoming.map((t) => t.guid) } },
      select: { atomicGuid: true, contentHash: true },
    });
    const hashes = new Map(stored.map((s) => [s.atomicGuid, s.contentHash]));
    const added = incoming.filter((t) => !hashes.has(t.guid));
    const updated = incoming.filter((t) => hashes.has(t.guid) && hashes.get(t.guid) !== t.hash);
    progress("insert");
    await insert(tx, added, options.now ?? new Date());
    progress("update");
    await rewrite(tx, updated, options.now ?? new Date());
    return { added: added.length, updated: updated.length, unchanged: incoming.length - added.length - updated.length };
  }, TRANSACTION);
  progress("done");
  return { files: result.files, tests: result.tests.length, ...counts, failed };
}

function templateContent(test: AtomicTest): TemplateContent {
  return {
    name: test.name,
    description: test.description,
    techniques: [test.techniqueId],
    platforms: test.platforms,
    inputArguments: test.inputArguments,
    executorName: test.executor.name,
    command: test.executor.command,
    cleanupCommand: test.executor.cleanupCommand,
    elevationRequired: test.executor.elevationRequired,
    dependencies: test.dependencies,
    dependencyExecutorName: test.dependencyExecutorName,
  };
}

/** SHA-256 of the content as JSON with sorted keys, so it depends on values only. */
function contentHash(content: TemplateContent): string {
  return createHash("sha256").update(stableJson(content)).digest("hex");
}

function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value ?? null);
}

type Incoming = { guid: string; content: TemplateContent; hash: string };

const asRecords = (rows: Incoming[], id: () => string | null = () => null) =>
  JSON.stringify(
    rows.map(({ guid, content, hash }) => ({ ...content, id: id(), atomicGuid: guid, contentHash: hash })),
  );

// The shape of asRecords' JSON for jsonb_to_recordset.
const RECORD = Prisma.sql`r(
  "id" uuid, "atomicGuid" uuid, "name" text, "description" text, "techniques" text[], "platforms" text[],
  "inputArguments" jsonb, "executorName" text, "command" text, "cleanupCommand" text,
  "elevationRequired" boolean, "dependencies" jsonb, "dependencyExecutorName" text, "contentHash" text)`;

/**
 * Inserts new templates in one statement (rows as one JSON parameter): Prisma's createMany binds
 * each value separately and took about three times as long for the ~1,600 tests of Atomic Red Team.
 */
async function insert(tx: Prisma.TransactionClient, rows: Incoming[], now: Date): Promise<void> {
  if (rows.length === 0) return;
  await tx.$executeRaw`
    INSERT INTO "activity_templates" (
      "id", "organizationId", "atomicGuid", "source", "name", "description", "techniques", "platforms",
      "inputArguments", "executorName", "command", "cleanupCommand", "elevationRequired", "dependencies",
      "dependencyExecutorName", "tags", "contentHash", "createdAt", "updatedAt")
    SELECT "id", NULL, "atomicGuid", ${ATOMIC_SOURCE}, "name", "description", "techniques", "platforms",
      "inputArguments", "executorName", "command", "cleanupCommand", "elevationRequired", "dependencies",
      "dependencyExecutorName", ARRAY[]::text[], "contentHash", ${now}, ${now}
    FROM jsonb_to_recordset(${asRecords(rows, () => uuidV7(now.getTime()))}::jsonb) AS ${RECORD}`;
}

/**
 * Rewrites the content of changed templates in one statement.
 * Placement (organization, deletion, tags) is the users' and stays as it is.
 */
async function rewrite(tx: Prisma.TransactionClient, rows: Incoming[], now: Date): Promise<void> {
  if (rows.length === 0) return;
  await tx.$executeRaw`
    UPDATE "activity_templates" AS t SET
      "name" = r."name", "description" = r."description", "techniques" = r."techniques",
      "platforms" = r."platforms", "inputArguments" = r."inputArguments", "executorName" = r."executorName",
      "command" = r."command", "cleanupCommand" = r."cleanupCommand", "elevationRequired" = r."elevationRequired",
      "dependencies" = r."dependencies", "dependencyExecutorName" = r."dependencyExecutorName",
      "contentHash" = r."contentHash", "updatedAt" = ${now}
    FROM jsonb_to_recordset(${asRecords(rows)}::jsonb) AS ${RECORD}
    WHERE t."atomicGuid" = r."atomicGuid"`;
}
