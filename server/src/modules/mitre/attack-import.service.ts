/**
 * Imports parsed ATT&CK data: tactics, techniques, mitigations and their links, upserted by STIX id
 * in one transaction, with a report of what the import changed. Re-importing the same data writes
 * nothing but the AttackImport record.
 */
import type { Deps } from "../../context.js";
import type { Database, Tx } from "../../db/database.js";
import type { ParsedAttack } from "./attack-model.js";
import {
  isoMillis,
  mitigationFingerprint,
  mitigationRow,
  mitigationsByTechnique,
  normaliseLinks,
  type TechniqueLinks,
  tacticFingerprint,
  tacticRow,
  techniqueFingerprint,
  techniqueRow,
} from "./attack-rows.js";
import { replaceLinks, upsertMitigations, upsertTactics, upsertTechniques } from "./attack-writes.js";
import { loadBundledAttackDataset } from "./bundled-dataset.js";

/** An item an import could not take, and why. */
export interface ImportFailure {
  path: string;
  reason: string;
}

/**
 * What an import did to one kind of object. Each object counts once: `revoked` is an existing,
 * active object the import revoked or deprecated; `updated` any other change to an existing one.
 */
export interface ChangeCounts {
  added: number;
  updated: number;
  unchanged: number;
  revoked: number;
}

export interface AttackImportReport extends ChangeCounts {
  importId: string;
  attackVersion: string;
  domain: string;
  source: string;
  byKind: { tactics: ChangeCounts; techniques: ChangeCounts; mitigations: ChangeCounts };
  /** Technique-to-tactic links naming a tactic found neither in the data nor in the database. */
  failed: ImportFailure[];
}

/** Called as the import moves through its steps (for progress bars). */
export type ImportProgress = (done: number, total: number, step: string) => void;

export interface ImportOptions {
  /** Time of the import record (the context's clock); the database's clock otherwise. */
  now?: Date;
  onProgress?: ImportProgress;
}

type Verdict = keyof ChangeCounts;

// A full import writes a few MB in one statement per table; Prisma's 5 s default is for OLTP work.
const TRANSACTION = { maxWait: 30_000, timeout: 300_000 } as const;
/** Serialises first-start loads of several instances sharing one PostgreSQL database. */
const FIRST_LOAD_LOCK_KEY = 0x61747461;
const STEPS = ["read", "tactics", "mitigations", "techniques", "links", "record"] as const;

/** Imports `parsed` (from `source`, a file name or "bundled") in one all-or-nothing transaction. */
export async function importAttack(
  db: Pick<Database, "prisma">,
  parsed: ParsedAttack,
  source: string,
  options: ImportOptions = {},
): Promise<AttackImportReport> {
  return db.prisma.$transaction((tx) => importInTransaction(tx, parsed, source, options), TRANSACTION);
}

const loadedAtStart = new WeakMap<object, AttackImportReport>();

