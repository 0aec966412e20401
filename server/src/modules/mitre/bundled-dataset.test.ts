import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { gunzipSync, gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ATTACK_BUNDLE_NAME, ATTACK_BUNDLE_PATH, readAttackBundle } from "../../test-support/reference-data.js";
import { BUNDLED_DATASET_URL, decodeAttackDataset, loadBundledAttackDataset } from "./bundled-dataset.js";
import { parseAttackBundle } from "./stix-bundle.js";

const SCRIPT = fileURLToPath(new URL("../../../scripts/build-attack-dataset.ts", import.meta.url));
const SERVER_DIR = fileURLToPath(new URL("../../../", import.meta.url));

describe("bundled ATT&CK dataset", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "assay-attack-dataset-"));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it("equals what parseAttackBundle makes of the committed STIX bundle", async () => {
    const expected = parseAttackBundle(readAttackBundle(), { sourceName: ATTACK_BUNDLE_NAME });
    expect(await loadBundledAttackDataset()).toEqual(expected);
  });

  it("carries a header naming its format, version and source", async () => {
    const { header } = await decodeAttackDataset(await readFile(BUNDLED_DATASET_URL));
    expect(header).toEqual({
      format: "assay.attack-dataset",
      version: 1,
      attackVersion: "18.1",
      domain: "enterprise-attack",
      source: "enterprise-attack-18.1.json",
      generatedBy: "server/scripts/build-attack-dataset.ts",
    });
  });

  it("is reproduced by the builder script from the committed bundle: same bytes on every run, same content as the committed file", async () => {
    const build = async (name: string) => {
      const out = join(dir, name);
      await promisify(execFile)(process.execPath, ["--import", "tsx", SCRIPT, ATTACK_BUNDLE_PATH, out], {
        cwd: SERVER_DIR,
      });
      return readFile(out);
    };
    const first = await build("a.json.gz");
    const second = await build("b.json.gz");
    expect(second.equals(first)).toBe(true);
    // Content, not bytes: another zlib build may compress the same JSON differently.
    const committed = gunzipSync(await readFile(BUNDLED_DATASET_URL)).toString("utf8");
    expect(gunzipSync(first).toString("utf8")).toBe(committed);
  }, 60_000);

  it("ships with MITRE's licence notice beside it, as the ATT&CK licence requires of every copy", async () => {
    const notice = await readFile(new URL("LICENSE-ATTACK.txt", BUNDLED_DATASET_URL), "utf8");
    expect(notice).toContain(
      "© 2025 The MITRE Corporation. This work is reproduced and distributed with the permission",
    );
  });

  it("rejects bytes that are not a dataset", async () => {
    await expect(decodeAttackDataset(Buffer.from("plain text"))).rejects.toThrow(/not gzip-compressed JSON/);
    const wrongFormat = gzipSync(JSON.stringify({ header: { format: "other", version: 1 }, attack: {} }));
    await expect(decodeAttackDataset(wrongFormat)).rejects.toThrow(/Invalid ATT&CK dataset: header\.format/);
  });
});
