/**
 * The board's phases with their activities. The lead reorders activities and moves them between
 * phases by dragging (HTML5 drag and drop: onto an activity puts it before or after it, by the
 * half it is dropped on; onto a phase, at the phase's end) or from the keyboard (Move up, Move
 * down, Move to phase on each activity). A move shows at once, is undone if the server refuses
 * it (the reason shown above the phases), and is announced to screen readers.
 */
import type { RouterOutputs } from "@assay/client";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { type DragEvent, useState } from "react";
import { Link } from "react-router";
import { problemsOf, useTRPC } from "../api";
import { Empty, ErrorMessage, StatusBadge } from "../components/ui";
import { type Activity, applyMove, BOARD_PAGE_SIZE, placement } from "./ordering";

type Group = RouterOutputs["activityGroups"]["list"]["data"][number];

interface Section {
  /** The phase's id; null for the activities without one. */
  id: string | null;
  name: string;
  activities: Activity[];
}

/** Where a dragged activity would land: next to an activity, or at the end of a section. */
type DropTarget = { id: string; after: boolean } | { section: string | null } | null;

const NO_PHASE = "none";

function sameTarget(a: DropTarget, b: DropTarget): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

interface Props {
  assessmentId: string;
  orgId: string;
  groups: Group[];
  activities: Activity[];
  canMove: boolean;
}

