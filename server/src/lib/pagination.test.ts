import { describe, expect, it } from "vitest";
import { z } from "zod";
import { likeLiteral, pageInput, pageOf, pageWindow, queryBoolean, toPage } from "./pagination.js";

describe("pageInput", () => {
  it("defaults to the first page of 20 and reads numbers from query strings", () => {
    expect(pageInput.parse({})).toEqual({ page: 1, pageSize: 20 });
    expect(pageInput.parse({ page: "3", pageSize: "50" })).toEqual({ page: 3, pageSize: 50 });
  });

  it("refuses pages below 1, sizes outside 1..100, fractions and non-numbers", () => {
    for (const bad of [{ page: 0 }, { page: -1 }, { pageSize: 0 }, { pageSize: 101 }, { page: 1.5 }, { page: "x" }]) {
      expect(pageInput.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
    }
  });
});

describe("queryBoolean", () => {
  it("reads booleans and their query-string spellings, and nothing else", () => {
    expect(queryBoolean.parse(true)).toBe(true);
    expect(queryBoolean.parse(false)).toBe(false);
    expect(queryBoolean.parse("true")).toBe(true);
    // The trap z.coerce.boolean() falls into: Boolean("false") is true.
    expect(queryBoolean.parse("false")).toBe(false);
    for (const bad of ["", "yes", "1", 0, null]) expect(queryBoolean.safeParse(bad).success).toBe(false);
  });
});

describe("toPage", () => {
  it("counts pages and says whether there is a next and a previous one", () => {
    expect(toPage(["a", "b"], 5, 1, 2).pagination).toEqual({
      total: 5,
      page: 1,
      pageSize: 2,
      totalPages: 3,
      hasNext: true,
      hasPrev: false,
    });
    expect(toPage(["c", "d"], 5, 2, 2).pagination).toMatchObject({ hasNext: true, hasPrev: true });
    expect(toPage(["e"], 5, 3, 2).pagination).toMatchObject({ totalPages: 3, hasNext: false, hasPrev: true });
    expect(toPage(["x"], 4, 2, 2).pagination).toMatchObject({ totalPages: 2, hasNext: false });
  });

  it("describes an empty result as zero pages", () => {
    expect(toPage([], 0, 1, 20)).toEqual({
      data: [],
      pagination: { total: 0, page: 1, pageSize: 20, totalPages: 0, hasNext: false, hasPrev: false },
    });
  });

  it("keeps its output valid for pageOf", () => {
    const schema = pageOf(z.object({ n: z.number() }), "NumberPage");
    expect(schema.parse(toPage([{ n: 1 }], 1, 1, 20)).data).toEqual([{ n: 1 }]);
    expect(z.globalRegistry.get(schema)?.id).toBe("NumberPage");
  });
});

describe("pageWindow", () => {
  it("skips the earlier pages", () => {
    expect(pageWindow({ page: 1, pageSize: 20 })).toEqual({ skip: 0, take: 20 });
    expect(pageWindow({ page: 3, pageSize: 10 })).toEqual({ skip: 20, take: 10 });
  });
});

describe("likeLiteral", () => {
  it("escapes LIKE wildcards and the escape character", () => {
    expect(likeLiteral("50%_off\\")).toBe("50\\%\\_off\\\\");
    expect(likeLiteral("plain")).toBe("plain");
  });
});
