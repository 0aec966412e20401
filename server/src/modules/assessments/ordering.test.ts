/** Gap-based positions: placement before/after/at the end, and renumbering when the gap is gone. */
import { describe, expect, it } from "vitest";
import { POSITION_STEP, place } from "./ordering.js";

const list = (...positions: number[]) => positions.map((position, i) => ({ id: `s${i}`, position }));

describe("place", () => {
  it("puts an item at the end, before or after a sibling, at the midpoint", () => {
    expect(place([], "m", {})).toEqual({ index: 0, position: POSITION_STEP });
    expect(place(list(1024, 2048), "m", {})).toEqual({ index: 2, position: 3072 });
    expect(place(list(1024, 2048), "m", { beforeId: "s0" })).toEqual({ index: 0, position: 0 });
    expect(place(list(1024, 2048), "m", { afterId: "s0" })).toEqual({ index: 1, position: 1536 });
    expect(place(list(1024, 2048), "m", { beforeId: "s1" })).toEqual({ index: 1, position: 1536 });
  });

  it("renumbers everything when neighbours touch", () => {
    const result = place(list(10, 11, 12), "m", { afterId: "s0" });
    expect(result.index).toBe(1);
    expect(result.renumbered).toEqual([
      { id: "s0", position: 1024 },
      { id: "m", position: 2048 },
      { id: "s1", position: 3072 },
      { id: "s2", position: 4096 },
    ]);
    expect(result.position).toBe(2048);
  });

  it("refuses both anchors, itself as anchor, and unknown anchors", () => {
    expect(() => place(list(1, 2), "m", { beforeId: "s0", afterId: "s1" })).toThrow(/not both/);
    expect(() => place(list(1, 2), "m", { beforeId: "m" })).toThrow(/itself/);
    expect(() => place(list(1, 2), "m", { afterId: "zz" })).toThrow(
      expect.objectContaining({ code: "NOT_FOUND", field: "afterId" }),
    );
  });
});
