/**
 * Defensive controls: owners and admins manage them, members read them, other organizations
 * see nothing (404); outcomes per control on an activity drive its overall outcome unless it
 * was set by hand; the JSON export of an assessment imports back with its control outcomes.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addMember, createOrg, createTeam, expectCode } from "../../test-support/assessment-fixtures.js";
import { createHarness, type Harness } from "../../test-support/harness.js";

describe("defensive controls and outcomes per control", () => {
  let h: Harness;
  let team: Awaited<ReturnType<typeof createTeam>>;

  beforeAll(async () => {
    h = await createHarness({ RATE_LIMIT_LOGIN_PER_IP: "10000/1m" });
    team = await createTeam(h);
  }, 60_000);
  afterAll(() => h.close());

  it("creates, lists, updates and deletes controls; members read; names are unique", async () => {
    const edr = await team.lead.api.controls.create({
      name: "CrowdStrike",
      kind: "edr",
      vendor: "CrowdStrike",
      product: "Falcon",
    });
    expect(edr).toMatchObject({
      name: "CrowdStrike",
      kind: "edr",
      vendor: "CrowdStrike",
      product: "Falcon",
      organizationId: team.orgId,
    });
    await expectCode(team.lead.api.controls.create({ name: "crowdstrike", kind: "av" }), "CONFLICT", "name");
    await expectCode(team.red.api.controls.create({ name: "Mine", kind: "av" }), "FORBIDDEN");
    const admin = await addMember(h, team.orgId, "admin");
    const siem = await admin.api.controls.create({ name: "Splunk", kind: "siem" });
    const listed = await team.red.api.controls.list({});
    expect(listed.data.map((c) => c.name)).toEqual(["CrowdStrike", "Splunk"]);
    expect((await team.red.api.controls.list({ kind: "siem" })).data.map((c) => c.id)).toEqual([siem.id]);
    await expectCode(team.blue.api.controls.update({ id: siem.id, vendor: "Cisco" }), "FORBIDDEN");
    expect(await admin.api.controls.update({ id: siem.id, vendor: "Cisco", product: null })).toMatchObject({
      vendor: "Cisco",
      product: null,
    });
    await expectCode(team.blue.api.controls.delete({ id: siem.id }), "FORBIDDEN");
    await admin.api.controls.delete({ id: siem.id });
    await expectCode(team.red.api.controls.get({ id: siem.id }), "NOT_FOUND", "id");
    const audit = await h.deps.db.prisma.auditEvent.findMany({
      where: { targetId: siem.id },
      orderBy: { createdAt: "asc" },
    });
    expect(audit.map((e) => e.type)).toEqual(["control.created", "control.updated", "control.deleted"]);
  });

  it("hides another organization's controls (404) and refuses them in outcomes", async () => {
    const other = await createOrg(h);
    const theirs = await other.owner.api.controls.create({ name: "Theirs", kind: "av" });
    await expectCode(team.lead.api.controls.get({ id: theirs.id }), "NOT_FOUND", "id");
    await expectCode(team.lead.api.controls.update({ id: theirs.id, name: "Mine now" }), "NOT_FOUND", "id");
    await expectCode(team.lead.api.controls.delete({ id: theirs.id }), "NOT_FOUND", "id");
    expect((await team.lead.api.controls.list({})).data.map((c) => c.id)).not.toContain(theirs.id);
    const activity = await team.lead.api.activities.create({ assessmentId: team.assessmentId, title: "X" });
    await expectCode(
      team.lead.api.activities.updateBlue({
        id: activity.id,
        controlOutcomes: [{ controlId: theirs.id, outcome: "alerted" }],
      }),
      "NOT_FOUND",
      "controlOutcomes.0.controlId",
    );
    expect((await other.owner.api.controls.get({ id: theirs.id })).name).toBe("Theirs");
  });

  it("derives the activity's outcome from its controls (best wins) unless set by hand", async () => {
    const av = await team.lead.api.controls.create({ name: "Defender AV", kind: "av" });
    const proxy = await team.lead.api.controls.create({ name: "Zscaler", kind: "proxy" });
    const activity = await team.lead.api.activities.create({
      assessmentId: team.assessmentId,
      title: "Download payload",
    });
    await team.lead.api.activities.updateRed({ id: activity.id, executedAt: "2026-12-01T08:00:00.000Z" });
    const updated = await team.lead.api.activities.updateBlue({
      id: activity.id,
      controlOutcomes: [
        { controlId: av.id, outcome: "logged", detectedAt: "2026-12-01T08:05:00.000Z" },
        {
          controlId: proxy.id,
          outcome: "blocked",
          detectedAt: "2026-12-01T08:00:30.000Z",
          alertSeverity: "high",
          ruleName: "Known bad domain",
        },
      ],
    });
    expect(updated.blue).toMatchObject({
      outcome: "blocked",
      detectedAt: "2026-12-01T08:00:30.000Z",
      outcomeSetByHand: false,
    });
    expect(updated.blue.controlOutcomes.map((o) => [o.controlName, o.outcome, o.ruleName])).toEqual([
      ["Defender AV", "logged", null],
      ["Zscaler", "blocked", "Known bad domain"],
    ]);
    const byHand = await team.lead.api.activities.updateBlue({ id: activity.id, outcome: "not_detected" });
    expect(byHand.blue).toMatchObject({ outcome: "not_detected", outcomeSetByHand: true });
    const stillByHand = await team.lead.api.activities.updateBlue({
      id: activity.id,
      controlOutcomes: [{ controlId: av.id, outcome: "alerted" }],
    });
    expect(stillByHand.blue.outcome).toBe("not_detected");
    const derivedAgain = await team.lead.api.activities.updateBlue({ id: activity.id, outcome: null });
    expect(derivedAgain.blue).toMatchObject({ outcome: "alerted", outcomeSetByHand: false });
    const history = await team.lead.api.activities.history({ id: activity.id });
    expect(history.data.map((e) => e.field)).toContain("blue.controlOutcomes");

    // An outcome recorded without controls (an older document's, say) is left alone by other blue edits.
    const plain = await team.lead.api.activities.create({ assessmentId: team.assessmentId, title: "Plain" });
    await h.deps.db.prisma.activity.update({ where: { id: plain.id }, data: { outcome: "logged" } });
    const edited = await team.lead.api.activities.updateBlue({ id: plain.id, notes: "looked again" });
    expect(edited.blue).toMatchObject({ outcome: "logged", outcomeSetByHand: false, controlOutcomes: [] });

    const layer = await team.lead.api.exports.navigatorLayer({ assessmentId: team.assessmentId, controlId: proxy.id });
    expect(layer.name).toContain("Zscaler");
    await expectCode(
      team.lead.api.exports.navigatorLayer({ assessmentId: team.assessmentId, controlId: crypto.randomUUID() }),
      "NOT_FOUND",
      "controlId",
    );
    const csv = await team.lead.api.exports.activitiesCsv({ assessmentId: team.assessmentId });
    expect(csv.content.split("\r\n")[0]).toContain("control_outcomes,control_detected_at,control_rules");
    expect(csv.content).toContain("Defender AV: alerted");
  });

  it("keeps controlOutcomes through a JSON export and import, in this organization and another", async () => {
    const controls = (await team.lead.api.controls.list({})).data;
    const zscaler = controls.find((c) => c.name === "Zscaler")?.id as string;
    const activity = await team.lead.api.activities.create({ assessmentId: team.assessmentId, title: "Beacon" });
    await team.lead.api.activities.updateBlue({
      id: activity.id,
      controlOutcomes: [
        {
          controlId: zscaler,
          outcome: "alerted",
          detectedAt: "2026-12-01T09:00:00.000Z",
          alertSeverity: "low",
          notes: "n",
        },
      ],
    });
    const exported = await team.lead.api.exports.assessmentJson({ assessmentId: team.assessmentId });
    const withControls = exported.activities.filter((a) => a.blue.controlOutcomes.length > 0);
    expect(withControls.length).toBeGreaterThan(0);
    expect(exported.controls.map((c) => c.name)).toEqual(["Defender AV", "Zscaler"]);

    const imported = await team.lead.api.imports.assessmentJson({ document: exported, name: "Round trip" });
    const again = await team.lead.api.exports.assessmentJson({ assessmentId: imported.assessment.id });
    const strip = (d: typeof exported) => ({ ...d, exportedAt: undefined, assessment: { ...d.assessment, name: "" } });
    expect(strip(again)).toEqual(strip(exported));

    const other = await createOrg(h);
    const elsewhere = await other.owner.api.imports.assessmentJson({ document: exported });
    const there = await other.owner.api.exports.assessmentJson({ assessmentId: elsewhere.assessment.id });
    expect(there.activities.map((a) => a.blue)).toEqual(exported.activities.map((a) => a.blue));
    expect((await other.owner.api.controls.list({})).data.map((c) => c.name)).toEqual(["Defender AV", "Zscaler"]);
  });
});
