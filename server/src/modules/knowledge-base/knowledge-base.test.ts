/** kb.articles.*: refusals first (validation, tenancy, roles), then search, revisions, technique links, REST. */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addMember, createOrg, expectCode, type Member, rest } from "../../test-support/assessment-fixtures.js";
import { createHarness, type Harness } from "../../test-support/harness.js";

describe("knowledge base", () => {
  let h: Harness;
  let orgId: string;
  let owner: Member;
  let admin: Member;
  let member: Member;
  let stranger: Member;
  let lsassId: string;

  beforeAll(async () => {
    h = await createHarness();
    const org = await createOrg(h);
    orgId = org.id;
    owner = org.owner;
    admin = await addMember(h, org.id, "admin");
    member = await addMember(h, org.id);
    stranger = (await createOrg(h)).owner;
    const lsass = await member.api.kb.articles.create({
      title: "Dumping LSASS with procdump",
      body: "Run `procdump -ma lsass.exe`.\n\nWatch for **Sysmon event 10**.",
      kind: "procedure",
      tags: ["Credentials", "windows", "credentials"],
      techniques: ["t1003.001"],
    });
    lsassId = lsass.id;
    await member.api.kb.articles.create({
      title: "Detecting LSASS access",
      body: "Alert on GrantedAccess 0x1010 to lsass.exe.",
      kind: "detection",
      tags: ["windows", "sigma"],
      techniques: ["T1003.001", "T1003"],
    });
    await owner.api.kb.articles.create({ title: "Credential Guard", kind: "mitigation", techniques: ["T1003"] });
    await owner.api.kb.articles.create({ title: "Kick-off notes", body: "Scope agreed with the SOC." });
  });
  afterAll(() => h.close());

  describe("refusals", () => {
    it("validates input, naming the field", async () => {
      const kb = member.api.kb.articles;
      await expectCode(kb.create({ title: "" }), "VALIDATION", "title");
      await expectCode(kb.create({ title: "x", techniques: ["lsass"] }), "VALIDATION", "techniques.0");
      await expectCode(kb.create({ title: "x", kind: "rumour" as "note" }), "VALIDATION", "kind");
      await expectCode(kb.revision({ id: lsassId, revision: 0 }), "VALIDATION", "revision");
      await expectCode(kb.list({ technique: "T1" }), "VALIDATION", "technique");
    });

    it("answers NOT_FOUND for unknown ids and for another organization's articles", async () => {
      const kb = stranger.api.kb.articles;
      await expectCode(member.api.kb.articles.get({ id: randomUUID() }), "NOT_FOUND", "id");
      await expectCode(kb.get({ id: lsassId }), "NOT_FOUND", "id");
      await expectCode(kb.update({ id: lsassId, title: "stolen" }), "NOT_FOUND", "id");
      await expectCode(kb.delete({ id: lsassId }), "NOT_FOUND", "id");
      await expectCode(kb.revisions({ id: lsassId }), "NOT_FOUND", "id");
      await expectCode(kb.revision({ id: lsassId, revision: 1 }), "NOT_FOUND", "id");
      expect((await kb.list()).data).toEqual([]);
      const strangerInOrg = h.caller({
        headers: new Headers({ authorization: `Bearer ${stranger.token}`, "x-organization-id": orgId }),
      });
      await expectCode(strangerInOrg.kb.articles.list(), "NOT_FOUND", "organizationId");
    });

    it("lets members write and edit articles, but only owners and admins delete them", async () => {
      const draft = await member.api.kb.articles.create({ title: "Draft" });
      expect(draft).toMatchObject({ kind: "note", revision: 1, createdById: member.id, tags: [], body: "" });
      await expectCode(member.api.kb.articles.delete({ id: draft.id }), "FORBIDDEN");
      expect((await admin.api.kb.articles.delete({ id: draft.id })).title).toBe("Draft");
      await expectCode(member.api.kb.articles.get({ id: draft.id }), "NOT_FOUND");
    });
  });

  it("normalises tags and techniques", async () => {
    const article = await member.api.kb.articles.get({ id: lsassId });
    expect(article.tags).toEqual(["credentials", "windows"]);
    expect(article.techniques).toEqual(["T1003.001"]);
  });

  it("searches by text in title and body, tag, technique and kind, paged", async () => {
    const kb = member.api.kb.articles;
    const titles = async (input: Parameters<typeof kb.list>[0]) => (await kb.list(input)).data.map((a) => a.title);
    expect(await titles({ q: "lsass", sort: "title" })).toEqual([
      "Detecting LSASS access",
      "Dumping LSASS with procdump",
    ]);
    expect(await titles({ q: "SOC" })).toEqual(["Kick-off notes"]);
    expect(await titles({ tag: "Sigma" })).toEqual(["Detecting LSASS access"]);
    expect(await titles({ technique: "t1003", sort: "title" })).toEqual(["Credential Guard", "Detecting LSASS access"]);
    expect(await titles({ kind: "mitigation" })).toEqual(["Credential Guard"]);
    expect(await titles({ q: "100%" })).toEqual([]);
    const page = await kb.list({ pageSize: 3, page: 2, sort: "createdAt", order: "asc" });
    expect(page.data.map((a) => a.title)).toEqual(["Kick-off notes"]);
    expect(page.pagination).toMatchObject({ total: 4, totalPages: 2, hasPrev: true, hasNext: false });
    const first = (await kb.list({ q: "procdump" })).data[0];
    expect(first?.excerpt).toMatch(/^Run `procdump/);
    expect(first).not.toHaveProperty("body");
  });

  describe("revisions", () => {
    it("stores the previous version on every update, newest first, each readable in full", async () => {
      const kb = member.api.kb.articles;
      const created = await kb.create({ title: "Kerberoasting", body: "v1", tags: ["ad"], techniques: ["T1558.003"] });
      const v2 = await kb.update({ id: created.id, body: "v2", expectedRevision: 1 });
      expect(v2).toMatchObject({ revision: 2, body: "v2", title: "Kerberoasting" });
      const v3 = await admin.api.kb.articles.update({
        id: created.id,
        title: "Kerberoasting with Rubeus",
        kind: "procedure",
      });
      expect(v3).toMatchObject({ revision: 3, updatedById: admin.id });

      const history = await kb.revisions({ id: created.id });
      expect(history.data.map((r) => [r.revision, r.title, r.authorId, r.replacedById])).toEqual([
        [2, "Kerberoasting", member.id, admin.id],
        [1, "Kerberoasting", member.id, member.id],
      ]);
      expect(history.pagination.total).toBe(2);
      expect(await kb.revision({ id: created.id, revision: 1 })).toMatchObject({
        revision: 1,
        body: "v1",
        kind: "note",
        tags: ["ad"],
        techniques: ["T1558.003"],
        current: false,
      });
      expect(await kb.revision({ id: created.id, revision: 3 })).toMatchObject({
        body: "v2",
        title: "Kerberoasting with Rubeus",
        current: true,
        replacedAt: null,
      });
      await expectCode(kb.revision({ id: created.id, revision: 4 }), "NOT_FOUND", "revision");
    });

    it("refuses an edit based on an outdated revision, and stores nothing for an edit that changes nothing", async () => {
      const kb = member.api.kb.articles;
      const created = await kb.create({ title: "Golden ticket", body: "a" });
      await kb.update({ id: created.id, body: "b" });
      await expectCode(kb.update({ id: created.id, body: "c", expectedRevision: 1 }), "CONFLICT", "expectedRevision");
      const same = await kb.update({ id: created.id, body: "b", title: "Golden ticket" });
      expect(same.revision).toBe(2);
      expect((await kb.revisions({ id: created.id })).pagination.total).toBe(1);
    });

    it("writes the revision in the update's transaction: a failed update leaves no revision behind", async () => {
      const prisma = h.deps.db.prisma;
      const created = await member.api.kb.articles.create({ title: "Fragile", body: "v1" });
      await prisma.$executeRawUnsafe(`
        CREATE FUNCTION refuse_boom() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF NEW.body = 'boom' THEN RAISE EXCEPTION 'simulated failure'; END IF;
          RETURN NEW;
        END $$`);
      await prisma.$executeRawUnsafe(
        "CREATE TRIGGER refuse_boom BEFORE UPDATE ON knowledge_articles FOR EACH ROW EXECUTE FUNCTION refuse_boom()",
      );
      try {
        await expectCode(member.api.kb.articles.update({ id: created.id, body: "boom" }), "INTERNAL");
      } finally {
        await prisma.$executeRawUnsafe("DROP TRIGGER refuse_boom ON knowledge_articles");
      }
      expect(await prisma.knowledgeArticleRevision.count({ where: { articleId: created.id } })).toBe(0);
      expect((await member.api.kb.articles.get({ id: created.id })).revision).toBe(1);
    });
  });

  it("shows linked articles in mitre.technique for the organization named, and to no one else", async () => {
    await h.deps.db.prisma.attackTechnique.create({
      data: {
        stixId: "attack-pattern--lsass",
        attackId: "T1003.001",
        name: "LSASS Memory",
        description: "",
        platforms: ["Windows"],
        dataSources: [],
        isSubtechnique: true,
        parentAttackId: "T1003",
        attackVersion: "18.1",
      },
    });
    const detail = await member.api.mitre.technique({ id: "T1003.001" });
    expect(detail.knowledgeBaseArticles).toEqual([
      expect.objectContaining({ title: "Detecting LSASS access", kind: "detection" }),
      expect.objectContaining({ id: lsassId, title: "Dumping LSASS with procdump", kind: "procedure" }),
    ]);
    expect((await stranger.api.mitre.technique({ id: "T1003.001" })).knowledgeBaseArticles).toEqual([]);
    expect((await h.as(member.token).mitre.technique({ id: "T1003.001" })).knowledgeBaseArticles).toEqual([]);
    const strangerInOrg = h.caller({
      headers: new Headers({ authorization: `Bearer ${stranger.token}`, "x-organization-id": orgId }),
    });
    expect((await strangerInOrg.mitre.technique({ id: "T1003.001" })).knowledgeBaseArticles).toEqual([]);
  });

  it("records an audit event for every write", async () => {
    const created = await member.api.kb.articles.create({ title: "Audited" });
    await member.api.kb.articles.update({ id: created.id, body: "edited" });
    await owner.api.kb.articles.delete({ id: created.id });
    const events = await h.deps.db.prisma.auditEvent.findMany({
      where: { targetId: created.id },
      orderBy: { createdAt: "asc" },
    });
    expect(events.map((e) => e.type)).toEqual(["kb.article.created", "kb.article.updated", "kb.article.deleted"]);
    expect(events[1]?.metadata).toMatchObject({ organizationId: orgId, fields: ["body"], revision: 2 });
  });

  it("answers over REST", async () => {
    const list = await rest(h, member, "GET", "/kb/articles?technique=T1003.001&kind=procedure");
    expect(list.status).toBe(200);
    expect(list.body.data.map((a: { id: string }) => a.id)).toEqual([lsassId]);
    const created = await rest(h, member, "POST", "/kb/articles", { title: "Via REST", body: "one" });
    expect(created.status).toBe(200);
    const edited = await rest(h, member, "PATCH", `/kb/articles/${created.body.id}`, {
      body: "two",
      expectedRevision: 1,
    });
    expect(edited.body.revision).toBe(2);
    const first = await rest(h, member, "GET", `/kb/articles/${created.body.id}/revisions/1`);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ revision: 1, body: "one", current: false });
    const hidden = await rest(h, stranger, "GET", `/kb/articles/${created.body.id}/revisions`);
    expect(hidden.status).toBe(404);
  });
});
