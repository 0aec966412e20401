/** Matrix rules for defensive controls, ingested alerts and their matches, and the ingestion route. */
import type { HttpRule } from "./http-rule.js";
import { assessmentRole, orgRole, type Rule } from "./ladders.js";
import { freshActivity } from "./rules-assessments.js";
import type { World } from "./world.js";

const prismaOf = (world: World) => world.h.deps.db.prisma;
const unique = (prefix: string) => `${prefix} ${crypto.randomUUID().slice(0, 8)}`;

async function freshControl(world: World): Promise<string> {
  const row = await prismaOf(world).defensiveControl.create({
    data: { organizationId: world.orgId, name: unique("control"), kind: "edr" },
  });
  return row.id;
}

/** A new alert of org A with a suggested match to a new activity of the shared assessment. */
async function suggestedMatch(world: World): Promise<{ alertId: string; matchId: string }> {
  const activityId = await freshActivity(world, "waiting_blue");
  const alert = await prismaOf(world).alert.create({
    data: {
      organizationId: world.orgId,
      format: "generic",
      externalId: crypto.randomUUID(),
      controlId: await freshControl(world),
      occurredAt: new Date(),
      techniques: ["T1003"],
      raw: {},
    },
  });
  const match = await prismaOf(world).alertMatch.create({
    data: {
      organizationId: world.orgId,
      alertId: alert.id,
      activityId,
      assessmentId: world.assessmentId,
      score: 80,
      reasons: ["matrix"],
      status: "suggested",
    },
  });
  return { alertId: alert.id, matchId: match.id };
}

const readers = assessmentRole("spectator", "blue", "red", "lead");
const blueSide = assessmentRole("blue", "lead");

export const alertRules: Record<string, Rule> = {
  "controls.list": { expect: orgRole("member"), call: () => ({ input: {} }) },
  "controls.get": { expect: orgRole("member"), call: async (w) => ({ input: { id: await freshControl(w) } }) },
  "controls.create": { expect: orgRole("admin"), call: () => ({ input: { name: unique("matrix"), kind: "siem" } }) },
  "controls.update": {
    expect: orgRole("admin"),
    call: async (w) => ({ input: { id: await freshControl(w), vendor: "Acme" } }),
  },
  "controls.delete": { expect: orgRole("admin"), call: async (w) => ({ input: { id: await freshControl(w) } }) },
  "alerts.list": { expect: readers, call: (w) => ({ input: { assessmentId: w.assessmentId } }) },
  "alerts.get": { expect: readers, call: async (w) => ({ input: { id: (await suggestedMatch(w)).alertId } }) },
  "alerts.link": { expect: blueSide, call: async (w) => ({ input: { matchId: (await suggestedMatch(w)).matchId } }) },
  "alerts.unlink": {
    expect: blueSide,
    call: async (w) => ({ input: { matchId: (await suggestedMatch(w)).matchId } }),
  },
};

export const alertHttpRules: Record<string, HttpRule> = {
  // Only an API key bound to the organization (alerts:ingest) pushes alerts: a person's session is refused.
  "POST /api/v1/ingest/alerts": {
    expect: { anonymous: 401, outsider: 404, orgMember: 403, orgOwner: 403, lead: 403 },
    request: () => ({
      path: "/api/v1/ingest/alerts",
      init: {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ id: "matrix", timestamp: "2026-01-01T00:00:00Z" }),
      },
    }),
  },
};
