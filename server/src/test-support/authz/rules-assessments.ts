/** Matrix rules for assessments, phases, activities (red/blue workflow, comments), evidence, assets and tags. */
import { evidenceKey } from "../../lib/storage/object-storage.js";
import { assessmentRole, type Expectations, orgRole, type Rule } from "./ladders.js";
import type { World } from "./world.js";

const prismaOf = (world: World) => world.h.deps.db.prisma;
const ACL_ROLES = ["spectator", "blue", "red", "lead"] as const;
const anyAclRole = assessmentRole(...ACL_ROLES);
const lead = assessmentRole("lead");

/** A new assessment of org A shared like the world's, for calls that would change the shared one. */
async function freshAssessment(world: World, deleted = false): Promise<string> {
  const row = await prismaOf(world).assessment.create({
    data: {
      organizationId: world.orgId,
      name: "Matrix target",
      deletedAt: deleted ? new Date() : null,
      acl: { create: ACL_ROLES.map((role) => ({ userId: world.users[role].id, role })) },
    },
  });
  return row.id;
}

let position = 0;

/** A new activity of the shared assessment in `status` (blue's outcome set once it waits for blue). */
export async function freshActivity(world: World, status: "planned" | "waiting_blue" = "planned"): Promise<string> {
  const row = await prismaOf(world).activity.create({
    data: {
      organizationId: world.orgId,
      assessmentId: world.assessmentId,
      position: ++position * 1024,
      title: "Matrix activity",
      techniques: [],
      knowledgeBaseArticleIds: [],
      status,
      ...(status === "waiting_blue" ? { outcome: "alerted" as const, expectAlerted: true } : {}),
    },
  });
  return row.id;
}

async function freshGroup(world: World): Promise<string> {
  const row = await prismaOf(world).activityGroup.create({
    data: { organizationId: world.orgId, assessmentId: world.assessmentId, name: "Matrix phase", position: 0 },
  });
  return row.id;
}

const unique = (prefix: string) => `${prefix} ${crypto.randomUUID().slice(0, 8)}`;

/** Org-wide catalogues: members read and maintain them; deleting is for owners and admins. */
const catalogueDelete: Expectations = orgRole("admin");

