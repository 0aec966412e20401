/**
 * A constrained server: without Chromium, PDF reports are refused up front (422 UNPROCESSABLE)
 * while the others are made; with a short REPORT_RENDER_TIMEOUT_SECONDS, a template that
 * spins (nested loops that allocate nothing) fails its report and the server carries on.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTeam, rest } from "../../test-support/assessment-fixtures.js";
import { createHarness, type Harness } from "../../test-support/harness.js";

describe("reports on a constrained server", () => {
  let h: Harness;
  let team: Awaited<ReturnType<typeof createTeam>>;

  beforeAll(async () => {
    h = await createHarness({ CHROMIUM_PATH: "/nonexistent/chromium", REPORT_RENDER_TIMEOUT_SECONDS: "2" });
    team = await createTeam(h);
  });
  afterAll(() => h.close());

  it("answers 422 UNPROCESSABLE naming chromium and CHROMIUM_PATH, and queues nothing", async () => {
    const res = await rest(h, team.lead, "POST", `/assessments/${team.assessmentId}/reports`, { format: "pdf" });
    expect(res.status).toBe(422);
    expect(res.body.errors[0]).toMatchObject({ code: "UNPROCESSABLE", field: "format" });
    expect(res.body.errors[0].message).toMatch(/chromium/i);
    expect(res.body.errors[0].message).toContain("CHROMIUM_PATH");
    expect((await team.lead.api.reports.list({ assessmentId: team.assessmentId })).pagination.total).toBe(0);
    const html = await team.lead.api.reports.generate({ assessmentId: team.assessmentId, format: "html" });
    expect(html.status).toBe("pending");
  });

  it("stops a template that spins past REPORT_RENDER_TIMEOUT_SECONDS and fails its report", async () => {
    const template = await team.lead.api.templates.report.create({
      name: "Spin",
      format: "html",
      body: "{% for i in (1..100000) %}{% for j in (1..100000) %}{% endfor %}{% endfor %}",
    });
    const { id } = await team.lead.api.reports.generate({
      assessmentId: team.assessmentId,
      format: "html",
      templateId: template.id,
    });
    let report = await team.lead.api.reports.get({ id });
    for (let i = 0; i < 300 && (report.status === "pending" || report.status === "running"); i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      report = await team.lead.api.reports.get({ id });
    }
    expect(report.status).toBe("failed");
    expect(report.error).toMatch(/template/i);
    expect(report.sizeBytes).toBeNull();
  });
});