export function BoardSections({ assessmentId, orgId, groups, activities, canMove }: Props) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [dragging, setDragging] = useState<string | null>(null);
  const [drop, setDrop] = useState<DropTarget>(null);
  const [announcement, setAnnouncement] = useState("");
  const listKey = trpc.activities.list.queryKey({ assessmentId, pageSize: BOARD_PAGE_SIZE });
  const move = useMutation(
    trpc.activities.move.mutationOptions({
      // One move at a time reaches the server, in the order they were made.
      scope: { id: `board-move-${assessmentId}` },
      onMutate: async (input) => {
        await queryClient.cancelQueries({ queryKey: listKey });
        const previous = queryClient.getQueryData(listKey);
        queryClient.setQueryData(listKey, (old) => (old ? { ...old, data: applyMove(old.data, input) } : old));
        return { previous };
      },
      onError: (_error, _input, context) => {
        if (context?.previous) queryClient.setQueryData(listKey, context.previous);
        setAnnouncement("");
      },
      onSettled: () => {
        // The last move to finish fetches the order the server kept.
        if (queryClient.isMutating({ mutationKey: trpc.activities.move.mutationKey() }) === 1) {
          return queryClient.invalidateQueries({ queryKey: trpc.activities.list.queryKey() });
        }
      },
    }),
  );

  const known = new Set(groups.map((g) => g.id));
  const sectionOf = (a: Activity) => (a.groupId !== null && known.has(a.groupId) ? a.groupId : null);
  const ungrouped = activities.filter((a) => sectionOf(a) === null);
  const noPhaseName = groups.length > 0 ? "Without a phase" : "Activities";
  const sections: Section[] = groups.map((g) => ({
    id: g.id,
    name: g.name,
    activities: activities.filter((a) => a.groupId === g.id),
  }));
  if (ungrouped.length > 0 || groups.length === 0)
    sections.push({ id: null, name: noPhaseName, activities: ungrouped });
  const targets = [
    ...groups.map((g) => ({ id: g.id as string | null, name: g.name })),
    ...(groups.length > 0 ? [{ id: null, name: noPhaseName }] : []),
  ];

  /** Moves `activity` to `index` among the other activities of `section` (Infinity: its end). */
  const moveTo = (activity: Activity, section: string | null, index: number) => {
    const siblings = activities.filter((a) => sectionOf(a) === section);
    const change = placement(activity, sectionOf(activity), section, siblings, index);
    if (!change) return;
    const others = siblings.length - (sectionOf(activity) === section ? 1 : 0);
    const position = Math.min(index, others) + 1;
    const name = targets.find((t) => t.id === section)?.name ?? noPhaseName;
    setAnnouncement(`Moved “${activity.title}” to position ${position} of ${others + 1} in ${name}.`);
    move.mutate(change);
  };

  const draggedActivity = () => activities.find((a) => a.id === dragging);
  const endDrag = () => {
    setDragging(null);
    setDrop(null);
  };
  const over = (event: DragEvent, target: DropTarget) => {
    if (!dragging) return;
    event.preventDefault();
    event.stopPropagation();
    event.dataTransfer.dropEffect = "move";
    if (!sameTarget(drop, target)) setDrop(target);
  };
  const dropOnActivity = (event: DragEvent, target: Activity, after: boolean) => {
    event.preventDefault();
    event.stopPropagation();
    const moving = draggedActivity();
    endDrag();
    if (!moving || moving.id === target.id) return;
    const section = sectionOf(target);
    const others = activities.filter((a) => sectionOf(a) === section && a.id !== moving.id);
    const index = others.findIndex((a) => a.id === target.id);
    moveTo(moving, section, after ? index + 1 : index);
  };
  const dropOnSection = (event: DragEvent, section: string | null) => {
    event.preventDefault();
    const moving = draggedActivity();
    endDrag();
    if (moving) moveTo(moving, section, Number.POSITIVE_INFINITY);
  };
  const lowerHalf = (event: DragEvent<HTMLElement>) => {
    const box = event.currentTarget.getBoundingClientRect();
    return event.clientY > box.top + box.height / 2;
  };

  return (
    <>
      {canMove ? (
        <p className="muted">
          Drag activities to reorder them or move them to another phase, or use the Move buttons and the phase list of
          each activity.
        </p>
      ) : null}
      <p className="visually-hidden" role="status" aria-live="polite">
        {announcement}
      </p>
      {move.isError ? (
        <ErrorMessage messages={problemsOf(move.error).map((p) => `The move was undone: ${p.message}`)} />
      ) : null}
      {sections.map((section) => {
        const headingId = `group-${section.id ?? NO_PHASE}`;
        const dropEnd = drop !== null && "section" in drop && drop.section === section.id;
        return (
          <section
            key={section.id ?? NO_PHASE}
            aria-labelledby={headingId}
            className={dropEnd ? "group drop-end" : "group"}
            onDragOver={canMove ? (event) => over(event, { section: section.id }) : undefined}
            onDrop={canMove ? (event) => dropOnSection(event, section.id) : undefined}
          >
            <h2 id={headingId}>{section.name}</h2>
            {section.activities.length === 0 ? (
              <Empty>No activities in this phase.</Empty>
            ) : (
              <ul className="activity-list">
                {section.activities.map((a, i) => {
                  const classes = ["activity-item"];
                  if (dragging === a.id) classes.push("dragging");
                  if (drop !== null && "id" in drop && drop.id === a.id) {
                    classes.push(drop.after ? "drop-after" : "drop-before");
                  }
                  const first = i === 0;
                  const last = i === section.activities.length - 1;
                  return (
                    <li
                      key={a.id}
                      className={classes.join(" ")}
                      {...(canMove
                        ? {
                            draggable: true,
                            onDragStart: (event: DragEvent) => {
                              event.dataTransfer.effectAllowed = "move";
                              event.dataTransfer.setData("text/plain", a.id);
                              setDragging(a.id);
                            },
                            onDragEnd: endDrag,
                            onDragOver: (event: DragEvent<HTMLElement>) =>
                              over(event, { id: a.id, after: lowerHalf(event) }),
                            onDrop: (event: DragEvent<HTMLElement>) => dropOnActivity(event, a, lowerHalf(event)),
                          }
                        : {})}
                    >
                      {canMove ? (
                        <span className="drag-handle" aria-hidden="true">
                          ⠿
                        </span>
                      ) : null}
                      <Link to={`/orgs/${orgId}/activities/${a.id}`} draggable={false}>
                        {a.title}
                      </Link>
                      <StatusBadge status={a.status} />
                      <span className="muted">
                        {[a.tactic, ...a.techniques].filter(Boolean).join(" · ") || "No ATT&CK mapping"}
                      </span>
                      {canMove ? (
                        <span className="move-controls">
                          <button
                            type="button"
                            className="secondary small"
                            aria-label={`Move up: ${a.title}`}
                            aria-disabled={first || undefined}
                            onClick={() => (first ? undefined : moveTo(a, section.id, i - 1))}
                          >
                            Move up
                          </button>
                          <button
                            type="button"
                            className="secondary small"
                            aria-label={`Move down: ${a.title}`}
                            aria-disabled={last || undefined}
                            onClick={() => (last ? undefined : moveTo(a, section.id, i + 1))}
                          >
                            Move down
                          </button>
                          {targets.length > 1 ? (
                            <>
                              <label className="visually-hidden" htmlFor={`move-${a.id}`}>
                                Move to phase: {a.title}
                              </label>
                              <select
                                id={`move-${a.id}`}
                                className="small"
                                value=""
                                onChange={(event) => {
                                  const value = event.target.value;
                                  if (value) moveTo(a, value === NO_PHASE ? null : value, Number.POSITIVE_INFINITY);
                                }}
                              >
                                <option value="">Move to phase…</option>
                                {targets
                                  .filter((t) => t.id !== section.id)
                                  .map((t) => (
                                    <option key={t.id ?? NO_PHASE} value={t.id ?? NO_PHASE}>
                                      {t.name}
                                    </option>
                                  ))}
                              </select>
                            </>
                          ) : null}
                        </span>
                      ) : null}
                    </li>
                  );
                })}
              </ul>
            )}
          </section>
        );
      })}
    </>
  );
}
