/** templates.* CRUD: refusals first (validation, tenancy, org roles, global scope), then lists, references, deletes, REST. */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addMember, createOrg, expectCode, type Member, rest } from "../../test-support/assessment-fixtures.js";
import { createHarness, type Harness } from "../../test-support/harness.js";
import { type Account, buildLibrary, signIn, withoutOrg } from "../../test-support/template-kit.js";

describe("templates", () => {
  let h: Harness;
  let orgId: string;
  let owner: Member;
  let admin: Member;
  let member: Member;
  let stranger: Member;
  let root: Account;
  let library: Awaited<ReturnType<typeof buildLibrary>>;
  let evaluationId: string;
  let reportId: string;

  beforeAll(async () => {
    h = await createHarness();
    const org = await createOrg(h);
    orgId = org.id;
    owner = org.owner;
    admin = await addMember(h, org.id, "admin");
    member = await addMember(h, org.id);
    stranger = (await createOrg(h)).owner;
    root = await signIn(h, { isSuperuser: true });
    library = await buildLibrary(owner, "A");
    evaluationId = (
      await owner.api.templates.evaluation.create({
        name: "Purple scoring",
        categories: [{ key: "detection", label: "Detection" }],
      })
    ).id;
    reportId = (await owner.api.templates.report.create({ name: "Exec summary", format: "html", body: "# {{name}}" }))
      .id;
  });
  afterAll(() => h.close());

  describe("refusals", () => {
    it("validates input, naming the field", async () => {
      const t = owner.api.templates;
      await expectCode(t.activity.create({ name: "x", techniques: ["X1003"] }), "VALIDATION", "techniques.0");
      await expectCode(t.activity.create({ name: " " }), "VALIDATION", "name");
      await expectCode(t.activity.create({ name: "x", tactic: "Credential Access!" }), "VALIDATION", "tactic");
      await expectCode(
        t.evaluation.create({
          name: "dup",
          categories: [
            { key: "detection", label: "A" },
            { key: "detection", label: "B" },
          ],
        }),
        "VALIDATION",
        "categories.1.key",
      );
      await expectCode(
        t.evaluation.create({
          name: "q",
          categories: [{ key: "a", label: "A" }],
          questions: [{ key: "b", text: "?", kind: "stars" as "text" }],
        }),
        "VALIDATION",
        "questions.0.kind",
      );
      await expectCode(t.evaluation.create({ name: "none", categories: [] }), "VALIDATION", "categories");
      await expectCode(t.report.create({ name: "r", format: "pdf" as "html", body: "" }), "VALIDATION", "format");
      await expectCode(t.activityGroup.get({ id: "nope" }), "VALIDATION", "id");
    });

    it("answers NOT_FOUND for unknown ids and for another organization's templates of every kind", async () => {
      const s = stranger.api.templates;
      await expectCode(owner.api.templates.activity.get({ id: randomUUID() }), "NOT_FOUND", "id");
      await expectCode(s.activity.get({ id: library.dump.id }), "NOT_FOUND", "id");
      await expectCode(s.activity.update({ id: library.dump.id, name: "stolen" }), "NOT_FOUND", "id");
      await expectCode(s.activity.delete({ id: library.dump.id }), "NOT_FOUND", "id");
      await expectCode(s.activityGroup.get({ id: library.group.id }), "NOT_FOUND", "id");
      await expectCode(s.activityGroup.update({ id: library.group.id, name: "x" }), "NOT_FOUND", "id");
      await expectCode(s.activityGroup.delete({ id: library.group.id }), "NOT_FOUND", "id");
      await expectCode(s.campaign.get({ id: library.campaign.id }), "NOT_FOUND", "id");
      await expectCode(s.campaign.delete({ id: library.campaign.id }), "NOT_FOUND", "id");
      await expectCode(s.evaluation.get({ id: evaluationId }), "NOT_FOUND", "id");
      await expectCode(s.evaluation.update({ id: evaluationId, name: "x" }), "NOT_FOUND", "id");
      await expectCode(s.report.get({ id: reportId }), "NOT_FOUND", "id");
      await expectCode(s.report.delete({ id: reportId }), "NOT_FOUND", "id");
      // Without X-Organization-Id only global templates are visible.
      await expectCode(withoutOrg(h, owner).templates.activity.get({ id: library.dump.id }), "NOT_FOUND", "id");
      // Naming an organization one is not a member of hides it entirely.
      const strangerInOrgA = h.caller({
        headers: new Headers({ authorization: `Bearer ${stranger.token}`, "x-organization-id": orgId }),
      });
      await expectCode(strangerInOrgA.templates.activity.list(), "NOT_FOUND", "organizationId");
      const seen = await s.activity.list({ scope: "all" });
      expect(seen.data.map((t) => t.id)).not.toContain(library.dump.id);
    });

    it("refuses org template writes to members (FORBIDDEN); owners and admins may write", async () => {
      const m = member.api.templates;
      await expectCode(m.activity.create({ name: "mine" }), "FORBIDDEN");
      await expectCode(m.activity.update({ id: library.dump.id, description: "x" }), "FORBIDDEN");
      await expectCode(m.activity.delete({ id: library.dump.id }), "FORBIDDEN");
      await expectCode(m.activityGroup.create({ name: "g" }), "FORBIDDEN");
      await expectCode(m.campaign.update({ id: library.campaign.id, name: "c" }), "FORBIDDEN");
      await expectCode(m.evaluation.delete({ id: evaluationId }), "FORBIDDEN");
      await expectCode(m.report.create({ name: "r", format: "docx", body: "" }), "FORBIDDEN");
      // ...but they read them.
      expect((await m.activity.get({ id: library.dump.id })).name).toBe("A LSASS dump");
      expect((await m.campaign.get({ id: library.campaign.id })).groups).toHaveLength(1);
      const byAdmin = await admin.api.templates.activity.create({ name: "Admin's", techniques: ["t1059.001"] });
      expect(byAdmin).toMatchObject({
        scope: "org",
        organizationId: orgId,
        techniques: ["T1059.001"],
        source: "manual",
      });
      expect(await admin.api.templates.activity.update({ id: byAdmin.id, command: "whoami" })).toMatchObject({
        command: "whoami",
        name: "Admin's",
      });
      await owner.api.templates.activity.delete({ id: byAdmin.id });
    });

    it("lets only superusers write global templates, and everyone signed in read them", async () => {
      await expectCode(owner.api.templates.activity.create({ name: "g", scope: "global" }), "FORBIDDEN");
      await expectCode(
        owner.api.templates.report.create({ name: "g", scope: "global", format: "html", body: "" }),
        "FORBIDDEN",
      );
      const global = await root.api.templates.activity.create({ name: "Global whoami", scope: "global" });
      expect(global).toMatchObject({ scope: "global", organizationId: null });
      await expectCode(owner.api.templates.activity.update({ id: global.id, name: "mine now" }), "FORBIDDEN");
      await expectCode(owner.api.templates.activity.delete({ id: global.id }), "FORBIDDEN");
      const anyone = await signIn(h);
      expect((await anyone.api.templates.activity.get({ id: global.id })).name).toBe("Global whoami");
      expect((await stranger.api.templates.activity.get({ id: global.id })).name).toBe("Global whoami");
      // Org scope needs an organization to be named.
      await expectCode(anyone.api.templates.activity.create({ name: "x" }), "VALIDATION", "organizationId");
      await root.api.templates.activity.delete({ id: global.id });
      await expectCode(anyone.api.templates.activity.get({ id: global.id }), "NOT_FOUND");
    });
  });

  describe("references and names", () => {
    it("lets organization groups use global and own activity templates, never another organization's", async () => {
      const global = await root.api.templates.activity.create({ name: "Shared recon", scope: "global" });
      const foreign = await stranger.api.templates.activity.create({ name: "Theirs" });
      const group = await owner.api.templates.activityGroup.create({
        name: "Mixed",
        activityTemplateIds: [global.id, library.dump.id, global.id],
      });
      expect(group.activities.map((a) => [a.name, a.scope])).toEqual([
        ["Shared recon", "global"],
        ["A LSASS dump", "org"],
        ["Shared recon", "global"],
      ]);
      await expectCode(
        owner.api.templates.activityGroup.update({ id: group.id, activityTemplateIds: [library.dump.id, foreign.id] }),
        "NOT_FOUND",
        "activityTemplateIds.1",
      );
      // A global group may only list global templates.
      await expectCode(
        root
          .in(orgId)
          .templates.activityGroup.create({ name: "G", scope: "global", activityTemplateIds: [library.dump.id] }),
        "NOT_FOUND",
        "activityTemplateIds.0",
      );
      await expectCode(
        owner.api.templates.campaign.create({ name: "bad", groupTemplateIds: [randomUUID()] }),
        "NOT_FOUND",
        "groupTemplateIds.0",
      );
    });

    it("keeps names unique per kind within a scope, ignoring case", async () => {
      await expectCode(owner.api.templates.activityGroup.create({ name: "a credential ACCESS" }), "CONFLICT", "name");
      await expectCode(
        owner.api.templates.report.create({ name: "EXEC SUMMARY", format: "docx", body: "" }),
        "CONFLICT",
        "name",
      );
      // Another kind may use the name.
      const sameName = await owner.api.templates.report.create({ name: "A Campaign", format: "docx", body: "" });
      await owner.api.templates.report.delete({ id: sameName.id });
      const other = await stranger.api.templates.report.create({ name: "Exec summary", format: "html", body: "" });
      expect(other.organizationId).not.toBe(orgId);
    });

    it("reorders a group and a campaign by replacing their lists", async () => {
      const group = await owner.api.templates.activityGroup.update({
        id: library.group.id,
        activityTemplateIds: [library.dump.id, library.discovery.id],
      });
      expect(group.activities.map((a) => a.id)).toEqual([library.dump.id, library.discovery.id]);
      const second = await owner.api.templates.activityGroup.create({ name: "Second phase" });
      const campaign = await owner.api.templates.campaign.update({
        id: library.campaign.id,
        groupTemplateIds: [second.id, library.group.id],
        description: "Two phases",
      });
      expect(campaign.groups.map((g) => g.name)).toEqual(["Second phase", "A Credential access"]);
      expect(campaign.groups[1]?.activities.map((a) => a.name)).toEqual(["A LSASS dump", "A Local accounts"]);
    });

    it("takes a deleted template out of the groups and campaigns listing it, closing the gaps", async () => {
      const a = await owner.api.templates.activity.create({ name: "to delete" });
      const group = await owner.api.templates.activityGroup.create({
        name: "Holes",
        activityTemplateIds: [library.dump.id, a.id, library.discovery.id],
      });
      const doomed = await owner.api.templates.activityGroup.create({ name: "Doomed phase" });
      const campaign = await owner.api.templates.campaign.create({
        name: "Holes campaign",
        groupTemplateIds: [doomed.id, group.id],
      });
      await owner.api.templates.activity.delete({ id: a.id });
      expect((await owner.api.templates.activityGroup.get({ id: group.id })).activities.map((x) => x.id)).toEqual([
        library.dump.id,
        library.discovery.id,
      ]);
      await owner.api.templates.activityGroup.delete({ id: doomed.id });
      expect((await owner.api.templates.campaign.get({ id: campaign.id })).groups.map((g) => g.id)).toEqual([group.id]);
      const positions = await h.deps.db.prisma.campaignTemplateItem.findMany({
        where: { campaignTemplateId: campaign.id },
      });
      expect(positions.map((p) => p.position)).toEqual([0]);
      const events = await h.deps.db.prisma.auditEvent.findMany({
        where: { type: "template.deleted", targetId: a.id },
      });
      expect(events[0]?.metadata).toMatchObject({ kind: "activity", removedFromGroupTemplates: [group.id] });
    });
  });

  describe("lists", () => {
    it("searches activity templates by text, technique, platform, source and scope, paged", async () => {
      await root.api.templates.activity.create({
        name: "Global LSASS via comsvcs",
        scope: "global",
        techniques: ["T1003.001"],
        platforms: ["windows"],
        source: "atomic-red-team",
      });
      const t = owner.api.templates.activity;
      const lsass = await t.list({ technique: "t1003.001" });
      expect(lsass.data.map((x) => x.name)).toEqual(["A LSASS dump", "Global LSASS via comsvcs"]);
      expect((await t.list({ technique: "T1003.001", scope: "org" })).data.map((x) => x.name)).toEqual([
        "A LSASS dump",
      ]);
      expect((await t.list({ technique: "T1003.001", scope: "global" })).data.map((x) => x.name)).toEqual([
        "Global LSASS via comsvcs",
      ]);
      expect((await t.list({ q: "procdump" })).data.map((x) => x.name)).toEqual(["A LSASS dump"]);
      expect((await t.list({ platform: "LINUX" })).data.map((x) => x.name)).toEqual(["A Local accounts"]);
      expect((await t.list({ source: "atomic-red-team" })).data.map((x) => x.name)).toEqual([
        "Global LSASS via comsvcs",
      ]);
      expect((await t.list({ tactic: "discovery" })).data.map((x) => x.name)).toEqual(["A Local accounts"]);
      const page = await t.list({ pageSize: 1, page: 2, q: "lsass" });
      expect(page.pagination).toMatchObject({ total: 2, page: 2, totalPages: 2, hasNext: false, hasPrev: true });
      // Without an organization, "all" means global only.
      expect((await withoutOrg(h, owner).templates.activity.list({ q: "lsass" })).data.map((x) => x.scope)).toEqual([
        "global",
      ]);
      await expectCode(withoutOrg(h, owner).templates.activity.list({ scope: "org" }), "VALIDATION", "organizationId");
    });

    it("searches the other kinds by name and description", async () => {
      expect((await member.api.templates.activityGroup.list({ q: "credential" })).data.map((g) => g.name)).toEqual([
        "A Credential access",
      ]);
      expect((await member.api.templates.campaign.list({ q: "two phases" })).data.map((c) => c.name)).toEqual([
        "A Campaign",
      ]);
      expect((await member.api.templates.evaluation.list({ q: "purple" })).data[0]?.categories).toEqual([
        { key: "detection", label: "Detection", description: "" },
      ]);
      expect((await member.api.templates.report.list({ format: "docx" })).data).toEqual([]);
      expect((await member.api.templates.report.list({ format: "html" })).data.map((r) => r.name)).toEqual([
        "Exec summary",
      ]);
    });
  });

  it("records an audit event for every write", async () => {
    const created = await owner.api.templates.report.create({ name: "Audited", format: "docx", body: "x" });
    await owner.api.templates.report.update({ id: created.id, body: "y" });
    await owner.api.templates.report.delete({ id: created.id });
    const events = await h.deps.db.prisma.auditEvent.findMany({
      where: { targetId: created.id },
      orderBy: { createdAt: "asc" },
    });
    expect(events.map((e) => e.type)).toEqual(["template.created", "template.updated", "template.deleted"]);
    expect(events[0]).toMatchObject({ actorId: owner.id, targetType: "report_template" });
  });

  it("answers over REST", async () => {
    const list = await rest(h, member, "GET", "/templates/activities?technique=T1087.001&scope=org");
    expect(list.status).toBe(200);
    expect(list.body.data.map((t: { name: string }) => t.name)).toEqual(["A Local accounts"]);
    const created = await rest(h, admin, "POST", "/templates/evaluations", {
      name: "REST scoring",
      categories: [{ key: "prevention", label: "Prevention" }],
      questions: [{ key: "ticket", text: "Was a ticket raised?", kind: "yesno" }],
    });
    expect(created.status).toBe(200);
    expect(created.body.questions[0]).toEqual({ key: "ticket", text: "Was a ticket raised?", kind: "yesno" });
    const forbidden = await rest(h, member, "DELETE", `/templates/evaluations/${created.body.id}`);
    expect(forbidden.status).toBe(403);
    const hidden = await rest(h, stranger, "GET", `/templates/campaigns/${library.campaign.id}`);
    expect(hidden.status).toBe(404);
    expect(hidden.body.errors[0].code).toBe("NOT_FOUND");
  });
});
