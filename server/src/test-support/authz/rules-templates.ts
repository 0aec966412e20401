/**
 * Matrix rules for templates (org templates: members read, owners and admins write), campaign
 * instantiation (anyone who may create assessments) and the knowledge base (members read and
 * write, owners and admins delete). Every call names org A; global templates are covered by
 * the templates module's own tests.
 */
import { orgRole, type Rule } from "./ladders.js";
import type { World } from "./world.js";

const prismaOf = (world: World) => world.h.deps.db.prisma;
const unique = (prefix: string) => `${prefix} ${crypto.randomUUID().slice(0, 8)}`;

const member = orgRole("member");
const manager = orgRole("admin");
// Naming org A while not a member of it is refused like any other org-scoped call.
const orgList = { ...member, viewer: 404 } as const;

async function freshActivity(w: World): Promise<string> {
  const row = await prismaOf(w).activityTemplate.create({
    data: { organizationId: w.orgId, name: unique("Matrix activity"), techniques: ["T1003.001"] },
  });
  return row.id;
}

async function freshGroup(w: World): Promise<string> {
  const activityTemplateId = await freshActivity(w);
  const row = await prismaOf(w).activityGroupTemplate.create({
    data: {
      organizationId: w.orgId,
      name: unique("Matrix group"),
      items: { create: { position: 0, activityTemplateId } },
    },
  });
  return row.id;
}

async function freshCampaign(w: World): Promise<string> {
  const groupTemplateId = await freshGroup(w);
  const row = await prismaOf(w).campaignTemplate.create({
    data: {
      organizationId: w.orgId,
      name: unique("Matrix campaign"),
      items: { create: { position: 0, groupTemplateId } },
    },
  });
  return row.id;
}

async function freshEvaluation(w: World): Promise<string> {
  const row = await prismaOf(w).evaluationTemplate.create({
    data: {
      organizationId: w.orgId,
      name: unique("Matrix evaluation"),
      categories: [{ key: "detection", label: "Detection", description: "" }],
    },
  });
  return row.id;
}

async function freshReport(w: World): Promise<string> {
  const row = await prismaOf(w).reportTemplate.create({
    data: { organizationId: w.orgId, name: unique("Matrix report"), format: "html", body: "# {{assessment.name}}" },
  });
  return row.id;
}

async function freshArticle(w: World): Promise<string> {
  const row = await prismaOf(w).knowledgeArticle.create({
    data: { organizationId: w.orgId, title: unique("Matrix article"), kind: "note", tags: [], techniques: [] },
  });
  return row.id;
}

const IMPORT_DOC = [
  "format: assay.templates",
  "version: 1",
  "reportTemplates:",
  "  - name: Matrix import",
  "    format: html",
  "    body: '# Report'",
].join("\n");

/** list/get/create/update/delete of one template kind. */
function crud(
  kind: string,
  fresh: (w: World) => Promise<string>,
  create: () => Record<string, unknown>,
  update: Record<string, unknown>,
): Record<string, Rule> {
  return {
    [`templates.${kind}.list`]: { expect: orgList, call: () => ({ input: {} }) },
    [`templates.${kind}.get`]: { expect: member, call: async (w) => ({ input: { id: await fresh(w) } }) },
    [`templates.${kind}.create`]: { expect: manager, call: () => ({ input: create() }) },
    [`templates.${kind}.update`]: {
      expect: manager,
      call: async (w) => ({ input: { id: await fresh(w), ...update } }),
    },
    [`templates.${kind}.delete`]: { expect: manager, call: async (w) => ({ input: { id: await fresh(w) } }) },
  };
}

export const templateRules: Record<string, Rule> = {
  ...crud("activity", freshActivity, () => ({ name: unique("Matrix") }), { description: "edited" }),
  ...crud("activityGroup", freshGroup, () => ({ name: unique("Matrix") }), { description: "edited" }),
  ...crud("campaign", freshCampaign, () => ({ name: unique("Matrix") }), { description: "edited" }),
  ...crud(
    "evaluation",
    freshEvaluation,
    () => ({ name: unique("Matrix"), categories: [{ key: "prevention", label: "Prevention" }] }),
    { description: "edited" },
  ),
  ...crud("report", freshReport, () => ({ name: unique("Matrix"), format: "docx", body: "x" }), { body: "edited" }),
  "templates.export": { expect: member, call: () => ({ input: {} }) },
  "templates.import": { expect: manager, call: () => ({ input: { yaml: IMPORT_DOC, scope: "org" } }) },

  "campaigns.instantiate": {
    expect: member,
    call: async (w) => ({ input: { campaignId: await freshCampaign(w), name: unique("From campaign") } }),
  },

  "kb.articles.list": { expect: member, call: () => ({ input: { q: "matrix" } }) },
  "kb.articles.get": { expect: member, call: async (w) => ({ input: { id: await freshArticle(w) } }) },
  "kb.articles.create": { expect: member, call: () => ({ input: { title: unique("Matrix"), kind: "procedure" } }) },
  "kb.articles.update": {
    expect: member,
    call: async (w) => ({ input: { id: await freshArticle(w), body: "edited", expectedRevision: 1 } }),
  },
  "kb.articles.delete": { expect: manager, call: async (w) => ({ input: { id: await freshArticle(w) } }) },
  "kb.articles.revisions": { expect: member, call: async (w) => ({ input: { id: await freshArticle(w) } }) },
  "kb.articles.revision": {
    expect: member,
    call: async (w) => ({ input: { id: await freshArticle(w), revision: 1 } }),
  },
};
