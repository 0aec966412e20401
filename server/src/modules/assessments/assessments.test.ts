/** assessments.*: refusals first (validation, tenancy, ACL), then the lifecycle, list filters and REST. */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  addMember,
  createOrg,
  createTeam,
  expectCode,
  grant,
  type Member,
  rest,
} from "../../test-support/assessment-fixtures.js";
import { createHarness, type Harness } from "../../test-support/harness.js";

describe("assessments", () => {
  let h: Harness;
  let team: Awaited<ReturnType<typeof createTeam>>;
  let stranger: Member;
  beforeAll(async () => {
    h = await createHarness({}, { attack: true });
    team = await createTeam(h);
    stranger = (await createOrg(h)).owner;
  });
  afterAll(() => h.close());

  describe("refusals", () => {
    it("validates input, naming the field", async () => {
      await expectCode(team.lead.api.assessments.create({ name: "" }), "VALIDATION", "name");
      await expectCode(
        team.lead.api.assessments.create({
          name: "x",
          startDate: "2026-03-10T00:00:00Z",
          endDate: "2026-03-01T00:00:00Z",
        }),
        "VALIDATION",
        "endDate",
      );
      await expectCode(
        team.lead.api.assessments.create({ name: "x", startDate: "yesterday" }),
        "VALIDATION",
        "startDate",
      );
      await expectCode(team.lead.api.assessments.get({ id: "not-a-uuid" }), "VALIDATION", "id");
      await expectCode(team.lead.api.assessments.list({ sort: "owner" as "name" }), "VALIDATION", "sort");
    });

    it("checks an update's dates against the stored ones", async () => {
      const a = await team.lead.api.assessments.create({ name: "dated", startDate: "2026-05-10T00:00:00Z" });
      await expectCode(
        team.lead.api.assessments.update({ id: a.id, endDate: "2026-05-01T00:00:00Z" }),
        "VALIDATION",
        "endDate",
      );
    });

    it("answers NOT_FOUND for unknown ids, another organization's ids, and assessments not shared with a member", async () => {
      for (const call of [
        (m: Member, id: string) => m.api.assessments.get({ id }),
        (m: Member, id: string) => m.api.assessments.update({ id, name: "x" }),
        (m: Member, id: string) => m.api.assessments.archive({ id }),
        (m: Member, id: string) => m.api.assessments.delete({ id }),
        (m: Member, id: string) => m.api.assessments.restore({ id }),
        (m: Member, id: string) => m.api.assessments.clone({ id }),
      ]) {
        await expectCode(call(team.lead, randomUUID()), "NOT_FOUND", "id");
        await expectCode(call(stranger, team.assessmentId), "NOT_FOUND", "id");
        await expectCode(call(team.outsider, team.assessmentId), "NOT_FOUND", "id");
      }
      expect((await stranger.api.assessments.list()).data.map((a) => a.id)).not.toContain(team.assessmentId);
    });

    it("refuses another organization's tags", async () => {
      const foreign = await stranger.api.tags.create({ name: "theirs" });
      await expectCode(team.lead.api.assessments.create({ name: "x", tagIds: [foreign.id] }), "NOT_FOUND", "tagIds");
    });

    it("lets only the lead edit, archive, delete and restore", async () => {
      for (const who of [team.red, team.blue, team.spectator]) {
        await expectCode(who.api.assessments.update({ id: team.assessmentId, name: "mine" }), "FORBIDDEN");
        await expectCode(who.api.assessments.archive({ id: team.assessmentId }), "FORBIDDEN");
        await expectCode(who.api.assessments.delete({ id: team.assessmentId }), "FORBIDDEN");
        await expectCode(who.api.assessments.restore({ id: team.assessmentId }), "FORBIDDEN");
      }
      expect((await team.lead.api.assessments.get({ id: team.assessmentId })).name).toBe("Q3 purple team");
    });

    it("asks for an organization and refuses non-members of it", async () => {
      const lone = await h.createUser();
      const { accessToken } = await h.login(lone);
      const noOrg = h.caller({ headers: new Headers({ authorization: `Bearer ${accessToken}` }) });
      await expectCode(noOrg.assessments.list(), "VALIDATION", "organizationId");
      const wrongOrg = h.caller({
        headers: new Headers({ authorization: `Bearer ${accessToken}`, "x-organization-id": team.orgId }),
      });
      await expectCode(wrongOrg.assessments.list(), "NOT_FOUND", "organizationId");
    });
  });

  describe("lifecycle", () => {
    it("makes the creator lead (members too) and records the owner", async () => {
      const member = await addMember(h, team.orgId);
      const created = await member.api.assessments.create({ name: "Member-run", description: "phishing" });
      expect(created).toMatchObject({ name: "Member-run", status: "planned", role: "lead", ownerId: member.id });
      const acl = await h.deps.db.prisma.assessmentAcl.findMany({ where: { assessmentId: created.id } });
      expect(acl).toEqual([expect.objectContaining({ userId: member.id, role: "lead" })]);
      // The owner leads every assessment of the organization without an ACL row.
      expect((await team.lead.api.assessments.get({ id: created.id })).role).toBe("lead");
      expect(
        await h.deps.db.prisma.auditEvent.count({ where: { type: "assessment.created", targetId: created.id } }),
      ).toBe(1);
    });

    it("accepts plain dates as midnight UTC", async () => {
      const a = await team.lead.api.assessments.create({
        name: "Dated",
        startDate: "2026-07-01",
        endDate: "2026-07-03",
      });
      expect(a).toMatchObject({ startDate: "2026-07-01T00:00:00.000Z", endDate: "2026-07-03T00:00:00.000Z" });
    });

    it("gets one with the caller's role and activity counts", async () => {
      await team.lead.api.activities.create({ assessmentId: team.assessmentId, title: "Dump LSASS" });
      const got = await team.spectator.api.assessments.get({ id: team.assessmentId });
      expect(got.role).toBe("spectator");
      expect(got.activityCounts.planned).toBeGreaterThanOrEqual(1);
      expect(got.activityCounts.total).toBe(got.activityCounts.planned);
    });

    it("updates, archives, soft-deletes and restores", async () => {
      const tag = await team.lead.api.tags.create({ name: `t-${randomUUID().slice(0, 8)}` });
      const a = await team.lead.api.assessments.create({ name: "Lifecycle" });
      const updated = await team.lead.api.assessments.update({
        id: a.id,
        status: "in_progress",
        startDate: "2026-04-01T08:00:00Z",
        endDate: "2026-04-05T17:00:00Z",
        tagIds: [tag.id],
      });
      expect(updated).toMatchObject({
        status: "in_progress",
        startDate: "2026-04-01T08:00:00.000Z",
        tags: [{ id: tag.id, name: tag.name }],
      });
      expect((await team.lead.api.assessments.archive({ id: a.id })).status).toBe("archived");
      const deleted = await team.lead.api.assessments.delete({ id: a.id });
      expect(deleted.deletedAt).not.toBeNull();
      await expectCode(team.lead.api.assessments.get({ id: a.id }), "NOT_FOUND");
      expect((await team.lead.api.assessments.list()).data.map((x) => x.id)).not.toContain(a.id);
      expect((await team.lead.api.assessments.list({ deleted: true })).data.map((x) => x.id)).toContain(a.id);
      const restored = await team.lead.api.assessments.restore({ id: a.id });
      expect(restored.deletedAt).toBeNull();
      expect((await team.lead.api.assessments.get({ id: a.id })).status).toBe("archived");
    });
  });

  describe("list", () => {
    let org: { id: string; owner: Member };
    let member: Member;
    let names: Record<string, string>;
    beforeAll(async () => {
      org = await createOrg(h);
      member = await addMember(h, org.id);
      const red = await org.owner.api.tags.create({ name: "red-team" });
      const make = (name: string, extra: Record<string, unknown> = {}) =>
        org.owner.api.assessments.create({ name, ...extra });
      const alpha = await make("Alpha ransomware", {
        startDate: "2026-01-10T00:00:00Z",
        endDate: "2026-01-20T00:00:00Z",
        tagIds: [red.id],
      });
      const bravo = await make("Bravo", { startDate: "2026-02-01T00:00:00Z", status: "in_progress" });
      const charlie = await make("Charlie", { description: "Ransomware tabletop" });
      await make("Delta", { startDate: "2026-03-01T00:00:00Z", endDate: "2026-03-02T00:00:00Z" });
      names = { alpha: alpha.id, bravo: bravo.id, charlie: charlie.id, red: red.id };
      await grant(h, bravo.id, member, "blue");
    });

    it("shows members only what is shared with them; owners everything", async () => {
      const mine = await member.api.assessments.list();
      expect(mine.data.map((a) => a.name)).toEqual(["Bravo"]);
      expect(mine.data[0]?.role).toBe("blue");
      expect((await org.owner.api.assessments.list()).pagination.total).toBe(4);
    });

    it("filters by status, tag, text and date overlap, and sorts", async () => {
      const list = (input: Parameters<typeof org.owner.api.assessments.list>[0]) =>
        org.owner.api.assessments.list(input).then((page) => page.data.map((a) => a.name));
      expect(await list({ status: "in_progress" })).toEqual(["Bravo"]);
      expect(await list({ tagId: names.red as string })).toEqual(["Alpha ransomware"]);
      expect(await list({ q: "ransomware", sort: "name", order: "asc" })).toEqual(["Alpha ransomware", "Charlie"]);
      // Overlapping 15 Jan - 5 Feb: Alpha (10-20 Jan) and Bravo (from 1 Feb, open-ended); not Delta, not undated Charlie.
      expect(
        await list({
          startDate: "2026-01-15T00:00:00Z",
          endDate: "2026-02-05T00:00:00Z",
          sort: "startDate",
          order: "asc",
        }),
      ).toEqual(["Alpha ransomware", "Bravo"]);
      expect(await list({ sort: "name", order: "desc" })).toEqual(["Delta", "Charlie", "Bravo", "Alpha ransomware"]);
      expect(await list({ sort: "startDate", order: "asc" })).toEqual([
        "Alpha ransomware",
        "Bravo",
        "Delta",
        "Charlie",
      ]);
      const page = await org.owner.api.assessments.list({ pageSize: 3, page: 2, sort: "name", order: "asc" });
      expect(page.data.map((a) => a.name)).toEqual(["Delta"]);
      expect(page.pagination).toMatchObject({ total: 4, totalPages: 2, hasPrev: true, hasNext: false });
    });

    it("answers over REST with the same filters", async () => {
      const res = await rest(h, org.owner, "GET", "/assessments?status=in_progress&sort=name&order=asc");
      expect(res.status).toBe(200);
      expect(res.body.data.map((a: { name: string }) => a.name)).toEqual(["Bravo"]);
      const bad = await rest(h, org.owner, "GET", "/assessments?status=finished");
      expect(bad.status).toBe(400);
      expect(bad.body.errors[0]).toMatchObject({ code: "VALIDATION", field: "status" });
    });
  });

  describe("clone", () => {
    it("copies phases and activities without results, or with them, in one go", async () => {
      const { lead, red, blue, assessmentId } = await createTeam(h);
      const tag = await lead.api.tags.create({ name: "clone-tag" });
      const asset = await lead.api.assets.create({ name: "ws01", kind: "host" });
      const phase = await lead.api.activityGroups.create({ assessmentId, name: "Credential access" });
      const act = await lead.api.activities.create({
        assessmentId,
        groupId: phase.id,
        title: "Mimikatz",
        tactic: "credential-access",
        techniques: ["T1003.001"],
        tagIds: [tag.id],
        assetIds: [asset.id],
        expectations: { alerted: true, expectedSeverity: "high" },
      });
      await lead.api.activities.create({ assessmentId, title: "Ungrouped" });
      await red.api.activities.updateRed({ id: act.id, command: "mimikatz.exe", executedAt: "2026-06-01T10:00:00Z" });
      await red.api.activities.transition({ id: act.id, to: "waiting_red" });
      await red.api.activities.transition({ id: act.id, to: "waiting_blue" });
      await blue.api.activities.updateBlue({ id: act.id, outcome: "alerted", alertSeverity: "high" });
      await lead.api.activities.evaluate({ id: act.id });

      const plain = await red.api.assessments.clone({ id: assessmentId });
      expect(plain).toMatchObject({ name: "Q3 purple team (copy)", role: "lead", ownerId: red.id, status: "planned" });
      const plainGroups = await red.api.activityGroups.list({ assessmentId: plain.id });
      expect(plainGroups.data.map((g) => g.name)).toEqual(["Credential access"]);
      const plainActs = await red.api.activities.list({ assessmentId: plain.id });
      expect(plainActs.data.map((a) => a.title)).toEqual(["Mimikatz", "Ungrouped"]);
      const copied = plainActs.data[0];
      expect(copied).toMatchObject({
        groupId: plainGroups.data[0]?.id,
        status: "planned",
        techniques: ["T1003.001"],
        tags: [{ id: tag.id }],
        assets: [{ id: asset.id }],
        red: { command: "mimikatz.exe", executedAt: null, expectations: { alerted: true, expectedSeverity: "high" } },
        blue: { outcome: null },
        evaluation: { results: { detection: null } },
      });
      expect(copied?.id).not.toBe(act.id);

      const full = await lead.api.assessments.clone({ id: assessmentId, name: "Rerun", withResults: true });
      const fullActs = await lead.api.activities.list({ assessmentId: full.id });
      expect(fullActs.data[0]).toMatchObject({
        status: "evaluated",
        red: { executedAt: "2026-06-01T10:00:00.000Z" },
        blue: { outcome: "alerted", alertSeverity: "high" },
        evaluation: { results: { detection: "pass", severity: "pass", prevention: "na" } },
      });
      // The source is untouched.
      expect((await lead.api.activities.list({ assessmentId })).pagination.total).toBe(2);
    });
  });
});
