import { beforeAll, describe, expect, it } from "vitest";
import { readAttackBundle } from "../../test-support/reference-data.js";
import { type ParsedAttack, parseAttackBundle } from "./stix-bundle.js";

// The raw bundle, read with plain JSON, so expected counts do not go through the parser under test.
interface RawObject {
  type: string;
  id: string;
  revoked?: boolean;
  x_mitre_deprecated?: boolean;
  x_mitre_is_subtechnique?: boolean;
  relationship_type?: string;
  source_ref?: string;
  target_ref?: string;
  tactic_refs?: string[];
}

describe("parseAttackBundle on the committed ATT&CK 18.1 bundle", () => {
  let raw: RawObject[];
  let parsed: ParsedAttack;
  const active = (o: RawObject) => o.revoked !== true && o.x_mitre_deprecated !== true;
  const ofType = (type: string) => raw.filter((o) => o.type === type);

  beforeAll(() => {
    const json = readAttackBundle();
    raw = (json as { objects: RawObject[] }).objects;
    parsed = parseAttackBundle(json, { sourceName: "enterprise-attack-18.1.json" });
  });

  it("reports the domain and versions", () => {
    expect(parsed.domain).toBe("enterprise-attack");
    expect(parsed.attackVersion).toBe("18.1");
    expect(parsed.attackSpecVersion).toBe("3.2.0");
    expect(parsed.skipped).toBe(0);
  });

  it("keeps every tactic, technique and mitigation, with active counts matching the raw bundle", () => {
    const isActive = (o: { revoked: boolean; deprecated: boolean }) => !o.revoked && !o.deprecated;
    const expected = {
      tactics: ofType("x-mitre-tactic").filter(active).length,
      techniques: ofType("attack-pattern").filter((o) => active(o) && o.x_mitre_is_subtechnique === false).length,
      subtechniques: ofType("attack-pattern").filter((o) => active(o) && o.x_mitre_is_subtechnique === true).length,
      mitigations: ofType("course-of-action").filter(active).length,
    };
    expect(expected.tactics).toBe(14);
    expect({
      tactics: parsed.tactics.filter(isActive).length,
      techniques: parsed.techniques.filter((t) => isActive(t) && !t.isSubtechnique).length,
      subtechniques: parsed.techniques.filter((t) => isActive(t) && t.isSubtechnique).length,
      mitigations: parsed.mitigations.filter(isActive).length,
    }).toEqual(expected);
    expect(parsed.tactics).toHaveLength(ofType("x-mitre-tactic").length);
    expect(parsed.techniques).toHaveLength(ofType("attack-pattern").length);
    expect(parsed.mitigations).toHaveLength(ofType("course-of-action").length);
  });

  it("keeps the live mitigates and subtechnique-of relationships whose endpoints exist", () => {
    const ids = new Set(raw.map((o) => o.id));
    const live = (type: string) =>
      raw.filter(
        (o) =>
          o.type === "relationship" &&
          o.relationship_type === type &&
          active(o) &&
          ids.has(o.source_ref ?? "") &&
          ids.has(o.target_ref ?? ""),
      );
    expect(parsed.mitigates.map((r) => r.stixId).sort()).toEqual(
      live("mitigates")
        .map((o) => o.id)
        .sort(),
    );
    expect(parsed.subtechniqueOf.map((r) => r.stixId).sort()).toEqual(
      live("subtechnique-of")
        .map((o) => o.id)
        .sort(),
    );
    const mitigationIds = new Set(parsed.mitigations.map((m) => m.stixId));
    expect(parsed.mitigates.every((r) => mitigationIds.has(r.mitigationStixId))).toBe(true);
  });

  it("links T1003.001 LSASS Memory to its parent T1003 and to credential-access", () => {
    const lsass = parsed.techniques.find((t) => t.attackId === "T1003.001");
    expect(lsass).toMatchObject({
      name: "LSASS Memory",
      isSubtechnique: true,
      parentAttackId: "T1003",
      tacticShortnames: ["credential-access"],
      platforms: ["Windows"],
      url: "https://attack.mitre.org/techniques/T1003/001",
      revoked: false,
      deprecated: false,
    });
    const parent = parsed.techniques.find((t) => t.attackId === "T1003");
    expect(parsed.subtechniqueOf).toContainEqual(
      expect.objectContaining({ subtechniqueStixId: lsass?.stixId, parentStixId: parent?.stixId }),
    );
    expect(parsed.techniques.filter((t) => t.isSubtechnique).every((t) => t.parentAttackId !== null)).toBe(true);
    expect(parsed.techniques.filter((t) => !t.isSubtechnique).every((t) => t.parentAttackId === null)).toBe(true);
  });

  it("orders tactics as the matrix lists them", () => {
    const matrix = ofType("x-mitre-matrix")[0];
    const refs = matrix?.tactic_refs ?? [];
    expect(refs).toHaveLength(14);
    for (const tactic of parsed.tactics) expect(tactic.order).toBe(refs.indexOf(tactic.stixId));
    expect(parsed.tactics.map((t) => t.order).sort((a, b) => (a ?? -1) - (b ?? -1))).toEqual([...Array(14).keys()]);
    expect(parsed.tactics.find((t) => t.attackId === "TA0001")).toMatchObject({
      name: "Initial Access",
      shortname: "initial-access",
      order: refs.indexOf(parsed.tactics.find((t) => t.attackId === "TA0001")?.stixId ?? ""),
    });
  });

  it("keeps revoked and deprecated objects, flagged", () => {
    const revokedRaw = ofType("attack-pattern").filter((o) => o.revoked === true);
    expect(revokedRaw.length).toBeGreaterThan(0);
    expect(
      parsed.techniques
        .filter((t) => t.revoked)
        .map((t) => t.stixId)
        .sort(),
    ).toEqual(revokedRaw.map((o) => o.id).sort());
    const deprecatedRaw = ofType("course-of-action").filter((o) => o.x_mitre_deprecated === true);
    expect(parsed.mitigations.filter((m) => m.deprecated)).toHaveLength(deprecatedRaw.length);
  });

  it("sorts every list by ATT&CK ID, then STIX ID", () => {
    const keys = parsed.techniques.map((t) => `${t.attackId}\u0000${t.stixId}`);
    expect(keys).toEqual([...keys].sort());
  });
});

