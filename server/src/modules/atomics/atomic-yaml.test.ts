import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { ATOMICS_DIR } from "../../test-support/reference-data.js";
import { type AtomicFolderResult, parseAtomicFile, parseAtomicFolder } from "./atomic-yaml.js";

describe("parseAtomicFolder on the committed Atomic Red Team files", () => {
  let result: AtomicFolderResult;
  let fileNames: string[];
  beforeAll(async () => {
    fileNames = (await readdir(ATOMICS_DIR)).filter((f) => /^T.*\.yaml$/.test(f));
    result = await parseAtomicFolder(ATOMICS_DIR);
  });

  it("imports every file without failures", () => {
    expect(fileNames).toHaveLength(299);
    expect(result.failures).toEqual([]);
    expect(result.files).toBe(299);
  });

  it("yields one test per atomic_tests entry, counted with the yaml package directly", async () => {
    let expected = 0;
    for (const name of fileNames) {
      const doc = parse(await readFile(join(ATOMICS_DIR, name), "utf8")) as { atomic_tests: unknown[] };
      expected += doc.atomic_tests.length;
    }
    expect(expected).toBeGreaterThan(0);
    expect(result.tests).toHaveLength(expected);
  });

  it("gives every test a unique GUID", () => {
    expect(new Set(result.tests.map((t) => t.guid)).size).toBe(result.tests.length);
  });

  it("normalises a known test: T1003.001 ProcDump", () => {
    const test = result.tests.find((t) => t.guid === "0be2230c-9ab3-4ac2-8826-3199b9a0ebf8");
    expect(test).toMatchObject({
      techniqueId: "T1003.001",
      techniqueName: "OS Credential Dumping: LSASS Memory",
      name: "Dump LSASS.exe Memory using ProcDump",
      platforms: ["windows"],
      inputArguments: [
        {
          name: "output_file",
          type: "path",
          description: "Path where resulting dump should be placed",
          default: "C:\\Windows\\Temp\\lsass_dump.dmp",
        },
        {
          name: "procdump_exe",
          type: "path",
          description: "Path of Procdump executable",
          default: "PathToAtomicsFolder\\..\\ExternalPayloads\\procdump.exe",
        },
      ],
      executor: {
        name: "command_prompt",
        command: '"#{procdump_exe}" -accepteula -ma lsass.exe #{output_file}\n',
        cleanupCommand: 'del "#{output_file}" >nul 2> nul\n',
        elevationRequired: true,
      },
      dependencyExecutorName: "powershell",
    });
    expect(test?.dependencies).toHaveLength(1);
    expect(test?.dependencies[0]?.prereqCommand).toBe('if (Test-Path "#{procdump_exe}") {exit 0} else {exit 1}\n');
  });

  it("keeps numeric defaults as written and empty ones as null", () => {
    const args = result.tests.filter((t) => t.techniqueId === "T1137.004").flatMap((t) => t.inputArguments);
    expect(args).toContainEqual(expect.objectContaining({ name: "outlook_version", type: "float", default: "16.0" }));
    expect(result.tests.flatMap((t) => t.inputArguments).some((a) => a.default === null)).toBe(true);
  });

  it("uses the written steps as the command of manual tests", () => {
    const manual = result.tests.find((t) => t.guid === "dea6c349-f1c6-44f3-87a1-1ed33a59a607");
    expect(manual?.executor).toMatchObject({ name: "manual", cleanupCommand: null, elevationRequired: false });
    expect(manual?.executor.command).toMatch(/^1\. Open Task Manager:/);
  });
});

describe("parseAtomicFolder on damaged and nested folders", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "assay-atomics-"));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it("reports broken files with their paths and reasons and still imports the valid one", async () => {
    const flat = join(dir, "flat");
    await mkdir(flat);
    await copyFile(join(ATOMICS_DIR, "T1003.001.yaml"), join(flat, "T1003.001.yaml"));
    await writeFile(join(flat, "T1001.yaml"), "attack_technique: T1001\natomic_tests: [\n  - name: : oops\n");
    await writeFile(
      join(flat, "T1002.yaml"),
      "attack_technique: T1002\ndisplay_name: Data Compressed\natomic_tests: nope\n",
    );
    await writeFile(join(flat, "README.md"), "not a technique file");

    const result = await parseAtomicFolder(flat);
    expect(result.files).toBe(3);
    expect(result.tests.length).toBeGreaterThan(0);
    expect(result.tests.every((t) => t.techniqueId === "T1003.001")).toBe(true);
    expect(result.failures).toEqual([
      { path: join(flat, "T1001.yaml"), reason: expect.stringMatching(/^invalid YAML: .+ at line \d+, column \d+/) },
      {
        path: join(flat, "T1002.yaml"),
        reason: "not an Atomic Red Team file: atomic_tests: Invalid input: expected array, received string",
      },
    ]);
  });

  it("reads the repository layout atomics/T*/T*.yaml and ignores payload folders", async () => {
    const repo = join(dir, "repo");
    await mkdir(join(repo, "atomics", "T1003.001", "src"), { recursive: true });
    await mkdir(join(repo, "atomics", "Indexes"), { recursive: true });
    await copyFile(join(ATOMICS_DIR, "T1003.001.yaml"), join(repo, "atomics", "T1003.001", "T1003.001.yaml"));
    await writeFile(join(repo, "atomics", "T1003.001", "src", "T1003.001-payload.yaml"), "not: [a test");
    await writeFile(join(repo, "atomics", "Indexes", "T1003.yaml"), "not: [a test");

    const fromRoot = await parseAtomicFolder(repo);
    const fromAtomics = await parseAtomicFolder(join(repo, "atomics"));
    expect(fromRoot.files).toBe(1);
    expect(fromRoot.failures).toEqual([]);
    expect(fromRoot.tests.length).toBeGreaterThan(0);
    expect(fromAtomics).toEqual(fromRoot);
  });
});

describe("parseAtomicFile", () => {
  it("names the first field that does not match the format", () => {
    const text = [
      "attack_technique: T1003",
      "display_name: OS Credential Dumping",
      "atomic_tests:",
      "- name: x",
      "  auto_generated_guid: not-a-guid",
      "  description: d",
      "  supported_platforms: [linux]",
      "  executor: { name: sh, command: id }",
    ].join("\n");
    expect(parseAtomicFile("T1003.yaml", text)).toEqual({
      error: {
        path: "T1003.yaml",
        reason: expect.stringMatching(/^not an Atomic Red Team file: atomic_tests\[0\]\.auto_generated_guid: /),
      },
    });
  });

  it("rejects an empty file", () => {
    expect(parseAtomicFile("T1.yaml", "")).toEqual({
      error: { path: "T1.yaml", reason: expect.stringMatching(/^not an Atomic Red Team file: \(root\): /) },
    });
  });
});
