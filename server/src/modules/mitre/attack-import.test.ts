/**
 * Importing the committed ATT&CK 18.1 bundle (reference-data/attack): counts checked against the raw JSON (read without the
 * parser), idempotent re-import, change detection, and all-or-nothing failure.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHarness, type Harness } from "../../test-support/harness.js";
import { readAttackBundle } from "../../test-support/reference-data.js";
import { ensureAttackLoaded, importAttack } from "./attack-import.service.js";
import { parseAttackBundle } from "./stix-bundle.js";

interface RawObject {
  type: string;
  id: string;
  name?: string;
  revoked?: boolean;
  x_mitre_deprecated?: boolean;
  x_mitre_is_subtechnique?: boolean;
  relationship_type?: string;
  source_ref?: string;
  target_ref?: string;
  external_references?: { source_name: string; external_id?: string }[];
}

const readBundle = () => readAttackBundle() as { objects: RawObject[] };
const active = (o: RawObject) => o.revoked !== true && o.x_mitre_deprecated !== true;
const objectCount = (raw: RawObject[]) =>
  raw.filter((o) => ["x-mitre-tactic", "attack-pattern", "course-of-action"].includes(o.type)).length;
const attackIdOf = (o: RawObject) => o.external_references?.find((r) => r.source_name === "mitre-attack")?.external_id;

describe("importAttack with the committed ATT&CK 18.1 bundle", () => {
  let h: Harness;
  let raw: RawObject[];
  const parse = (json: unknown) => parseAttackBundle(json, { sourceName: "enterprise-attack-18.1.json" });

  beforeAll(async () => {
    h = await createHarness();
    raw = readBundle().objects;
  });
  afterAll(() => h.close());

  it("imports every object into an empty database, with active counts matching the raw bundle", async () => {
    const { prisma } = h.deps.db;
    expect(await prisma.attackTechnique.count()).toBe(0);
    const report = await importAttack(h.deps.db, parse(readBundle()), "enterprise-attack-18.1.json");

    const ofType = (type: string) => raw.filter((o) => o.type === type);
    const ids = new Set(raw.map((o) => o.id));
    const liveRelations = (type: string) =>
      raw.filter(
        (o) =>
          o.type === "relationship" &&
          o.relationship_type === type &&
          active(o) &&
          ids.has(o.source_ref ?? "") &&
          ids.has(o.target_ref ?? ""),
      );
    const expected = {
      tactics: ofType("x-mitre-tactic").filter(active).length,
      techniques: ofType("attack-pattern").filter((o) => active(o) && o.x_mitre_is_subtechnique !== true).length,
      subtechniques: ofType("attack-pattern").filter((o) => active(o) && o.x_mitre_is_subtechnique === true).length,
      mitigations: ofType("course-of-action").filter(active).length,
      mitigates: liveRelations("mitigates").length,
    };
    expect(expected).toEqual({ tactics: 14, techniques: 216, subtechniques: 475, mitigations: 44, mitigates: 1445 });
    const live = { revoked: false, deprecated: false };
    expect({
      tactics: await prisma.attackTactic.count({ where: live }),
      techniques: await prisma.attackTechnique.count({ where: { ...live, isSubtechnique: false } }),
      subtechniques: await prisma.attackTechnique.count({ where: { ...live, isSubtechnique: true } }),
      mitigations: await prisma.attackMitigation.count({ where: live }),
      mitigates: await prisma.attackMitigationLink.count(),
    }).toEqual(expected);

    expect(report).toMatchObject({
      added: objectCount(raw),
      updated: 0,
      unchanged: 0,
      revoked: 0,
      failed: [],
      attackVersion: "18.1",
    });
    expect(await prisma.attackImport.count()).toBe(1);
  });

  it("records every live subtechnique-of relationship as the sub-technique's parentAttackId", async () => {
    const byStixId = new Map(raw.map((o) => [o.id, o]));
    const relations = raw.filter((o) => o.type === "relationship" && o.relationship_type === "subtechnique-of");
    const live = relations.filter(
      (o) => active(o) && byStixId.has(o.source_ref ?? "") && byStixId.has(o.target_ref ?? ""),
    );
    expect(live).toHaveLength(477);
    const rows = await h.deps.db.prisma.attackTechnique.findMany({ select: { stixId: true, parentAttackId: true } });
    const parentOf = new Map(rows.map((r) => [r.stixId, r.parentAttackId]));
    for (const r of live) {
      expect(parentOf.get(r.source_ref ?? "")).toBe(
        attackIdOf(byStixId.get(r.target_ref ?? "") ?? { type: "", id: "" }),
      );
    }
  });

  it("links techniques to their tactics: T1003.001 to credential-access", async () => {
    const links = await h.deps.db.prisma.attackTechniqueTactic.findMany({
      where: { technique: { attackId: "T1003.001" } },
      select: { tactic: { select: { shortname: true } } },
    });
    expect(links.map((l) => l.tactic.shortname)).toEqual(["credential-access"]);
  });

  it("re-imports the same bundle as all unchanged, writing only the import record", async () => {
    const before = await h.deps.db.prisma.attackTechnique.findUniqueOrThrow({ where: { attackId: "T1003" } });
    const report = await importAttack(h.deps.db, parse(readBundle()), "again");
    expect(report).toMatchObject({ added: 0, updated: 0, revoked: 0, failed: [] });
    expect(report.unchanged).toBe(objectCount(raw));
    expect(await h.deps.db.prisma.attackTechnique.findUniqueOrThrow({ where: { attackId: "T1003" } })).toEqual(before);
    expect(await h.deps.db.prisma.attackImport.count()).toBe(2);
  });

  it("reports a renamed technique as updated and a newly revoked one as revoked", async () => {
    const bundle = readBundle();
    const find = (id: string) => bundle.objects.find((o) => o.type === "attack-pattern" && attackIdOf(o) === id);
    const renamed = find("T1003.001");
    const revoked = find("T1003.002");
    if (!renamed || !revoked) throw new Error("fixture techniques missing");
    renamed.name = "LSASS Memory (renamed)";
    revoked.revoked = true;
    const report = await importAttack(h.deps.db, parse(bundle), "modified");
    expect(report).toMatchObject({ added: 0, updated: 1, revoked: 1, failed: [] });
    expect(report.byKind.techniques).toEqual({ added: 0, updated: 1, unchanged: 833, revoked: 1 });
    const { prisma } = h.deps.db;
    expect(await prisma.attackTechnique.findUniqueOrThrow({ where: { attackId: "T1003.001" } })).toMatchObject({
      name: "LSASS Memory (renamed)",
      revoked: false,
    });
    expect(await prisma.attackTechnique.findUniqueOrThrow({ where: { attackId: "T1003.002" } })).toMatchObject({
      revoked: true,
    });
    // Going back to the published bundle: both change again, neither is *newly* revoked.
    const back = await importAttack(h.deps.db, parse(readBundle()), "published");
    expect(back).toMatchObject({ added: 0, updated: 2, revoked: 0 });
    const imports = await prisma.attackImport.findMany({ orderBy: { createdAt: "asc" }, select: { source: true } });
    expect(imports.map((i) => i.source)).toEqual(["enterprise-attack-18.1.json", "again", "modified", "published"]);
  });

  it("ensureAttackLoaded leaves a database that has techniques alone", async () => {
    expect(await ensureAttackLoaded(h.deps)).toBeNull();
    expect(await h.deps.db.prisma.attackImport.count()).toBe(4);
  });
});

describe("importAttack failing midway", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness();
  });
  afterAll(() => h.close());

  it("writes nothing at all: one transaction", async () => {
    const parsed = parseAttackBundle(readBundle());
    // Two techniques with one ATT&CK id: the unique index refuses the techniques after tactics were written.
    const [first, second] = parsed.techniques;
    if (!first || !second) throw new Error("no techniques");
    second.attackId = first.attackId;
    await expect(importAttack(h.deps.db, parsed, "broken")).rejects.toThrow();
    const { prisma } = h.deps.db;
    expect(await prisma.attackTactic.count()).toBe(0);
    expect(await prisma.attackMitigation.count()).toBe(0);
    expect(await prisma.attackTechnique.count()).toBe(0);
    expect(await prisma.attackImport.count()).toBe(0);
  });
});
