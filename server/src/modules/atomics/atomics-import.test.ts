/** Importing Atomic Red Team tests as global activity templates: counts, idempotency, failures. */
import { copyFile, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { createHarness, type Harness } from "../../test-support/harness.js";
import { ATOMICS_DIR } from "../../test-support/reference-data.js";
import { parseAtomicFolder } from "./atomic-yaml.js";
import { ATOMIC_SOURCE, importAtomics } from "./atomics-import.service.js";

describe("importAtomics with the committed Atomic Red Team files", () => {
  let h: Harness;
  let expectedTests: number;
  beforeAll(async () => {
    h = await createHarness();
    // Counted with the yaml package directly, not through the parser under test.
    const files = (await readdir(ATOMICS_DIR)).filter((f) => /^T.*\.yaml$/.test(f));
    expect(files).toHaveLength(299);
    expectedTests = 0;
    for (const f of files) {
      const doc = parse(await readFile(join(ATOMICS_DIR, f), "utf8")) as { atomic_tests: unknown[] };
      expectedTests += doc.atomic_tests.length;
    }
  });
  afterAll(() => h.close());

  it("creates one global template per atomic test", async () => {
    const report = await importAtomics(h.deps.db, await parseAtomicFolder(ATOMICS_DIR));
    expect(report).toEqual({
      files: 299,
      tests: expectedTests,
      added: expectedTests,
      updated: 0,
      unchanged: 0,
      failed: [],
    });
    const { prisma } = h.deps.db;
    expect(await prisma.activityTemplate.count()).toBe(expectedTests);
    expect(await prisma.activityTemplate.count({ where: { source: ATOMIC_SOURCE, organizationId: null } })).toBe(
      expectedTests,
    );
  });

  it("stores a known test's content: T1003.001 ProcDump", async () => {
    const template = await h.deps.db.prisma.activityTemplate.findUniqueOrThrow({
      where: { atomicGuid: "0be2230c-9ab3-4ac2-8826-3199b9a0ebf8" },
    });
    expect(template).toMatchObject({
      source: ATOMIC_SOURCE,
      organizationId: null,
      name: "Dump LSASS.exe Memory using ProcDump",
      techniques: ["T1003.001"],
      platforms: ["windows"],
      executorName: "command_prompt",
      elevationRequired: true,
      dependencyExecutorName: "powershell",
      tags: [],
      deletedAt: null,
    });
    expect(template.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(template.contentHash).toMatch(/^[0-9a-f]{64}$/);
    expect(template.command).toContain("-ma lsass.exe");
    expect(template.inputArguments).toContainEqual(expect.objectContaining({ name: "output_file", type: "path" }));
    expect(template.dependencies).toHaveLength(1);
  });

  it("re-imports the same files as all unchanged, touching no row", async () => {
    const { prisma } = h.deps.db;
    const before = await prisma.activityTemplate.aggregate({ _max: { updatedAt: true } });
    const report = await importAtomics(h.deps.db, await parseAtomicFolder(ATOMICS_DIR));
    expect(report).toMatchObject({ added: 0, updated: 0, unchanged: expectedTests, failed: [] });
    expect(await prisma.activityTemplate.aggregate({ _max: { updatedAt: true } })).toEqual(before);
  });

  it("rewrites a test whose content changed, keeping its id", async () => {
    const folder = await parseAtomicFolder(ATOMICS_DIR);
    const test = folder.tests.find((t) => t.guid === "0be2230c-9ab3-4ac2-8826-3199b9a0ebf8");
    if (!test) throw new Error("fixture test missing");
    const { prisma } = h.deps.db;
    const before = await prisma.activityTemplate.findUniqueOrThrow({ where: { atomicGuid: test.guid } });
    test.executor.command = "procdump.exe -ma lsass.exe out.dmp";
    const report = await importAtomics(h.deps.db, folder);
    expect(report).toMatchObject({ added: 0, updated: 1, unchanged: expectedTests - 1 });
    const after = await prisma.activityTemplate.findUniqueOrThrow({ where: { atomicGuid: test.guid } });
    expect(after).toMatchObject({ id: before.id, command: "procdump.exe -ma lsass.exe out.dmp" });
    expect(after.contentHash).not.toBe(before.contentHash);
    expect(after.updatedAt.getTime()).toBeGreaterThanOrEqual(before.updatedAt.getTime());
  });
});

describe("importAtomics with a corrupted file", () => {
  let h: Harness;
  let dir: string;
  beforeAll(async () => {
    h = await createHarness();
    dir = await mkdtemp(join(tmpdir(), "assay-atomics-"));
    for (const f of ["T1003.001.yaml", "T1059.001.yaml", "T1082.yaml"]) {
      await copyFile(join(ATOMICS_DIR, f), join(dir, f));
    }
    await writeFile(join(dir, "T1999.yaml"), "attack_technique: T1999\ndisplay_name: Broken\natomic_tests: [\n");
  });
  afterAll(async () => {
    await h.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("reports the file and why, and imports the rest", async () => {
    const expected = (
      await Promise.all(
        ["T1003.001.yaml", "T1059.001.yaml", "T1082.yaml"].map(async (f) => {
          const doc = parse(await readFile(join(dir, f), "utf8")) as { atomic_tests: unknown[] };
          return doc.atomic_tests.length;
        }),
      )
    ).reduce((a, b) => a + b, 0);
    const report = await importAtomics(h.deps.db, await parseAtomicFolder(dir));
    expect(report).toMatchObject({ files: 4, tests: expected, added: expected, updated: 0, unchanged: 0 });
    expect(report.failed).toEqual([
      { path: join(dir, "T1999.yaml"), reason: expect.stringMatching(/^invalid YAML: /) },
    ]);
    expect(await h.deps.db.prisma.activityTemplate.count()).toBe(expected);
  });

  it("reports a test GUID that appears twice, importing the first", async () => {
    const folder = await parseAtomicFolder(dir);
    const first = folder.tests[0];
    if (!first) throw new Error("no tests");
    folder.tests.push({ ...first, name: "Copy" });
    const report = await importAtomics(h.deps.db, folder);
    expect(report.failed).toContainEqual({
      path: `${first.techniqueId} "Copy"`,
      reason: `duplicate auto_generated_guid ${first.guid}`,
    });
    expect(report.updated).toBe(0);
  });
});
