/**
 * Integer positions with gaps, for groups and activities. A new or moved item takes the
 * midpoint between its neighbours; when they touch, the whole list is renumbered in one
 * statement. Callers hold the assessment lock (lockAssessment), so the siblings they read
 * are the current order and no two writers interleave.
 */
import { AppError } from "../../lib/app-error.js";

export const POSITION_STEP = 1024;

export interface Positioned {
  id: string;
  position: number;
}

/** Where to put an item: before one sibling, after one, or (neither) at the end. */
export interface Placement {
  beforeId?: string | undefined;
  afterId?: string | undefined;
}

/** The moved item's position and 0-based index among the siblings; `positions` when all were renumbered. */
export interface PlacementResult {
  position: number;
  index: number;
  /** Every item's new position, the moved one included, when the gap was exhausted. */
  renumbered?: Positioned[];
}

/**
 * The position of `movingId` among `siblings` (in order, the moving item excluded) for
 * `placement`; an anchor that is not a sibling is NOT_FOUND on its field.
 */
export function place(siblings: Positioned[], movingId: string, placement: Placement): PlacementResult {
  if (placement.beforeId && placement.afterId) {
    throw new AppError("VALIDATION", "Send beforeId or afterId, not both", "beforeId");
  }
  const anchorId = placement.beforeId ?? placement.afterId;
  const field = placement.beforeId ? "beforeId" : "afterId";
  if (anchorId === movingId) throw new AppError("VALIDATION", "An item cannot move relative to itself", field);
  let index = siblings.length;
  if (anchorId) {
    const anchor = siblings.findIndex((s) => s.id === anchorId);
    if (anchor < 0) throw new AppError("NOT_FOUND", "The item to move next to was not found", field);
    index = placement.beforeId ? anchor : anchor + 1;
  }
  const prev = siblings[index - 1];
  const next = siblings[index];
  if (!next) return { index, position: prev ? prev.position + POSITION_STEP : POSITION_STEP };
  if (!prev) return { index, position: next.position - POSITION_STEP };
  if (next.position - prev.position > 1) {
    return { index, position: prev.position + Math.floor((next.position - prev.position) / 2) };
  }
  const ordered = [...siblings.slice(0, index).map((s) => s.id), movingId, ...siblings.slice(index).map((s) => s.id)];
  const renumbered = ordered.map((id, i) => ({ id, position: (i + 1) * POSITION_STEP }));
  return { index, position: (index + 1) * POSITION_STEP, renumbered };
}
