/**
 * Reports through the doors a user uses: reports.generate over tRPC and REST, the background
 * job, and the download route. Every DOCX is opened with an independent reader (mammoth),
 * every HTML and PDF read as bytes. Refusals: tenancy, scopes, rights, hostile templates.
 */
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Resvg } from "@resvg/resvg-js";
import mammoth from "mammoth";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { issueKey, keyHeaders } from "../../test-support/api-key-kit.js";
import {
  createOrg,
  createTeam,
  expectCode,
  failure,
  type Member,
  rest,
} from "../../test-support/assessment-fixtures.js";
import { createHarness, type Harness } from "../../test-support/harness.js";
import { requestsArriving, startReceiver } from "../../test-support/webhook-receiver.js";
import { failLostReports, pruneReports } from "./reports.service.js";

const EVIDENCE_PNG = new Uint8Array(
  new Resvg(
    '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="30"><rect width="40" height="30" fill="#c62828"/></svg>',
  )
    .render()
    .asPng(),
);

describe("reports", () => {
  let h: Harness;
  let dataDir: string;
  let team: Awaited<ReturnType<typeof createTeam>>;
  let stranger: Member;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), "assay-reports-"));
    h = await createHarness(
      { DATA_DIR: dataDir, CHROMIUM_PATH: "/usr/bin/chromium", WEBHOOK_ALLOW_PRIVATE_NETWORKS: "true" },
      { attack: true },
    );
    team = await createTeam(h);
    stranger = (await createOrg(h)).owner;
    const phase = await team.lead.api.activityGroups.create({
      assessmentId: team.assessmentId,
      name: "Initial access",
    });
    const activity = await team.lead.api.activities.create({
      assessmentId: team.assessmentId,
      groupId: phase.id,
      title: "Dump LSASS <script>alert(1)</script>",
      description: "This is **bold** text and *italic* text.\n\n1. First step\n2. Second step\n\n- a bullet",
      techniques: ["T1003.001"],
      expectations: { alerted: true, prevented: true, expectedSeverity: "high" },
    });
    await team.lead.api.activities.updateRed({ id: activity.id, command: "procdump -ma lsass.exe out.dmp" });
    await h.deps.db.prisma.activity.update({
      where: { id: activity.id },
      data: { outcome: "alerted", alertSeverity: "high", blueNotes: "Alert **raised** by the EDR." },
    });
    const form = new FormData();
    form.append("file", new File([EVIDENCE_PNG], "alert.png", { type: "image/png" }));
    const uploaded = await h.app.request(`/api/v1/activities/${activity.id}/evidence`, {
      method: "POST",
      headers: team.lead.headers,
      body: form,
    });
    expect(uploaded.status).toBe(201);
  });
  afterAll(async () => {
    await h.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  /** Polls reports.get until the job is done (bounded: a minute). */
  async function settled(who: Member, id: string) {
    for (let i = 0; i < 600; i++) {
      const report = await who.api.reports.get({ id });
      if (report.status === "completed" || report.status === "failed") return report;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`report ${id} did not finish`);
  }

  async function download(who: Pick<Member, "headers">, id: string) {
    const res = await h.app.request(`/api/v1/reports/${id}/download`, { headers: who.headers });
    return { res, bytes: new Uint8Array(await res.arrayBuffer()) };
  }

  async function generated(who: Member, format: "docx" | "html" | "pdf", templateId?: string) {
    const { id, status } = await who.api.reports.generate({
      assessmentId: team.assessmentId,
      format,
      ...(templateId ? { templateId } : {}),
    });
    expect(status).toBe("pending");
    const report = await settled(who, id);
    expect(report.error).toBeNull();
    expect(report.status).toBe("completed");
    return report;
  }

  it("writes the default report as a Word document with native headings, tables, runs, lists and images", async () => {
    const report = await generated(team.lead, "docx");
    const { res, bytes } = await download(team.lead, report.id);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe(
      "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    );
    expect(report.sizeBytes).toBe(bytes.byteLength);
    const { value: html } = await mammoth.convertToHtml({ buffer: Buffer.from(bytes) });
    expect(html).toMatch(/<h1>Q3 purple team<\/h1>/);
    expect(html).toMatch(/<h2>Executive summary<\/h2>/);
    expect(html).toMatch(/<h3>1\. Dump LSASS &lt;script&gt;alert\(1\)&lt;\/script&gt;<\/h3>/);
    // The expectations-vs-outcomes table, as a real table.
    expect(html).toMatch(/<table>.*Expected.*Observed.*Result.*Prevention.*<\/table>/s);
    // Markdown in an activity field becomes Word formatting, not punctuation.
    expect(html).toContain("<strong>bold</strong>");
    expect(html).toContain("<em>italic</em>");
    expect(html).not.toContain("**bold**");
    expect(html).toMatch(/<ol><li>First step<\/li><li>Second step<\/li><\/ol>/);
    expect(html).toMatch(/<ul><li>a bullet<\/li><\/ul>/);
    expect(html).toContain("procdump -ma lsass.exe out.dmp");
    // Heatmap, outcomes chart and the evidence picture are embedded images.
    const images = html.match(/<img [^>]*src="data:image\/png;base64,/g) ?? [];
    expect(images.length).toBeGreaterThanOrEqual(3);
  });

  it("writes one self-contained HTML file with every user field escaped, downloaded over REST", async () => {
    // A knowledge-base article linked to the activity's technique reaches the appendix.
    await team.lead.api.kb.articles.create({
      title: "Detecting LSASS access",
      kind: "detection",
      techniques: ["T1003.001"],
      body: "Alert on **handle opens** to lsass.exe.",
    });
    const created = await rest(h, team.lead, "POST", `/assessments/${team.assessmentId}/reports`, {
      format: "html",
    });
    expect(created.status).toBe(200);
    await settled(team.lead, created.body.id);
    const listed = await rest(h, team.lead, "GET", `/assessments/${team.assessmentId}/reports`);
    expect(listed.body.data.map((r: { id: string }) => r.id)).toContain(created.body.id);
    const one = await rest(h, team.lead, "GET", `/reports/${created.body.id}`);
    expect(one.body).toMatchObject({ id: created.body.id, format: "html", status: "completed", templateId: null });

    const { res, bytes } = await download(team.lead, created.body.id);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(res.headers.get("content-disposition")).toMatch(/^attachment; filename="Q3 purple team - report\.html"/);
    const html = new TextDecoder().decode(bytes);
    expect(html).not.toContain("<script");
    expect(html).toContain("Dump LSASS &lt;script&gt;alert(1)&lt;/script&gt;");
    expect(html).toContain("<strong>bold</strong>");
    expect(html).toMatch(/<svg [^>]*>/);
    expect(html).toContain("data:image/png;base64,");
    expect(html).toContain("@media print");
    expect(html).not.toMatch(/(src|href)="https?:/);
    expect(html).toMatch(/<h3>T1003\.001 [^<]*: knowledge base<\/h3>/);
    expect(html).toContain("<h4>Detecting LSASS access (detection)</h4>");
    expect(html).toContain("Alert on <strong>handle opens</strong> to lsass.exe.");
  });

  it("tells report.ready webhooks once the file can be downloaded", async () => {
    const receiver = await startReceiver();
    try {
      await team.lead.api.webhooks.create({ url: `${receiver.url}/ready`, events: ["report.ready"] });
      const { id } = await team.lead.api.reports.generate({ assessmentId: team.assessmentId, format: "html" });
      await settled(team.lead, id);
      const [delivery] = await requestsArriving(receiver, "/ready");
      const payload = JSON.parse(delivery.body);
      expect(payload).toMatchObject({
        type: "report.ready",
        data: { reportId: id, assessmentId: team.assessmentId, format: "html", organizationId: team.orgId },
      });
      expect((await download(team.lead, payload.data.reportId)).res.status).toBe(200);
    } finally {
      await receiver.close();
    }
  });

  it("prints the report to PDF with Chromium", async () => {
    const report = await generated(team.lead, "pdf");
    const { res, bytes } = await download(team.lead, report.id);
    expect(res.headers.get("content-type")).toBe("application/pdf");
    const text = Buffer.from(bytes).toString("latin1");
    expect(text.startsWith("%PDF-")).toBe(true);
    // Chromium writes the document title (assessment and organization) into the PDF's information,
    // as UTF-16BE hex when it has non-ASCII characters (the title's em dash).
    const hex = /\/Title\s*<FEFF([0-9A-Fa-f]+)>/.exec(text)?.[1] ?? "";
    const title = Buffer.from(hex, "hex").swap16().toString("utf16le");
    expect(title).toMatch(/^Q3 purple team — Org \d+$/);
    expect(text.match(/\/Type\s*\/Page[^s]/g)?.length ?? 0).toBeGreaterThan(0);
  }, 120_000);

  it("lets a spectator generate and download; another organization gets NOT_FOUND", async () => {
    const report = await generated(team.spectator, "html");
    expect((await download(team.spectator, report.id)).res.status).toBe(200);

    await expectCode(
      stranger.api.reports.generate({ assessmentId: team.assessmentId, format: "html" }),
      "NOT_FOUND",
      "assessmentId",
    );
    await expectCode(stranger.api.reports.list({ assessmentId: team.assessmentId }), "NOT_FOUND");
    await expectCode(stranger.api.reports.get({ id: report.id }), "NOT_FOUND");
    await expectCode(stranger.api.reports.delete({ id: report.id }), "NOT_FOUND");
    expect((await download(stranger, report.id)).res.status).toBe(404);
    await expectCode(team.outsider.api.reports.get({ id: report.id }), "NOT_FOUND");
    expect((await download(team.outsider, report.id)).res.status).toBe(404);
    // Only the requester or the lead deletes.
    await expectCode(team.red.api.reports.delete({ id: report.id }), "FORBIDDEN");
    expect((await team.spectator.api.reports.delete({ id: report.id })).id).toBe(report.id);
    await expectCode(team.lead.api.reports.get({ id: report.id }), "NOT_FOUND");
  });

  it("refuses a key without reports:write to generate and without reports:read to download", async () => {
    const report = await generated(team.lead, "html");
    const reader = await issueKey(h, team.lead.token, ["reports:read"], { organizationId: team.orgId });
    const other = await issueKey(h, team.lead.token, ["assessments:read"], { organizationId: team.orgId });
    const generate = await h.app.request(`/api/v1/assessments/${team.assessmentId}/reports`, {
      method: "POST",
      headers: { ...keyHeaders(reader.key, team.orgId), "content-type": "application/json" },
      body: JSON.stringify({ format: "html" }),
    });
    expect(generate.status).toBe(403);
    expect((await download({ headers: keyHeaders(reader.key, team.orgId) }, report.id)).res.status).toBe(200);
    expect((await download({ headers: keyHeaders(other.key, team.orgId) }, report.id)).res.status).toBe(403);
  });

  describe("templates", () => {
    it("refuses a report template with a Liquid syntax error when it is saved, naming line and column", async () => {
      const { message } = await rest(h, team.lead, "POST", "/templates/reports", {
        name: "Broken",
        format: "html",
        body: "# Title\n\n{% if assessment.name %}\n{{ assessment.name | nosuchfilter }}\n{% endif %}",
      }).then((r) => ({ status: r.status, message: r.body.errors[0].message, code: r.body.errors[0].code, r }));
      expect(message).toMatch(/line 4, column \d+/);
      await expectCode(
        team.lead.api.templates.report.create({ name: "Broken", format: "html", body: "{% for x in %}" }),
        "VALIDATION",
        "body",
      );
      const imported = await failure(
        team.lead.api.templates.import({
          yaml: 'format: assay.templates\nversion: 1\nreportTemplates:\n  - name: Bad\n    format: html\n    body: "ok\\n{% if %}"\n',
        }),
      );
      expect(imported.code).toBe("VALIDATION");
      expect(
        imported.fields.some((f) => f?.endsWith("reportTemplates.0.body")),
        String(imported.fields),
      ).toBe(true);
      const ok = await team.lead.api.templates.report.create({ name: "Fine", format: "html", body: "# {{ x }}" });
      await expectCode(
        team.lead.api.templates.report.update({ id: ok.id, body: "{% endfor %}" }),
        "VALIDATION",
        "body",
      );
    });

    it("renders a saved template; missing variables and prototype access render empty", async () => {
      const template = await team.lead.api.templates.report.create({
        name: "Probe",
        format: "html",
        body: [
          "# {{ assessment.name }} for {{ org.name }}",
          "A[{{ constructor }}] B[{{ assessment.constructor.name }}] C[{{ org.__proto__ }}] D[{{ nothing.here }}]",
          "E[{{ assessment.name.constructor }}] F[{{ activities.__proto__.constructor }}]",
          "{% for a in activities %}- {{ a.title | md }} ({{ a.techniques.first.id }})\n{% endfor %}",
        ].join("\n\n"),
      });
      const report = await generated(team.lead, "html", template.id);
      expect(report.templateId).toBe(template.id);
      const html = new TextDecoder().decode((await download(team.lead, report.id)).bytes);
      expect(html).toContain("<h1>Q3 purple team for Org");
      expect(html).toContain("A[] B[] C[] D[]");
      expect(html).toContain("E[] F[]");
      expect(html).toContain("(T1003.001)");
      expect(html).not.toMatch(/function|\[object/);
    });

    it("fails the job cleanly on a template that would loop a billion times, and keeps serving", async () => {
      const template = await team.lead.api.templates.report.create({
        name: "Loop",
        format: "docx",
        body: "{% for i in (1..1000000000) %}{{ i }}{% endfor %}",
      });
      const { id } = await team.lead.api.reports.generate({
        assessmentId: team.assessmentId,
        format: "docx",
        templateId: template.id,
      });
      const report = await settled(team.lead, id);
      expect(report.status).toBe("failed");
      expect(report.error).toMatch(/template/i);
      expect(report.completedAt).not.toBeNull();
      expect((await download(team.lead, id)).res.status).toBe(409);
      expect((await team.lead.api.reports.list({ assessmentId: team.assessmentId })).pagination.total).toBeGreaterThan(
        0,
      );
    });

    it("refuses another organization's template", async () => {
      const foreign = await stranger.api.templates.report.create({ name: "Theirs", format: "html", body: "# x" });
      await expectCode(
        team.lead.api.reports.generate({ assessmentId: team.assessmentId, format: "html", templateId: foreign.id }),
        "NOT_FOUND",
        "templateId",
      );
    });
  });

  it("prunes reports older than REPORT_RETENTION_DAYS with their files", async () => {
    const report = await generated(team.lead, "html");
    h.clock.advance(31 * 86_400);
    expect(await pruneReports(h.deps)).toBeGreaterThan(0);
    expect(await h.deps.db.prisma.report.findUnique({ where: { id: report.id } })).toBeNull();
    expect(existsSync(join(dataDir, "reports", team.orgId, team.assessmentId, report.id))).toBe(false);
  });

  it("fails reports whose job was lost (a restart of an in-process queue) instead of leaving them running", async () => {
    const id = crypto.randomUUID();
    await h.deps.db.prisma.report.create({
      data: {
        id,
        organizationId: team.orgId,
        assessmentId: team.assessmentId,
        format: "html",
        status: "running",
        fileName: "lost.html",
        contentType: "text/html; charset=utf-8",
        requestedById: team.lead.id,
        createdAt: h.clock.now(),
        startedAt: h.clock.now(),
      },
    });
    expect(await failLostReports(h.deps)).toBe(0);
    h.clock.advance(2 * 120 + 61);
    expect(await failLostReports(h.deps)).toBe(1);
    const row = await h.deps.db.prisma.report.findUniqueOrThrow({ where: { id } });
    expect(row).toMatchObject({ status: "failed", error: expect.stringMatching(/interrupted/) });
  });

  it("documents the REST doors in the OpenAPI document", async () => {
    const doc = (await (await h.app.request("/api/v1/openapi.json")).json()) as { paths: Record<string, object> };
    expect(Object.keys(doc.paths["/assessments/{assessmentId}/reports"] ?? {}).sort()).toEqual(["get", "post"]);
    expect(Object.keys(doc.paths["/reports/{id}"] ?? {}).sort()).toEqual(["delete", "get"]);
    expect(Object.keys(doc.paths["/reports/{id}/download"] ?? {})).toEqual(["get"]);
  });
});
