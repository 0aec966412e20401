/**
 * Planning an import: what each entry of a validated document becomes in the target scope,
 * decided before anything is written, with every problem collected. An entry matches, in
 * order: the template its `id` names in the target scope; for an organization, the global
 * template its `id` (or an activity's atomicGuid) names, used as is ("linked"); for the
 * global library, the template holding its atomicGuid; then the one template of its kind with
 * its name (ignoring case) in the target scope. Otherwise it is created. A match whose content
 * already equals the entry is left unchanged, so importing the same document twice is a no-op.
 */

import type { Tx } from "../../db/database.js";
import { isUuid } from "../../lib/ids.js";
import { toActivityTemplate } from "./activity-templates.service.js";
import { usableIn } from "./sequence-refs.js";
import { DOCUMENT_SECTIONS, type ProblemList, type TemplatesDocument } from "./templates-document.js";
import {
  candidatesWhere,
  canonical,
  decide,
  lower,
  type Match,
  type MatchContext,
  sameList,
} from "./templates-import-match.js";
import type { TemplateKindName } from "./templates-transfer.schemas.js";

type Section = TemplatesDocument[(typeof DOCUMENT_SECTIONS)[TemplateKindName]][number];
export type ActivityEntry = TemplatesDocument["activityTemplates"][number];

/** A member of a group or campaign: an existing template, or the entry at `entry` of the document. */
export type Ref = { existing: string } | { entry: number };

export interface Planned<E> {
  entry: E;
  index: number;
  match: Match;
  /** For group and campaign entries: their members, in order. */
  members: Ref[];
  /** For global activity imports: the Atomic GUID the row keeps or takes. */
  atomicGuid?: string | null;
}

export type Plan = {
  [K in keyof typeof DOCUMENT_SECTIONS]: Planned<TemplatesDocument[(typeof DOCUMENT_SECTIONS)[K]][number]>[];
};

/** Problems visible in the document alone: repeated ids, repeated names, members naming nothing. */
export function checkDocument(doc: TemplatesDocument, problems: ProblemList): void {
  for (const [kind, section] of Object.entries(DOCUMENT_SECTIONS) as [TemplateKindName, keyof TemplatesDocument][]) {
    const entries = doc[section] as Section[];
    const ids = new Map<string, number>();
    const names = new Map<string, number>();
    entries.forEach((entry, index) => {
      if (entry.id !== undefined) {
        const first = ids.get(entry.id);
        if (first !== undefined) problems.add([section, index, "id"], `id already used by ${section}.${first}`);
        else ids.set(entry.id, index);
      }
      // Activity templates may share names (Atomic Red Team tests do); other kinds are named uniquely.
      if (kind !== "activity") {
        const first = names.get(lower(entry.name));
        if (first !== undefined) problems.add([section, index, "name"], `name already used by ${section}.${first}`);
        else names.set(lower(entry.name), index);
      }
    });
  }
  const guids = new Map<string, number>();
  doc.activityTemplates.forEach((entry, index) => {
    if (!entry.atomicGuid) return;
    const first = guids.get(entry.atomicGuid);
    if (first !== undefined)
      problems.add(["activityTemplates", index, "atomicGuid"], `atomicGuid already used by activityTemplates.${first}`);
    else guids.set(entry.atomicGuid, index);
  });
  const activityIds = new Set(doc.activityTemplates.flatMap((e) => (e.id ? [e.id] : [])));
  const groupIds = new Set(doc.activityGroupTemplates.flatMap((e) => (e.id ? [e.id] : [])));
  doc.activityGroupTemplates.forEach((group, index) => {
    group.activities.forEach((ref, j) => {
      if (!activityIds.has(ref) && !isUuid(ref)) {
        problems.add(
          ["activityGroupTemplates", index, "activities", j],
          `no activity template with id ${ref} in the document`,
        );
      }
    });
  });
  doc.campaignTemplates.forEach((campaign, index) => {
    campaign.groups.forEach((ref, j) => {
      if (!groupIds.has(ref) && !isUuid(ref)) {
        problems.add(
          ["campaignTemplates", index, "groups", j],
          `no activity-group template with id ${ref} in the document`,
        );
      }
    });
  });
}

/** The final id of a member, when already known (null when its entry is still to be created). */
function finalId(ref: Ref, planned: Planned<unknown>[]): string | null {
  if ("existing" in ref) return ref.existing;
  const match = planned[ref.entry]?.match;
  return match && match.action !== "create" ? match.id : null;
}

/** Resolves members: an entry id of the document, or the UUID of a usable existing template. */
async function resolveMembers(
  refs: string[][],
  entryIndex: Map<string, number>,
  lookup: (ids: string[]) => Promise<{ id: string }[]>,
  problems: ProblemList,
  path: (owner: number, position: number) => (string | number)[],
): Promise<Ref[][]> {
  const external = [...new Set(refs.flat().filter((ref) => !entryIndex.has(ref) && isUuid(ref)))];
  const found = new Set((external.length > 0 ? await lookup(external) : []).map((r) => r.id));
  return refs.map((list, owner) =>
    list.map((ref, position): Ref => {
      const index = entryIndex.get(ref);
      if (index !== undefined) return { entry: index };
      if (isUuid(ref) && !found.has(ref)) problems.add(path(owner, position), `template ${ref} not found here`);
      return { existing: ref };
    }),
  );
}

