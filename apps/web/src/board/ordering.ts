/**
 * Where a moved activity goes, as activities.move takes it. Positions are one order across the
 * whole assessment (server/src/modules/assessments/ordering.ts); a phase shows its activities in
 * that order, so a place in a phase is "just before" or "just after" one of its activities, or,
 * in an empty phase, the end of the assessment.
 */
import type { RouterInputs, RouterOutputs } from "@assay/client";

export type Activity = RouterOutputs["activities"]["list"]["data"][number];
export type Move = RouterInputs["activities"]["move"];

/** The page of activities the board shows (pages/board.tsx), the cache entry a move updates at once. */
export const BOARD_PAGE_SIZE = 100;

/**
 * The move that puts `activity` at `index` among the other activities of `section` (a phase's
 * id, or null for the activities without one); `siblings` are the section's activities in
 * order. Null when nothing would change.
 */
export function placement(
  activity: Activity,
  from: string | null,
  section: string | null,
  siblings: Activity[],
  index: number,
): Move | null {
  const others = siblings.filter((a) => a.id !== activity.id);
  const at = Math.max(0, Math.min(index, others.length));
  if (from === section && siblings.findIndex((a) => a.id === activity.id) === at) return null;
  const next = others[at];
  const previous = others[at - 1];
  const anchor = next ? { beforeId: next.id } : previous ? { afterId: previous.id } : {};
  return { id: activity.id, ...anchor, ...(from === section ? {} : { groupId: section }) };
}

/** `list` (the assessment's order) with `move` applied, as the server will store it. */
export function applyMove(list: Activity[], move: Move): Activity[] {
  const moving = list.find((a) => a.id === move.id);
  if (!moving) return list;
  const rest = list.filter((a) => a.id !== move.id);
  const anchor = move.beforeId ?? move.afterId;
  let index = rest.length;
  if (anchor) {
    const found = rest.findIndex((a) => a.id === anchor);
    if (found >= 0) index = move.beforeId ? found : found + 1;
  }
  const moved = move.groupId === undefined ? moving : { ...moving, groupId: move.groupId };
  return [...rest.slice(0, index), moved, ...rest.slice(index)];
}