describe("parseAttackBundle on malformed input", () => {
  it("rejects a value that is not a bundle", () => {
    expect(() => parseAttackBundle({ type: "attack-pattern", objects: [] })).toThrow(
      /Not an ATT&CK STIX bundle: type: Invalid input: expected "bundle"/,
    );
    expect(() => parseAttackBundle("nope")).toThrow(/Not an ATT&CK STIX bundle: \(root\)/);
  });

  it("rejects a bundle whose objects are not an array", () => {
    expect(() => parseAttackBundle({ type: "bundle", objects: "nope" })).toThrow(
      /Not an ATT&CK STIX bundle: objects: Invalid input: expected array, received string/,
    );
  });

  it("names the object and field when a known object is malformed", () => {
    const tactic = { type: "x-mitre-tactic", id: "x-mitre-tactic--1", name: "X", modified: "2025-01-01T00:00:00Z" };
    expect(() => parseAttackBundle({ type: "bundle", objects: [tactic] })).toThrow(
      /Invalid x-mitre-tactic x-mitre-tactic--1: x_mitre_shortname/,
    );
  });

  it("skips and counts objects without an ATT&CK ID, and relationships to them", () => {
    const modified = "2025-01-01T00:00:00Z";
    const parsed = parseAttackBundle({
      type: "bundle",
      objects: [
        { type: "attack-pattern", id: "attack-pattern--a", name: "No ID", modified, external_references: [] },
        { type: "course-of-action", id: "course-of-action--m", name: "M", modified, external_references: [] },
        {
          type: "relationship",
          id: "relationship--r",
          relationship_type: "mitigates",
          source_ref: "course-of-action--m",
          target_ref: "attack-pattern--a",
        },
      ],
    });
    expect(parsed).toMatchObject({ skipped: 2, skippedRelationships: 1, techniques: [], mitigates: [] });
  });
});
