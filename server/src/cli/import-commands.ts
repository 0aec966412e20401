/** `assay seed`, `assay import attack <bundle.json>` and `assay import atomics <dir>`. */
import { readFile } from "node:fs/promises";
import { basename, resolve } from "node:path";
import { Presets, SingleBar } from "cli-progress";
import Table from "cli-table3";
import type { Command } from "commander";
import type { Config } from "../config.js";
import type { Deps } from "../context.js";
import { parseAtomicFolder } from "../modules/atomics/atomic-yaml.js";
import { type AtomicsImportReport, importAtomics } from "../modules/atomics/atomics-import.service.js";
import {
  type AttackImportReport,
  bundledLoadReport,
  type ChangeCounts,
  type ImportFailure,
  importAttack,
} from "../modules/mitre/attack-import.service.js";
import { loadBundledAttackDataset } from "../modules/mitre/bundled-dataset.js";
import { parseAttackBundle } from "../modules/mitre/stix-bundle.js";
import { painter } from "./terminal-style.js";
import { withDeps } from "./with-deps.js";

interface OutputOptions {
  json?: boolean;
}

// pnpm runs package scripts in server/; the user's relative paths are relative to where they typed the command.
const fromInvocation = (path: string) => resolve(process.env.INIT_CWD ?? process.cwd(), path);

/** Registers the seed and import commands on `program`. */
export function registerImportCommands(program: Command, config: () => Config): void {
  program
    .command("seed")
    .description("set up a fresh installation: first superuser, bundled ATT&CK, optionally Atomic Red Team")
    .option("--atomics <dir>", "also import Atomic Red Team tests from this folder")
    .option("--json", "print one JSON summary line on stdout")
    .action(async (options: OutputOptions & { atomics?: string }) => {
      const started = performance.now();
      const { attack, atomics } = await withDeps(config(), async (deps) => ({
        // prepare() (in withDeps) loads the bundled dataset into an empty database: report that load.
        attack: bundledLoadReport(deps.db) ?? (await importBundled(deps)),
        atomics: options.atomics ? await importAtomicsFrom(deps, options.atomics) : null,
      }));
      const failed = [...attack.failed, ...(atomics?.failed ?? [])];
      const total = (key: "added" | "updated" | "unchanged") => attack[key] + (atomics?.[key] ?? 0);
      const summary = {
        added: total("added"),
        updated: total("updated"),
        unchanged: total("unchanged"),
        failed,
        durationMs: elapsed(started),
        attack,
        atomics,
      };
      report(options, summary, [...attackRows(attack), ...(atomics ? [atomicsRow(atomics)] : [])]);
    });

  const importCommand = program.command("import").description("import reference data");

  importCommand
    .command("attack")
    .description("import an ATT&CK Enterprise STIX 2.1 bundle (re-importing the same bundle changes nothing)")
    .argument("<bundle>", "the bundle, e.g. enterprise-attack-18.1.json")
    .option("--json", "print one JSON summary line on stdout")
    .action(async (bundle: string, options: OutputOptions) => {
      const started = performance.now();
      const path = fromInvocation(bundle);
      const json: unknown = JSON.parse(await readFile(path, "utf8"));
      const parsed = parseAttackBundle(json, { sourceName: basename(path) });
      const attack = await withDeps(config(), (deps) =>
        withProgress("ATT&CK", (onProgress) =>
          importAttack(deps.db, parsed, basename(path), { now: deps.clock.now(), onProgress }),
        ),
      );
      report(options, { ...attack, durationMs: elapsed(started) }, attackRows(attack));
    });

  importCommand
    .command("atomics")
    .description("import Atomic Red Team tests (a folder of T*.yaml, or the repository's atomics folder)")
    .argument("<dir>", "folder of Atomic Red Team YAML files")
    .option("--json", "print one JSON summary line on stdout")
    .action(async (dir: string, options: OutputOptions) => {
      const started = performance.now();
      const atomics = await withDeps(config(), (deps) => importAtomicsFrom(deps, dir));
      report(options, { ...atomics, durationMs: elapsed(started) }, [atomicsRow(atomics)]);
    });
}

