/**
 * The Word base of a docx report template, through the doors a user uses: templates.report.*
 * over tRPC, the upload, download and delete routes over REST, then reports.generate and the
 * report's download. The merged document is opened with an independent reader (mammoth) and
 * unzipped to check the base's header part and its own Heading 1 survived. Refusals: files that
 * are not .docx (PNG, zip without word/document.xml, macro-enabled), tenancy, rights, scopes.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Resvg } from "@resvg/resvg-js";
import { Document, Header, HeadingLevel, Packer, Paragraph } from "docx";
import { strFromU8, strToU8, unzipSync, zipSync } from "fflate";
import mammoth from "mammoth";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { issueKey, keyHeaders } from "../../test-support/api-key-kit.js";
import { createOrg, createTeam, type Member } from "../../test-support/assessment-fixtures.js";
import { createHarness, type Harness } from "../../test-support/harness.js";
import { DEFAULT_REPORT_TEMPLATE } from "../reports/default-template.js";
import { mergeIntoDocxBase } from "../reports/report-docx-base.js";

const HEADING_COLOUR = "C00000";

/** A base as an organization would prepare it: letterhead header, cover, the marker, a closing line. */
async function baseDocx(withMarker = true): Promise<Uint8Array> {
  const document = new Document({
    styles: { default: { heading1: { run: { color: HEADING_COLOUR, size: 40 } } } },
    sections: [
      {
        headers: { default: new Header({ children: [new Paragraph("ACME letterhead")] }) },
        children: [
          new Paragraph({ text: "ACME cover page", heading: HeadingLevel.TITLE }),
          ...(withMarker ? [new Paragraph("{{report}}")] : []),
          new Paragraph("ACME closing remarks"),
        ],
      },
    ],
  });
  return new Uint8Array(await Packer.toBuffer(document));
}

const PNG = new Uint8Array(
  new Resvg('<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"><rect width="4" height="4"/></svg>')
    .render()
    .asPng(),
);

