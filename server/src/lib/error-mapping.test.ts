import { TRPCError } from "@trpc/server";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { AppError } from "./app-error.js";
import { isDatabaseUnavailable, mapError } from "./error-mapping.js";

describe("mapError", () => {
  it("keeps an AppError's code, status, message and field", () => {
    const mapped = mapError(
      new TRPCError({ code: "INTERNAL_SERVER_ERROR", cause: new AppError("NOT_FOUND", "No such assessment", "id") }),
    );
    expect(mapped).toMatchObject({ code: "NOT_FOUND", status: 404, message: "No such assessment", unexpected: false });
    expect(mapped.errors).toEqual([{ code: "NOT_FOUND", message: "No such assessment", field: "id" }]);
  });

  it("lists each invalid field of a validation error by its path", () => {
    const parsed = z.object({ name: z.string(), tags: z.array(z.string()) }).safeParse({ name: 3, tags: ["a", 4] });
    const mapped = mapError(new TRPCError({ code: "BAD_REQUEST", cause: parsed.error }));
    expect(mapped.code).toBe("VALIDATION");
    expect(mapped.status).toBe(400);
    expect(mapped.errors.map((e) => e.field)).toEqual(["name", "tags.1"]);
    expect(mapped.errors.every((e) => e.code === "VALIDATION")).toBe(true);
  });

  it("hides the message of an unexpected error outside development", () => {
    const secret = new Error("password authentication failed for user postgres at 10.0.0.5");
    const mapped = mapError(new TRPCError({ code: "INTERNAL_SERVER_ERROR", cause: secret }));
    expect(mapped).toMatchObject({ code: "INTERNAL", status: 500, message: "Internal server error", unexpected: true });
    expect(JSON.stringify(mapped)).not.toContain("10.0.0.5");
    expect(mapError(secret, true).message).toContain("password authentication failed");
  });

  it("answers 503 when the database cannot be reached", () => {
    const refused = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:1"), { code: "ECONNREFUSED" });
    const mapped = mapError(new TRPCError({ code: "INTERNAL_SERVER_ERROR", cause: refused }));
    expect(mapped).toMatchObject({ code: "SERVICE_UNAVAILABLE", status: 503 });
    expect(isDatabaseUnavailable(new Error("timeout exceeded when trying to connect"))).toBe(true);
    expect(isDatabaseUnavailable(new Error("syntax error at or near SELEC"))).toBe(false);
  });

  it("answers 503, not 500, when a transaction finds no free connection in time (a burst)", () => {
    const busy = Object.assign(new Error("Transaction API error: Unable to start a transaction in the given time."), {
      name: "PrismaClientKnownRequestError",
      code: "P2028",
    });
    const mapped = mapError(new TRPCError({ code: "INTERNAL_SERVER_ERROR", cause: busy }));
    expect(mapped).toMatchObject({ code: "SERVICE_UNAVAILABLE", status: 503 });
    expect(JSON.stringify(mapped)).not.toContain("Transaction API");
  });

  it("maps a unique-constraint violation to CONFLICT with the field", () => {
    const prismaError = Object.assign(new Error("Unique constraint failed"), {
      name: "PrismaClientKnownRequestError",
      code: "P2002",
      meta: { target: ["email"] },
    });
    expect(mapError(prismaError).errors).toEqual([{ code: "CONFLICT", message: expect.any(String), field: "email" }]);
  });

  it("maps tRPC's own routing errors to Assay codes", () => {
    expect(mapError(new TRPCError({ code: "NOT_FOUND", message: 'No procedure found on path "x"' })).code).toBe(
      "NOT_FOUND",
    );
    expect(mapError(new TRPCError({ code: "METHOD_NOT_SUPPORTED" })).status).toBe(405);
  });
});
