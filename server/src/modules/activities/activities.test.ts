/**
 * activities.* planning, reading, ordering, history and comments. Refusals first:
 * validation, tenancy (another organization's ids are NOT_FOUND), and roles.
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createOrg, createTeam, expectCode, type Member, rest } from "../../test-support/assessment-fixtures.js";
import { createHarness, type Harness } from "../../test-support/harness.js";

describe("activities", () => {
  let h: Harness;
  let team: Awaited<ReturnType<typeof createTeam>>;
  let stranger: Member;
  let strangerAssessment: string;
  beforeAll(async () => {
    h = await createHarness({}, { attack: true });
    team = await createTeam(h);
    const other = await createOrg(h);
    stranger = other.owner;
    strangerAssessment = (await stranger.api.assessments.create({ name: "theirs" })).id;
  });
  afterAll(() => h.close());

  const plan = (title: string, extra: Record<string, unknown> = {}) =>
    team.lead.api.activities.create({ assessmentId: team.assessmentId, title, ...extra });

  describe("refusals", () => {
    it("validates ATT&CK ids, tactic names and titles, naming the field", async () => {
      await expectCode(plan("x", { techniques: ["T1003.1"] }), "VALIDATION", "techniques.0");
      await expectCode(plan("x", { techniques: ["1003"] }), "VALIDATION", "techniques.0");
      await expectCode(plan("x", { tactic: "Credential Access!" }), "VALIDATION", "tactic");
      await expectCode(plan(""), "VALIDATION", "title");
      await expectCode(plan("x", { knowledgeBaseArticleIds: ["kb-1"] }), "VALIDATION", "knowledgeBaseArticleIds.0");
    });

    it("refuses text PostgreSQL cannot store (a NUL byte) as VALIDATION, through both doors", async () => {
      await expectCode(plan("bad\u0000title"), "VALIDATION");
      await expectCode(team.lead.api.activities.list({ assessmentId: team.assessmentId, q: "a\u0000b" }), "VALIDATION");
      const res = await rest(h, team.lead, "GET", `/assessments/${team.assessmentId}/activities?q=a%00b`);
      expect(res.status).toBe(400);
      expect(res.body.errors[0].code).toBe("VALIDATION");
      // One Content-Type, not the adapter's default plus ours.
      expect(res.headers.get("content-type")).toBe("application/json");
    });

    it("refuses malformed ids and filters, naming the field", async () => {
      await expectCode(team.lead.api.activities.get({ id: "1" }), "VALIDATION", "id");
      await expectCode(team.lead.api.activities.history({ id: "1" }), "VALIDATION", "id");
      await expectCode(team.lead.api.activities.list({ assessmentId: "x" }), "VALIDATION", "assessmentId");
      await expectCode(
        team.lead.api.activities.list({ assessmentId: team.assessmentId, status: "done" as "planned" }),
        "VALIDATION",
        "status",
      );
      await expectCode(team.lead.api.activities.move({ id: randomUUID(), beforeId: "x" }), "VALIDATION", "beforeId");
      await expectCode(team.lead.api.activities.update({ id: randomUUID(), tagIds: ["x"] }), "VALIDATION", "tagIds.0");
      await expectCode(team.lead.api.activities.comments.delete({ id: "x" }), "VALIDATION", "id");
      await expectCode(team.lead.api.evidence.list({ activityId: "x" }), "VALIDATION", "activityId");
      await expectCode(team.lead.api.evidence.delete({ id: "x" }), "VALIDATION", "id");
      await expectCode(team.lead.api.assessments.clone({ id: team.assessmentId, name: "" }), "VALIDATION", "name");
    });

    it("answers NOT_FOUND for unknown ids and another organization's ids, on every procedure", async () => {
      const theirs = await stranger.api.activities.create({ assessmentId: strangerAssessment, title: "theirs" });
      const mine = await plan("mine");
      for (const id of [randomUUID(), theirs.id]) {
        await expectCode(team.lead.api.activities.get({ id }), "NOT_FOUND", "id");
        await expectCode(team.lead.api.activities.update({ id, title: "x" }), "NOT_FOUND", "id");
        await expectCode(team.lead.api.activities.updateRed({ id, command: "x" }), "NOT_FOUND", "id");
        await expectCode(team.lead.api.activities.updateBlue({ id, notes: "x" }), "NOT_FOUND", "id");
        await expectCode(team.lead.api.activities.transition({ id, to: "waiting_red" }), "NOT_FOUND", "id");
        await expectCode(team.lead.api.activities.evaluate({ id }), "NOT_FOUND", "id");
        await expectCode(team.lead.api.activities.move({ id }), "NOT_FOUND", "id");
        await expectCode(team.lead.api.activities.delete({ id }), "NOT_FOUND", "id");
        await expectCode(team.lead.api.activities.history({ id }), "NOT_FOUND", "id");
        await expectCode(team.lead.api.activities.comments.list({ activityId: id }), "NOT_FOUND", "activityId");
        await expectCode(
          team.lead.api.activities.comments.create({ activityId: id, body: "x" }),
          "NOT_FOUND",
          "activityId",
        );
      }
      for (const assessmentId of [randomUUID(), strangerAssessment]) {
        await expectCode(team.lead.api.activities.create({ assessmentId, title: "x" }), "NOT_FOUND", "assessmentId");
        await expectCode(team.lead.api.activities.list({ assessmentId }), "NOT_FOUND", "assessmentId");
      }
      // Their tags, assets and groups cannot be attached; nor can a neighbour from their assessment.
      const theirTag = await stranger.api.tags.create({ name: "x" });
      const theirAsset = await stranger.api.assets.create({ name: "x", kind: "host" });
      const theirGroup = await stranger.api.activityGroups.create({ assessmentId: strangerAssessment, name: "x" });
      await expectCode(team.lead.api.activities.update({ id: mine.id, tagIds: [theirTag.id] }), "NOT_FOUND", "tagIds");
      await expectCode(
        team.lead.api.activities.update({ id: mine.id, assetIds: [theirAsset.id] }),
        "NOT_FOUND",
        "assetIds",
      );
      await expectCode(
        team.lead.api.activities.update({ id: mine.id, groupId: theirGroup.id }),
        "NOT_FOUND",
        "groupId",
      );
      await expectCode(team.lead.api.activities.move({ id: mine.id, beforeId: theirs.id }), "NOT_FOUND", "beforeId");
      // And the outsider (a member of the organization, not on the ACL) sees nothing either.
      await expectCode(team.outsider.api.activities.get({ id: mine.id }), "NOT_FOUND", "id");
    });

    it("lets only the lead plan, edit, move and delete", async () => {
      const a = await plan("lead only");
      for (const who of [team.red, team.blue, team.spectator]) {
        await expectCode(who.api.activities.create({ assessmentId: team.assessmentId, title: "x" }), "FORBIDDEN");
        await expectCode(who.api.activities.update({ id: a.id, title: "x" }), "FORBIDDEN");
        await expectCode(who.api.activities.move({ id: a.id }), "FORBIDDEN");
        await expectCode(who.api.activities.delete({ id: a.id }), "FORBIDDEN");
      }
      expect((await team.spectator.api.activities.get({ id: a.id })).title).toBe("lead only");
    });
  });

  describe("planning", () => {
    it("creates with ATT&CK mapping, tags, assets and knowledge-base links, and reads them back", async () => {
      const tag = await team.lead.api.tags.create({ name: "creds" });
      const asset = await team.lead.api.assets.create({ name: "dc01", kind: "host", identifier: "10.0.0.1" });
      const kb = (await team.lead.api.kb.articles.create({ title: "LSASS dumping" })).id;
      const a = await plan("Dump LSASS", {
        tactic: "Credential-Access",
        techniques: ["t1003.001", "T1003.001", "T1055"],
        tagIds: [tag.id],
        assetIds: [asset.id],
        knowledgeBaseArticleIds: [kb],
        expectations: { logged: true, alerted: true, expectedSeverity: "high" },
      });
      expect(a).toMatchObject({
        assessmentId: team.assessmentId,
        organizationId: team.orgId,
        status: "planned",
        tactic: "credential-access",
        techniques: ["T1003.001", "T1055"],
        tags: [{ id: tag.id, name: "creds", color: "#6b7280" }],
        assets: [{ id: asset.id, name: "dc01", kind: "host", identifier: "10.0.0.1" }],
        knowledgeBaseArticleIds: [kb],
        red: {
          expectations: { logged: true, alerted: true, prevented: false, notified: false, expectedSeverity: "high" },
        },
      });
      expect(await team.blue.api.activities.get({ id: a.id })).toEqual(a);
    });

    it("lists in order with filters, in one page with tags and assets (also over REST)", async () => {
      const { lead, assessmentId } = await createTeam(h);
      const tag = await lead.api.tags.create({ name: "lateral" });
      const group = await lead.api.activityGroups.create({ assessmentId, name: "Phase 1" });
      const mk = (title: string, extra: Record<string, unknown> = {}) =>
        lead.api.activities.create({ assessmentId, title, ...extra });
      await mk("PsExec", {
        tactic: "lateral-movement",
        techniques: ["T1021.002"],
        tagIds: [tag.id],
        groupId: group.id,
      });
      await mk("WMI exec", { tactic: "execution", techniques: ["T1047"], description: "wmic process call create" });
      const rdp = await mk("RDP 100% literal", { tactic: "lateral-movement", techniques: ["T1021.001"] });
      await lead.api.activities.transition({ id: rdp.id, to: "waiting_red" });
      const list = (input: Record<string, unknown> = {}) =>
        lead.api.activities.list({ assessmentId, ...input }).then((p) => p.data.map((a) => a.title));
      expect(await list()).toEqual(["PsExec", "WMI exec", "RDP 100% literal"]);
      expect(await list({ tactic: "lateral-movement" })).toEqual(["PsExec", "RDP 100% literal"]);
      expect(await list({ technique: "t1047" })).toEqual(["WMI exec"]);
      expect(await list({ tagId: tag.id })).toEqual(["PsExec"]);
      expect(await list({ groupId: group.id })).toEqual(["PsExec"]);
      expect(await list({ status: "waiting_red" })).toEqual(["RDP 100% literal"]);
      expect(await list({ q: "WMIC" })).toEqual(["WMI exec"]);
      expect(await list({ q: "100%" })).toEqual(["RDP 100% literal"]);
      expect(await list({ q: "%" })).toEqual(["RDP 100% literal"]);
      const page = await lead.api.activities.list({ assessmentId, pageSize: 2, page: 2 });
      expect(page.data.map((a) => a.title)).toEqual(["RDP 100% literal"]);
      expect(page.pagination).toMatchObject({ total: 3, totalPages: 2, hasPrev: true, hasNext: false });
      const beyond = await lead.api.activities.list({ assessmentId, pageSize: 2, page: 5 });
      expect(beyond).toMatchObject({ data: [], pagination: { total: 3 } });
      const res = await rest(h, lead, "GET", `/assessments/${assessmentId}/activities?tactic=lateral-movement`);
      expect(res.status).toBe(200);
      expect(res.body.data[0]).toMatchObject({
        title: "PsExec",
        tags: [{ name: "lateral" }],
        techniques: ["T1021.002"],
      });
    });

    it("edits the plan and writes every changed field to the history, in order, with who and when", async () => {
      const tag = await team.lead.api.tags.create({ name: "hist" });
      const a = await plan("Before", { techniques: ["T1059"] });
      await team.lead.api.activities.update({
        id: a.id,
        title: "After",
        techniques: ["T1059.001"],
        tagIds: [tag.id],
        description: "",
      });
      await team.red.api.activities.updateRed({
        id: a.id,
        command: "powershell -enc ...",
        expectations: { logged: true },
      });
      const history = await team.spectator.api.activities.history({ id: a.id });
      const byField = Object.fromEntries(history.data.map((e) => [e.field, e]));
      expect(byField.title).toMatchObject({ oldValue: "Before", newValue: "After", actorId: team.lead.id });
      expect(byField.techniques).toMatchObject({ oldValue: ["T1059"], newValue: ["T1059.001"] });
      expect(byField.tagIds).toMatchObject({ oldValue: [], newValue: [tag.id] });
      expect(byField["red.command"]).toMatchObject({
        oldValue: null,
        newValue: "powershell -enc ...",
        actorId: team.red.id,
      });
      expect(byField["red.expectations.logged"]).toMatchObject({ oldValue: false, newValue: true });
      expect(byField.created).toBeDefined();
      // Unchanged fields (description was already empty) leave no trace.
      expect(byField.description).toBeUndefined();
      expect(history.data[0]?.field.startsWith("red.")).toBe(true);
      expect(Date.parse(history.data[0]?.createdAt as string)).not.toBeNaN();
    });

    it("soft-deletes: gone from reads and lists, history kept", async () => {
      const a = await plan("Temporary");
      await team.lead.api.activities.delete({ id: a.id });
      await expectCode(team.lead.api.activities.get({ id: a.id }), "NOT_FOUND");
      expect(
        (await team.lead.api.activities.list({ assessmentId: team.assessmentId, pageSize: 100 })).data.map((x) => x.id),
      ).not.toContain(a.id);
      const rows = await h.deps.db.prisma.activityHistory.findMany({ where: { activityId: a.id } });
      expect(rows.map((r) => r.field)).toContain("deleted");
    });
  });

  describe("ordering", () => {
    it("moves before, after and to the end", async () => {
      const { lead, assessmentId } = await createTeam(h);
      const [a, b, c] = [
        await lead.api.activities.create({ assessmentId, title: "A" }),
        await lead.api.activities.create({ assessmentId, title: "B" }),
        await lead.api.activities.create({ assessmentId, title: "C" }),
      ];
      const order = async () => (await lead.api.activities.list({ assessmentId })).data.map((x) => x.title);
      await lead.api.activities.move({ id: c.id, beforeId: a.id });
      expect(await order()).toEqual(["C", "A", "B"]);
      await lead.api.activities.move({ id: c.id, afterId: a.id });
      expect(await order()).toEqual(["A", "C", "B"]);
      await lead.api.activities.move({ id: a.id });
      expect(await order()).toEqual(["C", "B", "A"]);
      await expectCode(lead.api.activities.move({ id: a.id, beforeId: b.id, afterId: c.id }), "VALIDATION", "beforeId");
      await expectCode(lead.api.activities.move({ id: a.id, beforeId: a.id }), "VALIDATION", "beforeId");
      const history = await lead.api.activities.history({ id: a.id });
      expect(history.data.find((e) => e.field === "position")).toMatchObject({ oldValue: 1, newValue: 3 });
    });

    it("renumbers when neighbours touch, and moves into a group", async () => {
      const { lead, assessmentId } = await createTeam(h);
      const ids: string[] = [];
      for (const title of ["A", "B", "C"]) ids.push((await lead.api.activities.create({ assessmentId, title })).id);
      // Each move lands right after A, halving the integer gap behind A: 24 moves cannot all
      // fit in a gap of 1024, so this only comes out right if renumbering works.
      for (let i = 0; i < 12; i++) {
        await lead.api.activities.move({ id: ids[2] as string, afterId: ids[0] as string });
        await lead.api.activities.move({ id: ids[1] as string, afterId: ids[0] as string });
      }
      const page = await lead.api.activities.list({ assessmentId });
      expect(page.data.map((x) => x.title)).toEqual(["A", "B", "C"]);
      const positions = page.data.map((x) => x.position);
      expect(new Set(positions).size).toBe(3);
      const group = await lead.api.activityGroups.create({ assessmentId, name: "G" });
      const moved = await lead.api.activities.move({
        id: ids[0] as string,
        afterId: ids[2] as string,
        groupId: group.id,
      });
      expect(moved.groupId).toBe(group.id);
    });

    it("keeps one consistent total order under concurrent moves", async () => {
      const { lead, assessmentId } = await createTeam(h);
      const ids: string[] = [];
      for (let i = 0; i < 8; i++) {
        ids.push((await lead.api.activities.create({ assessmentId, title: `A${i}` })).id);
      }
      const at = (i: number) => ids[i] as string;
      await Promise.all([
        lead.api.activities.move({ id: at(7), beforeId: at(0) }),
        lead.api.activities.move({ id: at(6), beforeId: at(0) }),
        lead.api.activities.move({ id: at(5), afterId: at(1) }),
        lead.api.activities.move({ id: at(4), afterId: at(1) }),
        lead.api.activities.move({ id: at(0) }),
        lead.api.activities.move({ id: at(3), beforeId: at(2) }),
        lead.api.activities.move({ id: at(2), afterId: at(7) }),
        lead.api.activities.move({ id: at(1), beforeId: at(6) }),
      ]);
      const rows = await h.deps.db.prisma.activity.findMany({
        where: { assessmentId, deletedAt: null },
        orderBy: { position: "asc" },
      });
      expect(rows).toHaveLength(8);
      expect(new Set(rows.map((r) => r.id)).size).toBe(8);
      expect(new Set(rows.map((r) => r.position)).size).toBe(8);
      const listed = (await lead.api.activities.list({ assessmentId })).data.map((a) => a.id);
      expect(listed).toEqual(rows.map((r) => r.id));
      expect([...listed].sort()).toEqual([...ids].sort());
    });
  });

  describe("comments", () => {
    it("lets lead, red and blue comment, spectators read, authors (and the lead) delete", async () => {
      const a = await plan("Discuss");
      await expectCode(team.spectator.api.activities.comments.create({ activityId: a.id, body: "hi" }), "FORBIDDEN");
      await expectCode(team.red.api.activities.comments.create({ activityId: a.id, body: "  " }), "VALIDATION", "body");
      const redNote = await team.red.api.activities.comments.create({ activityId: a.id, body: "Ran it at 10:02" });
      const blueNote = await team.blue.api.activities.comments.create({ activityId: a.id, body: "Saw nothing" });
      expect(redNote).toMatchObject({ authorId: team.red.id, body: "Ran it at 10:02" });
      const listed = await team.spectator.api.activities.comments.list({ activityId: a.id });
      expect(listed.data.map((c) => c.body)).toEqual(["Ran it at 10:02", "Saw nothing"]);
      expect(listed.data[0]?.authorName).toBeTruthy();
      await expectCode(team.blue.api.activities.comments.delete({ id: redNote.id }), "FORBIDDEN");
      await expectCode(stranger.api.activities.comments.delete({ id: redNote.id }), "NOT_FOUND", "id");
      await team.red.api.activities.comments.delete({ id: redNote.id });
      await team.lead.api.activities.comments.delete({ id: blueNote.id });
      expect((await team.red.api.activities.comments.list({ activityId: a.id })).data).toEqual([]);
      const res = await rest(h, team.red, "POST", `/activities/${a.id}/comments`, { body: "via REST" });
      expect(res.status).toBe(200);
      expect(res.body.body).toBe("via REST");
    });
  });
});