const indexOfIds = (entries: { id?: string | undefined }[]) =>
  new Map(entries.flatMap((e, i) => (e.id ? [[e.id, i] as const] : [])));

/** Plans the whole document against the target scope (`organizationId` null = global). */
export async function planImport(
  tx: Tx,
  organizationId: string | null,
  doc: TemplatesDocument,
  problems: ProblemList,
): Promise<Plan> {
  const ctx = (section: string): MatchContext => ({ organizationId, problems, section, taken: new Map() });

  const guids = doc.activityTemplates.flatMap((e) => (e.atomicGuid ? [e.atomicGuid] : []));
  const activityRows = await tx.activityTemplate.findMany({
    where: { OR: [candidatesWhere(doc.activityTemplates, organizationId), { atomicGuid: { in: guids } }] },
  });
  const amc = ctx("activityTemplates");
  const activities = doc.activityTemplates.map((entry, index): Planned<ActivityEntry> => {
    const match = decide(entry, index, activityRows, amc, (row) => {
      const {
        id: _i,
        organizationId: _o,
        scope: _s,
        createdAt: _c,
        updatedAt: _u,
        atomicGuid,
        ...content
      } = toActivityTemplate(row);
      const { id: _e, atomicGuid: wanted, ...incoming } = entry;
      const guidKept = organizationId !== null || wanted === null || wanted === atomicGuid;
      return guidKept && !row.deletedAt && canonical(content) === canonical(incoming);
    });
    if (organizationId === null && entry.atomicGuid && match.action !== "create") {
      const holder = activityRows.find((r) => r.atomicGuid === entry.atomicGuid);
      if (holder && holder.id !== match.id) {
        problems.add(["activityTemplates", index, "atomicGuid"], "another template here already has this atomicGuid");
      }
    }
    return { entry, index, match, members: [], atomicGuid: organizationId === null ? entry.atomicGuid : null };
  });

  const groupRows = await tx.activityGroupTemplate.findMany({
    where: candidatesWhere(doc.activityGroupTemplates, organizationId),
    include: { items: { orderBy: { position: "asc" }, select: { activityTemplateId: true } } },
  });
  const groupMembers = await resolveMembers(
    doc.activityGroupTemplates.map((g) => g.activities),
    indexOfIds(doc.activityTemplates),
    (ids) =>
      tx.activityTemplate.findMany({
        where: { id: { in: ids }, deletedAt: null, ...usableIn(organizationId) },
        select: { id: true },
      }),
    problems,
    (owner, position) => ["activityGroupTemplates", owner, "activities", position],
  );
  const gmc = ctx("activityGroupTemplates");
  const groups = doc.activityGroupTemplates.map((entry, index) => {
    const members = groupMembers[index] ?? [];
    const ids = members.map((ref) => finalId(ref, activities));
    const match = decide(entry, index, groupRows, gmc, (row) =>
      sameList(
        row.name,
        row.description,
        row.items.map((i) => i.activityTemplateId),
        entry,
        ids,
      ),
    );
    return { entry, index, match, members };
  });

  const campaignRows = await tx.campaignTemplate.findMany({
    where: candidatesWhere(doc.campaignTemplates, organizationId),
    include: { items: { orderBy: { position: "asc" }, select: { groupTemplateId: true } } },
  });
  const campaignMembers = await resolveMembers(
    doc.campaignTemplates.map((c) => c.groups),
    indexOfIds(doc.activityGroupTemplates),
    (ids) =>
      tx.activityGroupTemplate.findMany({
        where: { id: { in: ids }, ...usableIn(organizationId) },
        select: { id: true },
      }),
    problems,
    (owner, position) => ["campaignTemplates", owner, "groups", position],
  );
  const cmc = ctx("campaignTemplates");
  const campaigns = doc.campaignTemplates.map((entry, index) => {
    const members = campaignMembers[index] ?? [];
    const ids = members.map((ref) => finalId(ref, groups));
    const match = decide(entry, index, campaignRows, cmc, (row) =>
      sameList(
        row.name,
        row.description,
        row.items.map((i) => i.groupTemplateId),
        entry,
        ids,
      ),
    );
    return { entry, index, match, members };
  });

  const evaluationRows = await tx.evaluationTemplate.findMany({
    where: candidatesWhere(doc.evaluationTemplates, organizationId),
  });
  const emc = ctx("evaluationTemplates");
  const evaluations = doc.evaluationTemplates.map((entry, index) => {
    const { id: _id, ...content } = entry;
    const match = decide(
      entry,
      index,
      evaluationRows,
      emc,
      (row) =>
        canonical(content) ===
        canonical({
          name: row.name,
          description: row.description,
          categories: row.categories,
          questions: row.questions,
        }),
    );
    return { entry, index, match, members: [] };
  });

  const reportRows = await tx.reportTemplate.findMany({ where: candidatesWhere(doc.reportTemplates, organizationId) });
  const rmc = ctx("reportTemplates");
  const reports = doc.reportTemplates.map((entry, index) => {
    const { id: _id, ...content } = entry;
    const match = decide(
      entry,
      index,
      reportRows,
      rmc,
      (row) =>
        canonical(content) ===
        canonical({ name: row.name, description: row.description, format: row.format, body: row.body }),
    );
    return { entry, index, match, members: [] };
  });

  return { activity: activities, activityGroup: groups, campaign: campaigns, evaluation: evaluations, report: reports };
}
