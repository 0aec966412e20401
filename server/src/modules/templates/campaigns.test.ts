/** campaigns.instantiate: refusals first, then the assessment it builds, atomicity, REST. */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  addMember,
  createOrg,
  expectCode,
  failure,
  type Member,
  rest,
} from "../../test-support/assessment-fixtures.js";
import { createHarness, type Harness } from "../../test-support/harness.js";
import { type Account, buildLibrary, signIn } from "../../test-support/template-kit.js";

describe("campaigns.instantiate", () => {
  let h: Harness;
  let orgId: string;
  let owner: Member;
  let member: Member;
  let stranger: Member;
  let root: Account;
  let library: Awaited<ReturnType<typeof buildLibrary>>;

  const counts = async () => {
    const prisma = h.deps.db.prisma;
    return {
      assessments: await prisma.assessment.count(),
      groups: await prisma.activityGroup.count(),
      activities: await prisma.activity.count(),
      acl: await prisma.assessmentAcl.count(),
    };
  };

  beforeAll(async () => {
    h = await createHarness({}, { attack: true });
    const org = await createOrg(h);
    orgId = org.id;
    owner = org.owner;
    member = await addMember(h, org.id);
    stranger = (await createOrg(h)).owner;
    root = await signIn(h, { isSuperuser: true });
    library = await buildLibrary(owner, "A");
  });
  afterAll(() => h.close());

  describe("refusals", () => {
    it("answers NOT_FOUND for an unknown campaign and for another organization's", async () => {
      await expectCode(
        owner.api.campaigns.instantiate({ campaignId: randomUUID(), name: "x" }),
        "NOT_FOUND",
        "campaignId",
      );
      await expectCode(
        stranger.api.campaigns.instantiate({ campaignId: library.campaign.id, name: "x" }),
        "NOT_FOUND",
        "campaignId",
      );
    });

    it("validates the new assessment's fields and needs an organization", async () => {
      await expectCode(
        owner.api.campaigns.instantiate({ campaignId: library.campaign.id, name: "" }),
        "VALIDATION",
        "name",
      );
      await expectCode(
        owner.api.campaigns.instantiate({
          campaignId: library.campaign.id,
          name: "x",
          startDate: "2026-05-02",
          endDate: "2026-05-01",
        }),
        "VALIDATION",
        "endDate",
      );
      await expectCode(
        owner.api.campaigns.instantiate({ campaignId: library.campaign.id, name: "x", tagIds: [randomUUID()] }),
        "NOT_FOUND",
        "tagIds",
      );
      await expectCode(
        h.as(owner.token).campaigns.instantiate({ campaignId: library.campaign.id, name: "x" }),
        "VALIDATION",
        "organizationId",
      );
    });
  });

  it("refuses a campaign whose activity templates name a technique ATT&CK does not know or a tactic that does not fit; nothing is created", async () => {
    const unknown = await owner.api.templates.activity.create({ name: "Made up", techniques: ["T9999.999"] });
    const misfit = await owner.api.templates.activity.create({
      name: "Misfiled",
      techniques: ["T1082"],
      tactic: "impact",
    });
    const group = await owner.api.templates.activityGroup.create({
      name: "Broken phase",
      activityTemplateIds: [library.dump.id, unknown.id, misfit.id],
    });
    const campaign = await owner.api.templates.campaign.create({ name: "Broken", groupTemplateIds: [group.id] });
    const before = await h.deps.db.prisma.assessment.count({ where: { organizationId: orgId } });
    const refused = await failure(owner.api.campaigns.instantiate({ campaignId: campaign.id, name: "Never" }));
    expect(refused.code).toBe("VALIDATION");
    expect(refused.fields).toEqual(["campaignId", "campaignId"]);
    expect(refused.message).toContain("Made up");
    expect(refused.message).toContain("T9999.999");
    expect(await h.deps.db.prisma.assessment.count({ where: { organizationId: orgId } })).toBe(before);
  });

  it("builds a new assessment: phases and activities in order, techniques and tactics copied, the caller as lead", async () => {
    const second = await owner.api.templates.activity.create({
      name: "System info",
      description: "systeminfo",
      techniques: ["T1082"],
    });
    const phase2 = await owner.api.templates.activityGroup.create({
      name: "Discovery phase",
      description: "Look around",
      activityTemplateIds: [second.id, library.dump.id],
    });
    const campaign = await owner.api.templates.campaign.create({
      name: "Full run",
      description: "The whole plan",
      groupTemplateIds: [library.group.id, phase2.id],
    });
    // A member (no ACL anywhere) may create assessments, so may instantiate.
    const assessment = await member.api.campaigns.instantiate({
      campaignId: campaign.id,
      name: "Q4 purple team",
      startDate: "2026-10-01",
    });
    expect(assessment).toMatchObject({
      organizationId: orgId,
      name: "Q4 purple team",
      description: "The whole plan",
      status: "planned",
      ownerId: member.id,
      role: "lead",
      startDate: "2026-10-01T00:00:00.000Z",
    });
    const groups = await member.api.activityGroups.list({ assessmentId: assessment.id });
    expect(groups.data.map((g) => [g.name, g.description, g.activityCount])).toEqual([
      ["A Credential access", "", 2],
      ["Discovery phase", "Look around", 2],
    ]);
    const activities = await member.api.activities.list({ assessmentId: assessment.id });
    expect(
      activities.data.map((a) => [a.title, a.tactic, a.techniques, a.status, a.groupId === groups.data[0]?.id]),
    ).toEqual([
      ["A Local accounts", "discovery", ["T1087.001"], "planned", true],
      ["A LSASS dump", "credential-access", ["T1003.001"], "planned", true],
      ["System info", "discovery", ["T1082"], "planned", false],
      ["A LSASS dump", "credential-access", ["T1003.001"], "planned", false],
    ]);
    expect(activities.data[2]?.description).toBe("systeminfo");
    const acl = await h.deps.db.prisma.assessmentAcl.findMany({ where: { assessmentId: assessment.id } });
    expect(acl.map((a) => [a.userId, a.role])).toEqual([[member.id, "lead"]]);
    const history = await member.api.activities.history({ id: activities.data[0]?.id as string });
    expect(history.data[0]).toMatchObject({ field: "created", newValue: { campaignTemplateId: campaign.id } });
    const audit = await h.deps.db.prisma.auditEvent.findFirst({
      where: { type: "assessment.instantiated", targetId: assessment.id },
    });
    expect(audit?.metadata).toMatchObject({ campaignTemplateId: campaign.id, groups: 2, activities: 4 });
  });

  it("instantiates global campaigns too, into the caller's organization", async () => {
    const a = await root.api.templates.activity.create({ name: "Global test", scope: "global", techniques: ["T1082"] });
    const g = await root.api.templates.activityGroup.create({
      name: "Global phase",
      scope: "global",
      activityTemplateIds: [a.id],
    });
    const c = await root.api.templates.campaign.create({
      name: "Global campaign",
      scope: "global",
      groupTemplateIds: [g.id],
    });
    const made = await stranger.api.campaigns.instantiate({ campaignId: c.id, name: "Theirs" });
    expect(made.organizationId).not.toBe(orgId);
    const activities = await stranger.api.activities.list({ assessmentId: made.id });
    expect(activities.data.map((x) => x.title)).toEqual(["Global test"]);
  });

  it("writes everything in one transaction: a failure midway leaves nothing behind", async () => {
    const prisma = h.deps.db.prisma;
    const boom = await owner.api.templates.activity.create({ name: "Explode" });
    const group = await owner.api.templates.activityGroup.create({
      name: "Fragile",
      activityTemplateIds: [library.dump.id, boom.id],
    });
    const campaign = await owner.api.templates.campaign.create({
      name: "Fragile campaign",
      groupTemplateIds: [group.id],
    });
    // The activities insert fails after the assessment, its ACL and its phases were written.
    await prisma.$executeRawUnsafe(`
      CREATE FUNCTION refuse_explode() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.title = 'Explode' THEN RAISE EXCEPTION 'simulated failure'; END IF;
        RETURN NEW;
      END $$`);
    await prisma.$executeRawUnsafe(
      "CREATE TRIGGER refuse_explode BEFORE INSERT ON activities FOR EACH ROW EXECUTE FUNCTION refuse_explode()",
    );
    const before = await counts();
    try {
      await expectCode(owner.api.campaigns.instantiate({ campaignId: campaign.id, name: "Doomed" }), "INTERNAL");
      expect(await counts()).toEqual(before);
      expect(await prisma.assessment.findFirst({ where: { name: "Doomed" } })).toBeNull();
      expect(
        await prisma.auditEvent.count({
          where: { type: "assessment.instantiated", metadata: { path: ["name"], equals: "Doomed" } },
        }),
      ).toBe(0);
    } finally {
      await prisma.$executeRawUnsafe("DROP TRIGGER refuse_explode ON activities");
    }
  });

  it("answers over REST", async () => {
    const res = await rest(h, owner, "POST", `/campaigns/${library.campaign.id}/instantiate`, { name: "Via REST" });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ name: "Via REST", role: "lead", organizationId: orgId });
    const hidden = await rest(h, stranger, "POST", `/campaigns/${library.campaign.id}/instantiate`, { name: "x" });
    expect(hidden.status).toBe(404);
  });
});
