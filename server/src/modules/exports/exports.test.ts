/**
 * exports.*: the JSON document (no database ids), CSV escaping read back with a real CSV
 * parser, the Navigator layer checked against a schema written from the layer format 4.5
 * specification, REST routes, and refusals (unshared, foreign and unknown assessments).
 */
import { randomUUID } from "node:crypto";
import { parse } from "csv-parse/sync";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { createOrg, createTeam, expectCode, rest } from "../../test-support/assessment-fixtures.js";
import { createHarness, type Harness } from "../../test-support/harness.js";
import { CSV_HEADER, fileNameOf } from "./activities-csv.js";

const UUID_ANYWHERE = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;

/**
 * ATT&CK Navigator layer format 4.5, written from the specification (LAYERFORMATv4_5.md), not
 * from the exporter: required name, versions (navigator and layer required, layer "4.5"),
 * domain; the documented types of every optional field; no key the format does not define.
 */
const divider = z.strictObject({ divider: z.boolean() });
const metadata = z.array(z.union([z.strictObject({ name: z.string(), value: z.string() }), divider]));
const links = z.array(z.union([z.strictObject({ label: z.string(), url: z.string() }), divider]));
const hexColor = z.string().regex(/^#[0-9a-f]{6}$/i);
const layerFormat45 = z.strictObject({
  name: z.string(),
  versions: z.strictObject({ attack: z.string().optional(), navigator: z.string(), layer: z.literal("4.5") }),
  domain: z.enum(["enterprise-attack", "mobile-attack", "ics-attack"]),
  description: z.string().optional(),
  customDataURL: z.string().optional(),
  filters: z.strictObject({ platforms: z.array(z.string()).optional() }).optional(),
  sorting: z.union([z.literal(0), z.literal(1), z.literal(2), z.literal(3)]).optional(),
  layout: z
    .strictObject({
      layout: z.enum(["side", "flat", "mini"]).optional(),
      showID: z.boolean().optional(),
      showName: z.boolean().optional(),
      showAggregateScores: z.boolean().optional(),
      countUnscored: z.boolean().optional(),
      aggregateFunction: z.enum(["average", "min", "max", "sum"]).optional(),
      expandedSubtechniques: z.enum(["none", "all", "annotated"]).optional(),
    })
    .optional(),
  hideDisabled: z.boolean().optional(),
  techniques: z
    .array(
      z.strictObject({
        techniqueID: z.string().regex(/^T\d{4}(\.\d{3})?$/),
        tactic: z
          .string()
          .regex(/^[a-z]+(-[a-z]+)*$/)
          .optional(),
        comment: z.string().optional(),
        enabled: z.boolean().optional(),
        score: z.number().optional(),
        color: z.union([hexColor, z.literal("")]).optional(),
        metadata: metadata.optional(),
        links: links.optional(),
        showSubtechniques: z.boolean().optional(),
      }),
    )
    .optional(),
  gradient: z
    .strictObject({ colors: z.array(hexColor).min(2), minValue: z.number(), maxValue: z.number() })
    .refine((g) => g.maxValue > g.minValue, { error: "maxValue must be > minValue" })
    .optional(),
  legendItems: z.array(z.strictObject({ label: z.string(), color: z.string() })).optional(),
  showTacticRowBackground: z.boolean().optional(),
  tacticRowBackground: z.string().optional(),
  selectTechniquesAcrossTactics: z.boolean().optional(),
  selectSubtechniquesWithParent: z.boolean().optional(),
  selectVisibleTechniques: z.boolean().optional(),
  metadata: metadata.optional(),
  links: links.optional(),
});

describe("exports", () => {
  let h: Harness;
  let team: Awaited<ReturnType<typeof createTeam>>;
  const tricky = {
    title: 'Dump "LSASS", then exfiltrate',
    description: 'Line one\r\nLine two, with a comma\nand "quotes"',
    command: "=cmd|' /C calc'!A0",
  };

  beforeAll(async () => {
    h = await createHarness({}, { attack: true });
    team = await createTeam(h);
    const api = team.lead.api;
    const tag = await api.tags.create({ name: "crown, jewels", color: "#FF0000" });
    const host = await api.assets.create({ name: "dc01", kind: "host", identifier: "10.0.0.1" });
    const group = await api.activityGroups.create({ assessmentId: team.assessmentId, name: "Phase 1: access" });
    const a1 = await api.activities.create({
      assessmentId: team.assessmentId,
      groupId: group.id,
      // The command is red's to record (updateRed below): create takes no command.
      title: tricky.title,
      description: tricky.description,
      tactic: "credential-access",
      techniques: ["T1003.001", "T1003"],
      tagIds: [tag.id],
      assetIds: [host.id],
      expectations: { prevented: true, alerted: true, logged: true },
    });
    await api.activities.updateRed({
      id: a1.id,
      command: tricky.command,
      executedAt: "2026-03-02T10:00:00Z",
      executedBy: team.red.id,
      source: "-enc SQBFAFgA",
    });
    await api.activities.transition({ id: a1.id, to: "waiting_red" });
    await api.activities.transition({ id: a1.id, to: "waiting_blue" });
    await team.blue.api.activities.updateBlue({
      id: a1.id,
      outcome: "alerted",
      alertSeverity: "high",
      detectedAt: "2026-03-02T10:02:00Z",
      notes: "@SOC saw it",
    });
    await api.activities.evaluate({
      id: a1.id,
      overrides: [{ category: "prevention", result: "na", reason: "EDR in audit mode" }],
    });
    await team.red.api.activities.comments.create({ activityId: a1.id, body: "ran twice" });
    const a2 = await api.activities.create({
      assessmentId: team.assessmentId,
      title: "Discovery",
      tactic: "discovery",
      techniques: ["T1087"],
    });
    await h.deps.db.prisma.activity.update({ where: { id: a2.id }, data: { outcome: "not_detected" } });
    await api.activities.create({ assessmentId: team.assessmentId, title: "Not run yet", techniques: ["T1059"] });
  });
  afterAll(() => h.close());

  describe("assessmentJson", () => {
    it("writes a versioned document with local references instead of ids", async () => {
      const doc = await team.spectator.api.exports.assessmentJson({ assessmentId: team.assessmentId });
      expect(doc).toMatchObject({ format: "assay.assessment", version: 1 });
      expect(doc.assessment.name).toBe("Q3 purple team");
      expect(doc.groups).toEqual([{ ref: "g1", name: "Phase 1: access", description: "" }]);
      expect(doc.tags).toEqual([{ name: "crown, jewels", color: "#ff0000", description: "" }]);
      expect(doc.assets).toEqual([{ name: "dc01", kind: "host", identifier: "10.0.0.1", description: "" }]);
      expect(doc.activities.map((a) => [a.ref, a.group, a.title])).toEqual([
        ["a1", "g1", tricky.title],
        ["a2", null, "Discovery"],
        ["a3", null, "Not run yet"],
      ]);
      const [a1] = doc.activities;
      expect(a1?.tags).toEqual(["crown, jewels"]);
      expect(a1?.assets).toEqual([{ name: "dc01", kind: "host" }]);
      expect(a1?.red).toMatchObject({ executedBy: null, executedByUser: team.red.email });
      expect(a1?.evaluation.evaluatedBy).toBe(team.lead.email);
      expect(a1?.evaluation.overrides).toMatchObject([{ category: "prevention", by: team.lead.email }]);
      expect(a1?.comments).toMatchObject([{ author: team.red.email, body: "ran twice" }]);
      expect(JSON.stringify(doc)).not.toMatch(UUID_ANYWHERE);
    });
  });

  describe("activitiesCsv", () => {
    it("writes RFC 4180 CSV that a CSV parser reads back field for field", async () => {
      const csv = await team.blue.api.exports.activitiesCsv({ assessmentId: team.assessmentId });
      expect(csv.filename).toBe("q3-purple-team-activities.csv");
      expect(csv.contentType).toBe("text/csv");
      const rows: string[][] = parse(csv.content, { relax_column_count: false });
      expect(rows[0]).toEqual(CSV_HEADER);
      expect(rows).toHaveLength(4);
      const record = (i: number) => Object.fromEntries(CSV_HEADER.map((name, k) => [name, rows[i]?.[k]]));
      expect(record(1)).toMatchObject({
        position: "1",
        phase: "Phase 1: access",
        title: tricky.title,
        description: tricky.description,
        status: "evaluated",
        tactic: "credential-access",
        techniques: "T1003.001;T1003",
        tags: "crown, jewels",
        assets: "dc01 (host)",
        executed_by: team.red.email,
        expect_prevented: "yes",
        expect_notified: "no",
        outcome: "alerted",
        detected_at: "2026-03-02T10:02:00.000Z",
        alert_severity: "high",
        prevention: "na",
        detection: "pass",
        logging: "pass",
        notification: "na",
        severity: "na",
      });
      expect(record(3)).toMatchObject({ title: "Not run yet", status: "planned", outcome: "", prevention: "" });
    });

    it("quotes commas, quotes and line breaks and ends records with CRLF", async () => {
      const { content } = await team.lead.api.exports.activitiesCsv({ assessmentId: team.assessmentId });
      expect(content).toContain('"Dump ""LSASS"", then exfiltrate"');
      expect(content).toContain('"Line one\r\nLine two, with a comma\nand ""quotes"""');
      expect(content).toContain('"crown, jewels"');
      expect(content.endsWith("\r\n")).toBe(true);
      expect(content.split("\r\n")[0]).toBe(CSV_HEADER.join(","));
    });

    it("defuses cells a spreadsheet would run as a formula", async () => {
      const { content } = await team.lead.api.exports.activitiesCsv({ assessmentId: team.assessmentId });
      const [, row] = parse(content) as string[][];
      const cell = (name: string) => row?.[CSV_HEADER.indexOf(name)];
      expect(cell("command")).toBe(`'${tricky.command}`);
      expect(cell("source")).toBe("'-enc SQBFAFgA");
      expect(cell("blue_notes")).toBe("'@SOC saw it");
      expect(cell("executed_at")).toBe("2026-03-02T10:00:00.000Z");
    });

    it("never lets a line break forge a row or a formula start a cell (read back as a spreadsheet splits lines)", async () => {
      const api = team.lead.api;
      const { id: assessmentId } = await api.assessments.create({ name: "Injection" });
      const hostile = [
        { command: "whoami\n=cmd|' /C calc'!A0" },
        { command: " \n@SUM(1+1)*cmd|' /C calc'!A0" },
        { command: "\tdir", notes: "first line\r-2+3+cmd|' /C calc'!A0" },
        { command: "echo ok\r\n+cmd|' /C calc'!A0", notes: '   =HYPERLINK("http://evil.example")' },
      ];
      for (const [i, { command, notes }] of hostile.entries()) {
        const activity = await api.activities.create({ assessmentId, title: `Hostile ${i + 1}` });
        await api.activities.updateRed({ id: activity.id, command });
        if (notes) await h.deps.db.prisma.activity.update({ where: { id: activity.id }, data: { blueNotes: notes } });
      }
      const { content } = await api.exports.activitiesCsv({ assessmentId });
      // A spreadsheet ends a row at CRLF, a lone LF or a lone CR alike, outside quotes.
      const rows: string[][] = parse(content, { record_delimiter: ["\r\n", "\n", "\r"] });
      expect(rows).toHaveLength(hostile.length + 1);
      for (const cell of rows.flat()) expect(cell).not.toMatch(/^(\s*[=+\-@]|[\t\r])/);
      const column = (name: string) => rows.slice(1).map((row) => row[CSV_HEADER.indexOf(name)]);
      // Quoted, a later line of a cell is text inside it; only a cell's own start is defused.
      const [first, second, third, fourth] = hostile.map((a) => a.command);
      expect(column("command")).toEqual([first, `'${second}`, `'${third}`, fourth]);
      expect(column("blue_notes")).toEqual(["", "", hostile[2]?.notes, `'${hostile[3]?.notes}`]);
    });

    it("names files from the assessment's name", () => {
      expect(fileNameOf("Q3: Purple / Team (EMEA)", "activities.csv")).toBe("q3-purple-team-emea-activities.csv");
      expect(fileNameOf("∂∂", "x.csv")).toBe("assessment-x.csv");
    });
  });

  describe("navigatorLayer", () => {
    it("is a valid layer format 4.5 document", async () => {
      const layer = await team.spectator.api.exports.navigatorLayer({ assessmentId: team.assessmentId });
      const checked = layerFormat45.safeParse(layer);
      expect(checked.success, JSON.stringify(checked.error?.issues)).toBe(true);
      expect(layer.versions).toEqual({ attack: "18", navigator: "5.1.0", layer: "4.5" });
      expect(layer.domain).toBe("enterprise-attack");
      expect(layer.name).toBe("Q3 purple team");
      expect(layer.gradient).toEqual({ colors: ["#ff6666", "#ffc000", "#8ec843"], minValue: 0, maxValue: 100 });
      expect(layer.legendItems.map((l) => l.label)).toEqual([
        "Prevented or blocked",
        "Alerted or logged",
        "Not detected",
        "No result yet",
      ]);
    });

    it("scores and colours each (tactic, technique) by outcome, with counts in the comment", async () => {
      const layer = await team.lead.api.exports.navigatorLayer({ assessmentId: team.assessmentId });
      const entry = (id: string) => layer.techniques.find((t) => t.techniqueID === id);
      expect(entry("T1003.001")).toMatchObject({
        tactic: "credential-access",
        score: 60,
        color: "#ffc000",
        comment: "1 activity: 1 alerted",
        enabled: true,
        showSubtechniques: false,
      });
      // The parent of an annotated sub-technique shows its sub-techniques.
      expect(entry("T1003")?.showSubtechniques).toBe(true);
      expect(entry("T1087")).toMatchObject({ tactic: "discovery", score: 0, color: "#ff6666" });
      expect(entry("T1087")?.metadata).toContainEqual({ name: "not detected", value: "1" });
      // Created without a tactic: it got its technique's (execution); no result yet: unscored and grey.
      const pending = entry("T1059");
      expect(pending).toMatchObject({
        tactic: "execution",
        color: "#d9d9d9",
        comment: "1 activity: 1 without a result yet",
      });
      expect(pending && "score" in pending).toBe(false);
    });
  });

  describe("permissions and REST", () => {
    it("lets every ACL role export, through REST too", async () => {
      const base = `/assessments/${team.assessmentId}`;
      for (const who of [team.spectator, team.blue, team.red, team.lead]) {
        const doc = await rest(h, who, "GET", `${base}/export.json`);
        expect(doc.status).toBe(200);
        expect(doc.body.format).toBe("assay.assessment");
      }
      const csv = await rest(h, team.spectator, "GET", `${base}/export.csv`);
      // REST answers the file itself; the tRPC procedure keeps returning { filename, contentType, content }.
      expect([csv.status, csv.headers.get("content-type")]).toEqual([200, "text/csv; charset=utf-8"]);
      const layer = await rest(h, team.spectator, "GET", `${base}/navigator-layer.json`);
      expect([layer.status, layer.body.versions.layer]).toEqual([200, "4.5"]);
    });

    it("answers NOT_FOUND for unshared, foreign and unknown assessments", async () => {
      const stranger = await createOrg(h);
      const theirs = await stranger.owner.api.assessments.create({ name: "theirs" });
      for (const assessmentId of [theirs.id, randomUUID()]) {
        await expectCode(team.lead.api.exports.assessmentJson({ assessmentId }), "NOT_FOUND", "assessmentId");
        await expectCode(team.lead.api.exports.activitiesCsv({ assessmentId }), "NOT_FOUND", "assessmentId");
        await expectCode(team.lead.api.exports.navigatorLayer({ assessmentId }), "NOT_FOUND", "assessmentId");
      }
      const mine = { assessmentId: team.assessmentId };
      await expectCode(team.outsider.api.exports.assessmentJson(mine), "NOT_FOUND");
      await expectCode(stranger.owner.api.exports.activitiesCsv(mine), "NOT_FOUND");
      const res = await rest(h, team.outsider, "GET", `/assessments/${team.assessmentId}/navigator-layer.json`);
      expect(res.status).toBe(404);
    });
  });
});