async function importBundled(deps: Deps): Promise<AttackImportReport> {
  const parsed = await loadBundledAttackDataset();
  return withProgress("ATT&CK", (onProgress) =>
    importAttack(deps.db, parsed, "bundled", { now: deps.clock.now(), onProgress }),
  );
}

async function importAtomicsFrom(deps: Deps, dir: string): Promise<AtomicsImportReport> {
  const folder = fromInvocation(dir);
  const parsed = await withProgress("Atomic files", (onProgress) =>
    parseAtomicFolder(folder, { onFile: (done, total) => onProgress(done, total, "") }),
  );
  return withProgress("Atomic tests", (onProgress) =>
    importAtomics(deps.db, parsed, { now: deps.clock.now(), onProgress }),
  );
}

type Progress = (done: number, total: number, step: string) => void;

/** Runs `work` behind a progress bar on stderr (drawn only when stderr is a terminal). */
async function withProgress<T>(label: string, work: (onProgress: Progress) => Promise<T>): Promise<T> {
  const bar = new SingleBar(
    { stream: process.stderr, format: `${label.padEnd(13)} [{bar}] {value}/{total} {step}`, hideCursor: true },
    Presets.shades_classic,
  );
  let started = false;
  try {
    return await work((done, total, step) => {
      if (!started) {
        bar.start(total, done, { step });
        started = true;
      } else bar.update(done, { step });
    });
  } finally {
    if (started) bar.stop();
  }
}

type Row = [label: string, added: number, updated: number, unchanged: number, revoked: number | "-", failed: number];

function attackRows(r: AttackImportReport): Row[] {
  const row = (label: string, c: ChangeCounts, failed: number): Row => [
    label,
    c.added,
    c.updated,
    c.unchanged,
    c.revoked,
    failed,
  ];
  return [
    row("ATT&CK tactics", r.byKind.tactics, 0),
    // Failures of an ATT&CK import are technique-to-tactic links.
    row("ATT&CK techniques", r.byKind.techniques, r.failed.length),
    row("ATT&CK mitigations", r.byKind.mitigations, 0),
  ];
}

function atomicsRow(r: AtomicsImportReport): Row {
  return ["Atomic Red Team tests", r.added, r.updated, r.unchanged, "-", r.failed.length];
}

/**
 * Prints the summary: one JSON line with --json, a table otherwise; then fails the command
 * (exit code 1) if anything could not be imported, after everything else was.
 */
function report(options: OutputOptions, summary: { failed: ImportFailure[]; durationMs: number }, rows: Row[]) {
  if (options.json) {
    process.stdout.write(`${JSON.stringify(summary)}\n`);
  } else {
    const table = new Table({ head: ["", "added", "updated", "unchanged", "revoked", "failed"].map(heading), style });
    table.push(...rows.map(toneRow));
    console.log(table.toString());
    if (summary.failed.length > 0) {
      const failures = new Table({
        head: ["failed", "reason"].map(heading),
        wordWrap: true,
        colWidths: [50, 70],
        style,
      });
      for (const f of summary.failed) failures.push([paint("red", f.path), f.reason]);
      console.log(failures.toString());
    }
    const done = `Done in ${(summary.durationMs / 1000).toFixed(1)} s.`;
    console.log(summary.failed.length > 0 ? done : paint("green", done));
  }
  if (summary.failed.length > 0) {
    throw new Error(`${summary.failed.length} item(s) could not be imported; everything else was.`);
  }
}

// Colour by meaning, on a terminal only (and never with NO_COLOR): headings bold, not
// cli-table3's default red, which read as errors; failures red, revocations yellow.
const paint = painter(process.stdout);
const style = { head: [], border: [] };
const heading = (text: string) => paint("bold", text);

/** A summary row with its failed count in red and its revoked count in yellow, when not zero. */
function toneRow([label, added, updated, unchanged, revoked, failed]: Row): string[] {
  return [
    label,
    String(added),
    String(updated),
    String(unchanged),
    typeof revoked === "number" && revoked > 0 ? paint("yellow", String(revoked)) : String(revoked),
    failed > 0 ? paint("red", String(failed)) : String(failed),
  ];
}

const elapsed = (started: number) => Math.round(performance.now() - started);
