/**
 * Matrix rules for templates (org templates: members read, owners and admins write), campaign
 * instantiation (anyone who may create assessments) and the knowledge base (members read and
 * write, owners and admins delete). Every call names org A; global templates are covered by
 * the templates module's own tests.
 */
import { Document, Packer, Paragraph } from "docx";
import type { HttpRule } from "./http-rule.js";
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

let matrixBase: Promise<Uint8Array> | undefined;

/** A small Word base (built once), for the docx-base routes. */
function baseForm(): Promise<FormData> {
  matrixBase ??= Packer.toBuffer(new Document({ sections: [{ children: [new Paragraph("{{report}}")] }] })).then(
    (buffer) => new Uint8Array(buffer),
  );
  return matrixBase.then((bytes) => {
    const form = new FormData();
    form.append("file", new File([bytes as Uint8Array<ArrayBuffer>], "matrix.docx"));
    return form;
  });
}

async function freshDocxReport(w: World): Promise<string> {
  const row = await prismaOf(w).reportTemplate.create({
    data: { organizationId: w.orgId, name: unique("Matrix Word report"), format: "docx", body: "# x" },
  });
  return row.id;
}

/** A docx report template of org A with a base uploaded by its owner through the route itself. */
async function docxReportWithBase(w: World): Promise<string> {
  const id = await freshDocxReport(w);
  const res = await w.h.app.request(`/api/v1/templates/reports/${id}/docx-base`, {
    method: "PUT",
    headers: { authorization: `Bearer ${w.users.orgOwner.token}`, "x-organization-id": w.orgId },
    body: await baseForm(),
  });
  if (res.status !== 200) throw new Error(`Word base upload for the matrix failed: ${res.status}`);
  return id;
}

/** The Word base routes of report templates: members read, owners and admins write. */
export const templateHttpRules: Record<string, HttpRule> = {
  "PUT /api/v1/templates/reports/:id/docx-base": {
    expect: manager,
    request: async (w) => ({
      path: `/api/v1/templates/reports/${await freshDocxReport(w)}/docx-base`,
      init: { method: "PUT", body: await baseForm() },
    }),
  },
  "GET /api/v1/templates/reports/:id/docx-base": {
    expect: member,
    request: async (w) => ({ path: `/api/v1/templates/reports/${await docxReportWithBase(w)}/docx-base` }),
  },
  "DELETE /api/v1/templates/reports/:id/docx-base": {
    expect: manager,
    request: async (w) => ({
      path: `/api/v1/templates/reports/${await docxReportWithBase(w)}/docx-base`,
      init: { method: "DELETE" },
    }),
  },
};