export const assessmentRules: Record<string, Rule> = {
  "assessments.create": { expect: orgRole("member"), call: () => ({ input: { name: unique("Matrix") } }) },
  "assessments.list": { expect: { ...orgRole("member"), spectator: "ok" }, call: () => ({ input: {} }) },
  "assessments.get": { expect: anyAclRole, call: (w) => ({ input: { id: w.assessmentId } }) },
  "assessments.update": { expect: lead, call: (w) => ({ input: { id: w.assessmentId, description: "matrix" } }) },
  "assessments.archive": { expect: lead, call: async (w) => ({ input: { id: await freshAssessment(w) } }) },
  "assessments.delete": { expect: lead, call: async (w) => ({ input: { id: await freshAssessment(w) } }) },
  "assessments.restore": { expect: lead, call: async (w) => ({ input: { id: await freshAssessment(w, true) } }) },
  "assessments.clone": { expect: anyAclRole, call: (w) => ({ input: { id: w.assessmentId } }) },

  "activityGroups.create": {
    expect: lead,
    call: (w) => ({ input: { assessmentId: w.assessmentId, name: "Matrix phase" } }),
  },
  "activityGroups.list": { expect: anyAclRole, call: (w) => ({ input: { assessmentId: w.assessmentId } }) },
  "activityGroups.update": {
    expect: lead,
    call: async (w) => ({ input: { id: await freshGroup(w), name: "Renamed" } }),
  },
  "activityGroups.move": { expect: lead, call: async (w) => ({ input: { id: await freshGroup(w) } }) },
  "activityGroups.delete": { expect: lead, call: async (w) => ({ input: { id: await freshGroup(w) } }) },

  "activities.create": {
    expect: lead,
    call: (w) => ({ input: { assessmentId: w.assessmentId, title: "Matrix activity" } }),
  },
  "activities.list": { expect: anyAclRole, call: (w) => ({ input: { assessmentId: w.assessmentId } }) },
  "activities.get": { expect: anyAclRole, call: async (w) => ({ input: { id: await freshActivity(w) } }) },
  "activities.history": { expect: anyAclRole, call: async (w) => ({ input: { id: await freshActivity(w) } }) },
  "activities.update": {
    expect: lead,
    call: async (w) => ({ input: { id: await freshActivity(w), title: "Edited" } }),
  },
  "activities.move": { expect: lead, call: async (w) => ({ input: { id: await freshActivity(w) } }) },
  "activities.delete": { expect: lead, call: async (w) => ({ input: { id: await freshActivity(w) } }) },
  "activities.updateRed": {
    expect: assessmentRole("red", "lead"),
    call: async (w) => ({ input: { id: await freshActivity(w), command: "whoami" } }),
  },
  "activities.updateBlue": {
    expect: assessmentRole("blue", "lead"),
    call: async (w) => ({ input: { id: await freshActivity(w, "waiting_blue"), notes: "seen" } }),
  },
  "activities.transition": {
    expect: assessmentRole("red", "lead"),
    call: async (w) => ({ input: { id: await freshActivity(w), to: "waiting_red" } }),
  },
  "activities.evaluate": {
    expect: lead,
    call: async (w) => ({ input: { id: await freshActivity(w, "waiting_blue") } }),
  },
  "activities.comments.list": {
    expect: anyAclRole,
    call: async (w) => ({ input: { activityId: await freshActivity(w) } }),
  },
  "activities.comments.create": {
    expect: assessmentRole("blue", "red", "lead"),
    call: async (w) => ({ input: { activityId: await freshActivity(w), body: "Matrix comment" } }),
  },
  // Someone else's comment: only the lead may delete it (authors may delete their own).
  "activities.comments.delete": {
    expect: lead,
    call: async (w) => {
      const comment = await prismaOf(w).activityComment.create({
        data: {
          organizationId: w.orgId,
          activityId: await freshActivity(w),
          authorId: w.users.lead.id,
          body: "Lead's note",
        },
      });
      return { input: { id: comment.id } };
    },
  },

  "evidence.list": { expect: anyAclRole, call: async (w) => ({ input: { activityId: await freshActivity(w) } }) },
  // Someone else's upload: only the lead may delete it (uploaders may delete their own).
  "evidence.delete": {
    expect: lead,
    call: async (w) => {
      const activityId = await freshActivity(w);
      const id = crypto.randomUUID();
      await prismaOf(w).evidence.create({
        data: {
          id,
          organizationId: w.orgId,
          assessmentId: w.assessmentId,
          activityId,
          fileName: "proof.png",
          contentType: "image/png",
          size: 0,
          sha256: "0".repeat(64),
          storageKey: evidenceKey(w.orgId, activityId, id),
          uploadedById: w.users.lead.id,
        },
      });
      return { input: { id } };
    },
  },

  "assets.list": { expect: orgRole("member"), call: () => ({ input: {} }) },
  "assets.get": {
    expect: orgRole("member"),
    call: async (w) => ({
      input: {
        id: (await prismaOf(w).asset.create({ data: { organizationId: w.orgId, name: "ws01", kind: "host" } })).id,
      },
    }),
  },
  "assets.create": { expect: orgRole("member"), call: () => ({ input: { name: "dc01", kind: "host" } }) },
  "assets.update": {
    expect: orgRole("member"),
    call: async (w) => ({
      input: {
        id: (await prismaOf(w).asset.create({ data: { organizationId: w.orgId, name: "ws02", kind: "host" } })).id,
        description: "edited",
      },
    }),
  },
  "assets.delete": {
    expect: catalogueDelete,
    call: async (w) => ({
      input: {
        id: (await prismaOf(w).asset.create({ data: { organizationId: w.orgId, name: "ws03", kind: "host" } })).id,
      },
    }),
  },

  "tags.list": { expect: orgRole("member"), call: () => ({ input: {} }) },
  "tags.get": {
    expect: orgRole("member"),
    call: async (w) => ({
      input: {
        id: (await prismaOf(w).tag.create({ data: { organizationId: w.orgId, name: unique("t"), color: "#000000" } }))
          .id,
      },
    }),
  },
  "tags.create": { expect: orgRole("member"), call: () => ({ input: { name: unique("matrix") } }) },
  "tags.update": {
    expect: orgRole("member"),
    call: async (w) => ({
      input: {
        id: (await prismaOf(w).tag.create({ data: { organizationId: w.orgId, name: unique("t"), color: "#000000" } }))
          .id,
        color: "#ffffff",
      },
    }),
  },
  "tags.delete": {
    expect: catalogueDelete,
    call: async (w) => ({
      input: {
        id: (await prismaOf(w).tag.create({ data: { organizationId: w.orgId, name: unique("t"), color: "#000000" } }))
          .id,
      },
    }),
  },
};