describe("Word bases of report templates", () => {
  let h: Harness;
  let dataDir: string;
  let team: Awaited<ReturnType<typeof createTeam>>;
  let stranger: Member;
  let templateId: string;
  let base: Uint8Array;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), "assay-docx-base-"));
    h = await createHarness({ DATA_DIR: dataDir }, { attack: true });
    team = await createTeam(h);
    stranger = (await createOrg(h)).owner;
    const phase = await team.lead.api.activityGroups.create({
      assessmentId: team.assessmentId,
      name: "Initial access",
    });
    const activity = await team.lead.api.activities.create({
      assessmentId: team.assessmentId,
      groupId: phase.id,
      title: "Dump LSASS",
      description: "Steps:\n\n1. First step\n2. Second step\n\nSee [the runbook](https://example.com/runbook).",
      techniques: ["T1003.001"],
      expectations: { alerted: true, prevented: true, expectedSeverity: "high" },
    });
    await h.deps.db.prisma.activity.update({ where: { id: activity.id }, data: { outcome: "alerted" } });
    const template = await team.lead.api.templates.report.create({
      scope: "org",
      name: "ACME Word report",
      format: "docx",
      body: DEFAULT_REPORT_TEMPLATE,
    });
    templateId = template.id;
    base = await baseDocx();
  });
  afterAll(async () => {
    await h.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  const path = (id: string) => `/api/v1/templates/reports/${id}/docx-base`;

  function upload(headers: Record<string, string>, id: string, bytes: Uint8Array, name = "acme.docx") {
    const form = new FormData();
    form.append("file", new File([bytes as Uint8Array<ArrayBuffer>], name, { type: "application/octet-stream" }));
    return h.app.request(path(id), { method: "PUT", headers, body: form });
  }

  async function refusal(res: Response) {
    const body = (await res.json()) as { errors: { code: string; field: string | null }[] };
    return { status: res.status, code: body.errors[0]?.code, fields: body.errors.map((e) => e.field) };
  }

  async function settled(who: Member, id: string) {
    for (let i = 0; i < 600; i++) {
      const report = await who.api.reports.get({ id });
      if (report.status === "completed" || report.status === "failed") return report;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`report ${id} did not finish`);
  }

  it("stores a base, shows it on the template, serves it back and renders reports into it", async () => {
    const res = await upload(team.lead.headers, templateId, base);
    expect(res.status).toBe(200);
    const read = await team.lead.api.templates.report.get({ id: templateId });
    expect(read.docxBase).toMatchObject({ fileName: "acme.docx", sizeBytes: base.byteLength });
    expect(Date.parse(read.docxBase?.uploadedAt ?? "")).not.toBeNaN();

    // Any member may download it, byte for byte.
    const got = await h.app.request(path(templateId), { headers: team.spectator.headers });
    expect(got.status).toBe(200);
    expect(got.headers.get("content-disposition")).toContain("acme.docx");
    expect(new Uint8Array(await got.arrayBuffer())).toEqual(base);

    const { id } = await team.lead.api.reports.generate({
      assessmentId: team.assessmentId,
      format: "docx",
      templateId,
    });
    const report = await settled(team.lead, id);
    expect(report.error).toBeNull();
    expect(report.status).toBe("completed");
    const download = await h.app.request(`/api/v1/reports/${id}/download`, { headers: team.lead.headers });
    expect(download.status).toBe(200);
    const bytes = new Uint8Array(await download.arrayBuffer());

    const { value: html, messages } = await mammoth.convertToHtml({ buffer: Buffer.from(bytes) });
    expect(messages.filter((m) => m.type === "error")).toEqual([]);
    expect(html).not.toContain("{{report}}");
    // The base's cover, then the report, then the base's closing line: the marker was replaced.
    const cover = html.indexOf("ACME cover page");
    const heading = html.indexOf("<h1>Q3 purple team</h1>");
    const closing = html.indexOf("ACME closing remarks");
    expect(cover).toBeGreaterThanOrEqual(0);
    expect(heading).toBeGreaterThan(cover);
    expect(closing).toBeGreaterThan(heading);
    expect(html).toMatch(/<h2>Executive summary<\/h2>/);
    expect(html).toMatch(/<table>.*Expected.*Observed.*<\/table>/s);
    expect(html).toMatch(/<ol><li>First step<\/li><li>Second step<\/li><\/ol>/);
    expect(html).toContain('<a href="https://example.com/runbook">the runbook</a>');
    // The charts, embedded pictures.
    expect(html.match(/<img [^>]*src="data:image\/png;base64,/g)?.length ?? 0).toBeGreaterThanOrEqual(2);

    const parts = unzipSync(bytes);
    const names = Object.keys(parts);
    const headerPart = names.find(
      (name) => /^word\/header\d*\.xml$/.test(name) && strFromU8(parts[name] as Uint8Array).includes("ACME letterhead"),
    );
    expect(headerPart).toBeDefined();
    const document = strFromU8(parts["word/document.xml"] as Uint8Array);
    expect(document).toMatch(/<w:headerReference[^>]*w:type="default"/);
    const styles = strFromU8(parts["word/styles.xml"] as Uint8Array);
    const heading1 = styles.match(/<w:style\b[^>]*w:styleId="Heading1"[^>]*>[\s\S]*?<\/w:style>/g) ?? [];
    expect(heading1).toHaveLength(1);
    expect(heading1[0]).toContain(`w:val="${HEADING_COLOUR}"`);
    // Every picture the document points at is in the package, with a content type.
    const rels = strFromU8(parts["word/_rels/document.xml.rels"] as Uint8Array);
    for (const [, target] of rels.matchAll(/Type="[^"]*\/image" Target="([^"]+)"/g)) {
      expect(names).toContain(`word/${target}`);
    }
    expect(strFromU8(parts["[Content_Types].xml"] as Uint8Array)).toMatch(/Extension="png"/);
  });

  it("appends the report at the end of a base without the marker, before its section properties", async () => {
    const report = unzipSync(await baseDocx(false));
    // Any Word file serves as "our" document here: its body must land after the base's content.
    report["word/document.xml"] = strToU8(
      strFromU8(report["word/document.xml"] as Uint8Array).replace("ACME cover page", "Report body"),
    );
    const merged = mergeIntoDocxBase(await baseDocx(false), zipSync(report));
    const document = strFromU8(unzipSync(merged)["word/document.xml"] as Uint8Array);
    const body = document.slice(document.indexOf("<w:body>"));
    expect(body.indexOf("Report body")).toBeGreaterThan(body.indexOf("ACME closing remarks"));
    expect(body.match(/<w:sectPr/g)).toHaveLength(1);
    expect(body).toMatch(/<\/w:sectPr><\/w:body>/);
  });

  it("removes the base and serves it no more", async () => {
    const other = await team.lead.api.templates.report.create({
      scope: "org",
      name: "Removable",
      format: "docx",
      body: "# x",
    });
    expect((await upload(team.lead.headers, other.id, base)).status).toBe(200);
    const removed = await h.app.request(path(other.id), { method: "DELETE", headers: team.lead.headers });
    expect(removed.status).toBe(200);
    expect(((await removed.json()) as { docxBase: unknown }).docxBase).toBeNull();
    expect((await h.app.request(path(other.id), { headers: team.lead.headers })).status).toBe(404);
    expect((await team.lead.api.templates.report.get({ id: other.id })).docxBase).toBeNull();
  });

  it("refuses files that are not a plain .docx, on the field file", async () => {
    const notZip = await refusal(await upload(team.lead.headers, templateId, PNG, "logo.png"));
    expect(notZip).toMatchObject({ status: 415, code: "UNSUPPORTED_MEDIA_TYPE", fields: ["file"] });

    const zipOnly = zipSync({ "[Content_Types].xml": strToU8("<Types/>"), "readme.txt": strToU8("hello") });
    const noDocument = await refusal(await upload(team.lead.headers, templateId, zipOnly, "fake.docx"));
    expect(noDocument).toMatchObject({ status: 415, code: "UNSUPPORTED_MEDIA_TYPE", fields: ["file"] });

    const parts = unzipSync(base);
    parts["word/vbaProject.bin"] = strToU8("macro");
    parts["[Content_Types].xml"] = strToU8(
      strFromU8(parts["[Content_Types].xml"] as Uint8Array).replace(
        "wordprocessingml.document.main+xml",
        "ms-word.document.macroEnabled.main+xml",
      ),
    );
    const macro = await refusal(await upload(team.lead.headers, templateId, zipSync(parts), "acme.docm"));
    expect(macro).toMatchObject({ status: 415, code: "UNSUPPORTED_MEDIA_TYPE", fields: ["file"] });

    // A zip bomb: a small file that declares far more than the cap once unzipped.
    const bomb = zipSync({ ...unzipSync(base), "word/media/huge.bin": new Uint8Array(70 * 1024 * 1024) });
    const tooBig = await refusal(await upload(team.lead.headers, templateId, bomb, "bomb.docx"));
    expect(tooBig).toMatchObject({ status: 413, code: "PAYLOAD_TOO_LARGE", fields: ["file"] });

    const html = await team.lead.api.templates.report.create({
      scope: "org",
      name: "HTML one",
      format: "html",
      body: "# x",
    });
    const wrongFormat = await refusal(await upload(team.lead.headers, html.id, base));
    expect(wrongFormat).toMatchObject({ status: 422, code: "UNPROCESSABLE", fields: ["file"] });
  });

  it("keeps bases within the template's organization and its editors", async () => {
    // Another organization's template is not found, for upload, download and delete alike.
    expect((await upload(stranger.headers, templateId, base)).status).toBe(404);
    expect((await h.app.request(path(templateId), { headers: stranger.headers })).status).toBe(404);
    expect((await h.app.request(path(templateId), { method: "DELETE", headers: stranger.headers })).status).toBe(404);
    // Members who may read but not edit templates.
    expect((await upload(team.spectator.headers, templateId, base)).status).toBe(403);
    expect((await h.app.request(path(templateId), { method: "DELETE", headers: team.spectator.headers })).status).toBe(
      403,
    );
    // A key without reports:write cannot upload; with reports:read it can download.
    const reader = await issueKey(h, team.lead.token, ["reports:read"], { organizationId: team.orgId });
    expect((await upload(keyHeaders(reader.key, team.orgId), templateId, base)).status).toBe(403);
    expect((await h.app.request(path(templateId), { headers: keyHeaders(reader.key, team.orgId) })).status).toBe(200);
    const writer = await issueKey(h, team.lead.token, ["reports:write"], { organizationId: team.orgId });
    expect((await upload(keyHeaders(writer.key, team.orgId), templateId, base)).status).toBe(200);
    // No credential at all.
    expect((await upload({}, templateId, base)).status).toBe(401);
  });
});
