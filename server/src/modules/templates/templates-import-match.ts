/**
 * How one import entry finds the template it stands for (the order is described in
 * templates-import-plan.ts), and content comparison that ignores jsonb's key order.
 */

import { isUuid } from "../../lib/ids.js";
import type { ProblemList } from "./templates-document.js";

export type Match = { action: "create" } | { action: "update" | "unchanged" | "linked"; id: string };

export interface Row {
  id: string;
  organizationId: string | null;
  name: string;
  deletedAt?: Date | null;
  atomicGuid?: string | null;
}

export const lower = (s: string) => s.toLowerCase();

/** JSON with object keys sorted: jsonb reorders keys, so content is compared this way. */
export function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1)))
      : v,
  );
}

/** The rows an entry list could match: by id anywhere (filtered later), by name in the scope. */
type CandidateWhere =
  | { id: { in: string[] } }
  | { organizationId: string | null; OR: { name: { equals: string; mode: "insensitive" } }[] };

export function candidatesWhere(
  entries: { id?: string | undefined; name: string }[],
  organizationId: string | null,
): { OR: CandidateWhere[] } | { id: { in: string[] } } {
  const ids = entries.flatMap((e) => (e.id && isUuid(e.id) ? [e.id] : []));
  const names = [...new Set(entries.map((e) => e.name))];
  const or: CandidateWhere[] = [];
  if (ids.length > 0) or.push({ id: { in: ids } });
  if (names.length > 0) {
    or.push({ organizationId, OR: names.map((name) => ({ name: { equals: name, mode: "insensitive" as const } })) });
  }
  return or.length > 0 ? { OR: or } : { id: { in: [] as string[] } };
}

export interface MatchContext {
  organizationId: string | null;
  problems: ProblemList;
  section: string;
  /** Targets already taken by an earlier entry (row id -> entry index). */
  taken: Map<string, number>;
}

/** Finds the row `entry` stands for among `rows` (see the file comment); null = create. */
function findTarget(
  entry: { id?: string | undefined; name: string; atomicGuid?: string | null },
  index: number,
  rows: Row[],
  mc: MatchContext,
): { row: Row; linked: boolean } | null | undefined {
  const live = rows.filter((r) => !r.deletedAt);
  const byId = entry.id ? live.find((r) => r.id === entry.id) : undefined;
  if (byId && byId.organizationId === mc.organizationId) return { row: byId, linked: false };
  if (byId && byId.organizationId === null) return { row: byId, linked: true };
  if (entry.atomicGuid) {
    const byGuid = rows.find((r) => r.atomicGuid === entry.atomicGuid);
    if (byGuid && mc.organizationId === null) return { row: byGuid, linked: false };
    if (byGuid && !byGuid.deletedAt && byGuid.organizationId === null) return { row: byGuid, linked: true };
  }
  const byName = live.filter((r) => r.organizationId === mc.organizationId && lower(r.name) === lower(entry.name));
  if (byName.length > 1) {
    mc.problems.add(
      [mc.section, index, "name"],
      `${byName.length} templates here have this name: give the entry the id of the one to update`,
    );
    return undefined;
  }
  return byName[0] ? { row: byName[0], linked: false } : null;
}

/** The match of one entry; `same` tells whether the target's content already equals the entry. */
export function decide<R extends Row>(
  entry: { id?: string | undefined; name: string; atomicGuid?: string | null },
  index: number,
  rows: R[],
  mc: MatchContext,
  same: (row: R) => boolean,
): Match {
  const target = findTarget(entry, index, rows, mc);
  if (target === undefined || target === null) return { action: "create" };
  const earlier = mc.taken.get(target.row.id);
  if (earlier !== undefined && !target.linked) {
    mc.problems.add([mc.section, index], `matches the same template as ${mc.section}.${earlier}`);
  }
  mc.taken.set(target.row.id, index);
  if (target.linked) return { action: "linked", id: target.row.id };
  if (mc.section !== "activityTemplates") {
    const clash = rows.find(
      (r) => r.id !== target.row.id && r.organizationId === mc.organizationId && lower(r.name) === lower(entry.name),
    );
    if (clash) mc.problems.add([mc.section, index, "name"], "another template of this kind here already has this name");
  }
  return { action: same(target.row as R) ? "unchanged" : "update", id: target.row.id };
}

/** True when a group or campaign row already has the entry's name, description and members. */
export function sameList(
  name: string,
  description: string,
  current: string[],
  entry: { name: string; description: string },
  wanted: (string | null)[],
): boolean {
  return (
    name === entry.name &&
    description === entry.description &&
    current.length === wanted.length &&
    current.every((id, i) => id === wanted[i])
  );
}
