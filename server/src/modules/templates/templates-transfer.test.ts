/** templates.export / templates.import: refusals and invalid documents first, then round trips, idempotence, REST. */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { mapError } from "../../lib/error-mapping.js";
import { addMember, createOrg, expectCode, type Member, rest } from "../../test-support/assessment-fixtures.js";
import { createHarness, type Harness } from "../../test-support/harness.js";
import { type Account, buildLibrary, signIn } from "../../test-support/template-kit.js";

/** The problems an import reported, as [field, message]. */
async function problems(call: Promise<unknown>): Promise<[string | null, string][]> {
  try {
    await call;
  } catch (error) {
    const mapped = mapError(error);
    expect(mapped.code).toBe("VALIDATION");
    return mapped.errors.map((e) => [e.field, e.message]);
  }
  throw new Error("expected the import to fail");
}

describe("templates export and import", () => {
  let h: Harness;
  let owner: Member;
  let member: Member;
  let other: Member;
  let root: Account;
  let library: Awaited<ReturnType<typeof buildLibrary>>;
  let globalId: string;

  const templateCount = async () => {
    const p = h.deps.db.prisma;
    return [
      await p.activityTemplate.count(),
      await p.activityGroupTemplate.count(),
      await p.campaignTemplate.count(),
      await p.evaluationTemplate.count(),
      await p.reportTemplate.count(),
    ];
  };

  beforeAll(async () => {
    h = await createHarness();
    const org = await createOrg(h);
    owner = org.owner;
    member = await addMember(h, org.id);
    other = (await createOrg(h)).owner;
    root = await signIn(h, { isSuperuser: true });
    library = await buildLibrary(owner, "A");
    globalId = (
      await root.api.templates.activity.create({ name: "Atomic whoami", scope: "global", techniques: ["T1033"] })
    ).id;
    await owner.api.templates.activityGroup.update({
      id: library.group.id,
      activityTemplateIds: [library.discovery.id, globalId, library.dump.id],
    });
    await owner.api.templates.evaluation.create({
      name: "Purple scoring",
      description: "Our scale",
      categories: [
        { key: "prevention", label: "Prevention", description: "Blocked before execution" },
        { key: "detection", label: "Detection" },
      ],
      questions: [{ key: "escalated", text: "Was it escalated?", kind: "yesno" }],
    });
    await owner.api.templates.report.create({
      name: "Executive summary",
      format: "docx",
      body: "# {{ assessment.name }}\n\n{% for a in activities %}- {{ a.title }}\n{% endfor %}\n",
    });
  });
  afterAll(() => h.close());

  describe("refusals", () => {
    it("lets only owners and admins import into an organization, and only superusers into the global library", async () => {
      const doc = "format: assay.templates\nversion: 1\n";
      await expectCode(member.api.templates.import({ yaml: doc }), "FORBIDDEN");
      await expectCode(owner.api.templates.import({ yaml: doc, scope: "global" }), "FORBIDDEN");
      expect((await root.api.templates.import({ yaml: doc, scope: "global" })).created).toBe(0);
    });

    it("reports a YAML syntax error with its line, importing nothing", async () => {
      const before = await templateCount();
      const found = await problems(
        owner.api.templates.import({ yaml: "format: assay.templates\nversion: 1\nreportTemplates: [\n  - name: x\n" }),
      );
      expect(found[0]?.[0]).toBe("yaml");
      expect(found[0]?.[1]).toMatch(/^line \d+, column \d+: /);
      expect(await templateCount()).toEqual(before);
    });

    it("reports every problem of an invalid document with its path and line, importing nothing", async () => {
      const before = await templateCount();
      const yaml = [
        "format: assay.templates",
        "version: 1",
        "activityTemplates:",
        "  - id: ok",
        "    name: Fine",
        "  - id: bad",
        "    name: Broken",
        "    techniques: [T1003.001, X99]",
        "    colour: blue",
        "activityGroupTemplates:",
        "  - name: Phase",
        "    activities: [ok, missing]",
        "reportTemplates:",
        "  - name: R",
        "    format: pdf",
        "    body: x",
        "  - name: r",
        "    format: html",
        "    body: y",
      ].join("\n");
      const found = await problems(owner.api.templates.import({ yaml }));
      const fields = found.map(([field]) => field);
      expect(fields).toEqual(
        expect.arrayContaining([
          "yaml.activityTemplates.1.techniques.1",
          "yaml.activityTemplates.1",
          "yaml.reportTemplates.0.format",
        ]),
      );
      const byField = new Map(found);
      expect(byField.get("yaml.activityTemplates.1.techniques.1")).toMatch(/^line 8, column \d+: must be an ATT&CK/);
      expect(byField.get("yaml.activityTemplates.1")).toMatch(/colour/);
      expect(await templateCount()).toEqual(before);

      // Once the shape is right, the references and names are checked, all at once.
      const second = yaml
        .replace("X99", "T1059")
        .replace("    colour: blue\n", "")
        .replace("format: pdf", "format: docx");
      const more = await problems(owner.api.templates.import({ yaml: second }));
      expect(more.map(([field]) => field).sort()).toEqual([
        "yaml.activityGroupTemplates.0.activities.1",
        "yaml.reportTemplates.1.name",
      ]);
      expect(await templateCount()).toEqual(before);
    });

    it("refuses unknown versions and references to templates that are not here", async () => {
      const found = await problems(owner.api.templates.import({ yaml: "format: assay.templates\nversion: 2\n" }));
      expect(found).toEqual([["yaml.version", expect.stringMatching(/^line 2, column 10: unsupported version/)]]);
      const stray = randomUUID();
      const foreign = (await (await createOrg(h)).owner.api.templates.activity.create({ name: "Theirs" })).id;
      const doc = `format: assay.templates\nversion: 1\nactivityGroupTemplates:\n  - name: G\n    activities: [${stray}, ${foreign}, ${globalId}]\n`;
      expect((await problems(owner.api.templates.import({ yaml: doc }))).map(([f]) => f)).toEqual([
        "yaml.activityGroupTemplates.0.activities.0",
        "yaml.activityGroupTemplates.0.activities.1",
      ]);
    });

    it("exports only what the caller may see", async () => {
      await expectCode(other.api.templates.export({ ids: [library.group.id] }), "NOT_FOUND", "ids.0");
      await expectCode(member.api.templates.export({ ids: [randomUUID()] }), "NOT_FOUND", "ids.0");
    });
  });

  it("round-trips a library into another organization: same templates, global members linked, not copied", async () => {
    const yaml = await member.api.templates.export();
    const doc = parse(yaml);
    expect(doc).toMatchObject({ format: "assay.templates", version: 1 });
    // By name; sorted here too, as collations order "LSASS" and "Local" differently.
    expect(doc.activityTemplates.map((a: { name: string }) => a.name).sort()).toEqual([
      "A LSASS dump",
      "A Local accounts",
      "Atomic whoami",
    ]);
    expect(doc.activityGroupTemplates[0].activities).toEqual([library.discovery.id, globalId, library.dump.id]);

    const before = await templateCount();
    const dry = await other.api.templates.import({ yaml, dryRun: true });
    expect(dry).toMatchObject({ dryRun: true, created: 6, linked: 1, updated: 0, unchanged: 0 });
    expect(await templateCount()).toEqual(before);

    const report = await other.api.templates.import({ yaml });
    expect(report).toMatchObject({ dryRun: false, scope: "org", created: 6, linked: 1, updated: 0, unchanged: 0 });
    expect(report.items.find((i) => i.name === "Atomic whoami")).toMatchObject({ action: "linked", id: globalId });

    const t = other.api.templates;
    const lsass = (await t.activity.list({ scope: "org", q: "lsass" })).data[0];
    const original = await owner.api.templates.activity.get({ id: library.dump.id });
    const strip = ({ id: _i, organizationId: _o, createdAt: _c, updatedAt: _u, ...rest }: typeof original) => rest;
    expect(lsass && strip(lsass)).toEqual(strip(original));
    const group = (await t.activityGroup.list({ scope: "org" })).data[0];
    expect(group?.activities.map((a) => [a.name, a.scope])).toEqual([
      ["A Local accounts", "org"],
      ["Atomic whoami", "global"],
      ["A LSASS dump", "org"],
    ]);
    expect(group?.activities[1]?.id).toBe(globalId);
    const campaign = (await t.campaign.list({ scope: "org" })).data[0];
    expect(campaign?.groups.map((g) => g.id)).toEqual([group?.id]);
    const evaluation = (await t.evaluation.list({ scope: "org" })).data[0];
    expect(evaluation).toMatchObject({
      name: "Purple scoring",
      description: "Our scale",
      categories: [
        { key: "prevention", label: "Prevention", description: "Blocked before execution" },
        { key: "detection", label: "Detection", description: "" },
      ],
      questions: [{ key: "escalated", text: "Was it escalated?", kind: "yesno" }],
    });
    const reportTemplate = (await t.report.list({ scope: "org" })).data[0];
    expect(reportTemplate?.body).toBe(
      "# {{ assessment.name }}\n\n{% for a in activities %}- {{ a.title }}\n{% endfor %}\n",
    );

    // The second organization's export is the same document, up to ids.
    const again = parse(await other.api.templates.export());
    const names = (d: typeof doc) => ({
      activities: d.activityTemplates.map((a: { name: string }) => a.name),
      groups: d.activityGroupTemplates.map((g: { name: string; activities: string[] }) => [
        g.name,
        g.activities.length,
      ]),
      campaigns: d.campaignTemplates.map((c: { name: string }) => c.name),
      evaluations: d.evaluationTemplates,
      reports: d.reportTemplates.map((r: { body: string }) => r.body),
    });
    const withoutIds = (d: typeof doc) =>
      JSON.parse(JSON.stringify(names(d)), (key, value) => (key === "id" ? undefined : value));
    expect(withoutIds(again)).toEqual(withoutIds(doc));
  });

  it("is idempotent: importing the same document again changes nothing", async () => {
    const yaml = await owner.api.templates.export();
    const before = await templateCount();
    const report = await other.api.templates.import({ yaml });
    expect(report).toMatchObject({ created: 0, updated: 0, unchanged: 6, linked: 1 });
    const own = await owner.api.templates.import({ yaml });
    expect(own).toMatchObject({ created: 0, updated: 0, unchanged: 6, linked: 1 });
    expect(await templateCount()).toEqual(before);
  });

  it("finds templates the Atomic importer wrote verbatim unchanged, and links them from organizations", async () => {
    const atomic = await h.deps.db.prisma.activityTemplate.create({
      data: {
        atomicGuid: randomUUID(),
        source: "atomic-red-team",
        name: "Dump SAM ",
        description: "Reads the SAM hive.\n",
        techniques: ["T1003.002"],
        platforms: ["windows"],
        inputArguments: [{ default: "C:\\sam", description: "Where to write\n", name: "out", type: "path" }],
        dependencies: [{ getPrereqCommand: "", prereqCommand: "exit 0\n", description: "Admin rights\n" }],
        executorName: "command_prompt",
        command: "reg save HKLM\\sam #{out}\n",
      },
    });
    const yaml = await root.api.templates.export({ ids: [atomic.id], scope: "global" });
    expect(await root.api.templates.import({ yaml, scope: "global" })).toMatchObject({ unchanged: 1, updated: 0 });
    expect(await other.api.templates.import({ yaml })).toMatchObject({ linked: 1, created: 0 });
    // Elsewhere (no such template), the atomicGuid stays with the global library: an organization's copy has none.
    await h.deps.db.prisma.activityTemplate.delete({ where: { id: atomic.id } });
    const copy = await other.api.templates.import({ yaml });
    expect(copy).toMatchObject({ created: 1 });
    expect((await other.api.templates.activity.get({ id: copy.items[0]?.id as string })).atomicGuid).toBeNull();
  });

  it("updates matching templates when the document changed, by id in the same organization and by name elsewhere", async () => {
    const doc = parse(await owner.api.templates.export({ kinds: ["report"] }));
    expect(Object.keys(doc)).toContain("reportTemplates");
    expect(doc.activityTemplates).toEqual([]);
    doc.reportTemplates[0].body = "# Changed";
    const { stringify } = await import("yaml");
    const yaml = stringify(doc);
    expect(await owner.api.templates.import({ yaml })).toMatchObject({ updated: 1, created: 0 });
    expect(await other.api.templates.import({ yaml })).toMatchObject({ updated: 1, created: 0 });
    expect((await other.api.templates.report.list({ scope: "org" })).data[0]?.body).toBe("# Changed");
    const audit = await h.deps.db.prisma.auditEvent.findFirst({
      where: { type: "templates.imported", actorId: other.id },
      orderBy: { createdAt: "desc" },
    });
    expect(audit?.metadata).toMatchObject({ scope: "org", updated: 1 });
  });

  it("exports chosen templates with their members, and answers over REST", async () => {
    const res = await rest(h, member, "GET", `/templates/export?ids=${library.campaign.id}&kinds=campaign`);
    expect(res.status).toBe(200);
    const doc = parse(res.body);
    expect(doc.campaignTemplates.map((c: { name: string }) => c.name)).toEqual(["A Campaign"]);
    expect(doc.activityGroupTemplates).toHaveLength(1);
    expect(doc.activityTemplates).toHaveLength(3);
    expect(doc.reportTemplates).toEqual([]);
    const fresh = await createOrg(h);
    const imported = await rest(h, fresh.owner, "POST", "/templates/import", { yaml: res.body, dryRun: false });
    expect(imported.status).toBe(200);
    expect(imported.body).toMatchObject({ created: 4, linked: 1 });
    const bad = await rest(h, fresh.owner, "POST", "/templates/import", { yaml: "format: nope\nversion: 1\n" });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0]).toMatchObject({ code: "VALIDATION", field: "yaml.format" });
  });
});