/** Imports the bundled ATT&CK dataset when the database has no techniques yet (first start). */
export async function ensureAttackLoaded(
  deps: Pick<Deps, "db" | "logger" | "clock">,
): Promise<AttackImportReport | null> {
  const { prisma } = deps.db;
  const exists = await prisma.attackTechnique.findFirst({ select: { stixId: true } });
  if (exists) return null;
  const parsed = await loadBundledAttackDataset();
  const report = await prisma.$transaction(async (tx) => {
    // Another instance may be loading it right now: wait for it, then find the rows there.
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(${FIRST_LOAD_LOCK_KEY}::bigint)`;
    if (await tx.attackTechnique.findFirst({ select: { stixId: true } })) return null;
    return importInTransaction(tx, parsed, "bundled", { now: deps.clock.now() });
  }, TRANSACTION);
  if (report) {
    loadedAtStart.set(deps.db, report);
    deps.logger.info({ attackVersion: report.attackVersion, added: report.added }, "bundled ATT&CK dataset loaded");
  }
  return report;
}

/** The report of the bundled dataset load that ensureAttackLoaded did on `db` in this process, if any. */
export function bundledLoadReport(db: object): AttackImportReport | undefined {
  return loadedAtStart.get(db);
}

async function importInTransaction(
  tx: Tx,
  parsed: ParsedAttack,
  source: string,
  options: ImportOptions,
): Promise<AttackImportReport> {
  const progress = (step: (typeof STEPS)[number]) => options.onProgress?.(STEPS.indexOf(step), STEPS.length, step);
  const attackVersion = parsed.attackVersion ?? "unknown";
  progress("read");
  const stored = await readStored(tx);
  const failed: ImportFailure[] = [];

  const tactics = parsed.tactics.map(tacticRow);
  const tacticIds = new Map(stored.tacticShortnames);
  for (const t of tactics) tacticIds.set(t.shortname, t.stixId);
  const tacticVerdicts = tactics.map((r) => classify(stored.tactics.get(r.stixId), tacticFingerprint(r), r));

  const mitigations = parsed.mitigations.map(mitigationRow);
  const mitigationVerdicts = mitigations.map((r) =>
    classify(stored.mitigations.get(r.stixId), mitigationFingerprint(r), r),
  );

  const mitigatesByTechnique = mitigationsByTechnique(parsed.mitigates);
  const techniques = parsed.techniques.map((t) => {
    const tacticStixIds: string[] = [];
    for (const shortname of t.tacticShortnames) {
      const id = tacticIds.get(shortname);
      if (id) tacticStixIds.push(id);
      else failed.push({ path: t.attackId, reason: `unknown tactic "${shortname}": link skipped` });
    }
    const links = normaliseLinks({ tacticStixIds, mitigations: mitigatesByTechnique.get(t.stixId) ?? [] });
    return { row: techniqueRow(t), links };
  });
  const techniqueVerdicts = techniques.map(({ row, links }) =>
    classify(stored.techniques.get(row.stixId), techniqueFingerprint(row, links), row),
  );

  const changed = <T>(rows: T[], verdicts: Verdict[]) => rows.filter((_, i) => verdicts[i] !== "unchanged");
  const withVersion = <T>(rows: T[]) => rows.map((r) => ({ ...r, attackVersion }));
  progress("tactics");
  await upsertTactics(tx, withVersion(changed(tactics, tacticVerdicts)));
  progress("mitigations");
  await upsertMitigations(tx, withVersion(changed(mitigations, mitigationVerdicts)));
  progress("techniques");
  const changedTechniques = changed(techniques, techniqueVerdicts);
  await upsertTechniques(tx, withVersion(changedTechniques.map((t) => t.row)));
  progress("links");
  await replaceLinks(tx, changedTechniques);

  progress("record");
  const byKind = {
    tactics: count(tacticVerdicts),
    techniques: count(techniqueVerdicts),
    mitigations: count(mitigationVerdicts),
  };
  const totals = sumCounts(Object.values(byKind));
  const record = await tx.attackImport.create({
    data: {
      attackVersion,
      domain: parsed.domain,
      source,
      ...totals,
      ...(options.now ? { createdAt: options.now } : {}),
    },
    select: { id: true },
  });
  options.onProgress?.(STEPS.length, STEPS.length, "done");
  return { importId: record.id, attackVersion, domain: parsed.domain, source, ...totals, byKind, failed };
}

interface StoredState {
  fingerprint: string;
  retired: boolean;
}

async function readStored(tx: Tx) {
  const [tactics, mitigations, techniques, tacticLinks, mitigationLinks] = await Promise.all([
    tx.attackTactic.findMany(),
    tx.attackMitigation.findMany(),
    tx.attackTechnique.findMany(),
    tx.attackTechniqueTactic.findMany(),
    tx.attackMitigationLink.findMany(),
  ]);
  const links = new Map<string, TechniqueLinks>();
  const linksOf = (stixId: string) => {
    const known = links.get(stixId);
    if (known) return known;
    const created: TechniqueLinks = { tacticStixIds: [], mitigations: [] };
    links.set(stixId, created);
    return created;
  };
  for (const l of tacticLinks) linksOf(l.techniqueStixId).tacticStixIds.push(l.tacticStixId);
  for (const l of mitigationLinks) {
    linksOf(l.techniqueStixId).mitigations.push({ mitigationStixId: l.mitigationStixId, description: l.description });
  }
  const state = (fp: string, r: { revoked: boolean; deprecated: boolean }): StoredState => ({
    fingerprint: fp,
    retired: r.revoked || r.deprecated,
  });
  return {
    tacticShortnames: tactics.map((t) => [t.shortname, t.stixId] as const),
    tactics: new Map(
      tactics.map((t) => [t.stixId, state(tacticFingerprint({ ...t, modifiedAt: isoMillis(t.modifiedAt) }), t)]),
    ),
    mitigations: new Map(
      mitigations.map((m) => [
        m.stixId,
        state(mitigationFingerprint({ ...m, modifiedAt: isoMillis(m.modifiedAt) }), m),
      ]),
    ),
    techniques: new Map(
      techniques.map((t) => {
        const row = { ...t, modifiedAt: isoMillis(t.modifiedAt) };
        const fp = techniqueFingerprint(row, linksOf(t.stixId));
        return [t.stixId, state(fp, t)];
      }),
    ),
  };
}

function classify(
  previous: StoredState | undefined,
  fingerprint: string,
  next: { revoked: boolean; deprecated: boolean },
): Verdict {
  if (!previous) return "added";
  if (previous.fingerprint === fingerprint) return "unchanged";
  return !previous.retired && (next.revoked || next.deprecated) ? "revoked" : "updated";
}

function count(verdicts: Verdict[]): ChangeCounts {
  const counts: ChangeCounts = { added: 0, updated: 0, unchanged: 0, revoked: 0 };
  for (const v of verdicts) counts[v]++;
  return counts;
}

function sumCounts(all: ChangeCounts[]): ChangeCounts {
  return all.reduce(
    (sum, c) => ({
      added: sum.added + c.added,
      updated: sum.updated + c.updated,
      unchanged: sum.unchanged + c.unchanged,
      revoked: sum.revoked + c.revoked,
    }),
    { added: 0, updated: 0, unchanged: 0, revoked: 0 },
  );
}
