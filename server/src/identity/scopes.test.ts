/** Scopes: a person's session holds every scope, a machine credential what it was granted. */
import { describe, expect, it } from "vitest";
import { assertScope, SCOPES } from "./scopes.js";

describe("scopes", () => {
  const user = {
    id: "u",
    email: "u@example.com",
    name: "U",
    role: "analyst" as const,
    isSuperuser: false,
    sessionId: "s",
  };
  const key = {
    user,
    credential: "api-key" as const,
    scopes: new Set(["activities:read" as const]),
    organizationId: null,
  };
  const session = { user, credential: "session" as const, scopes: "all" as const, organizationId: null };

  it("lets a person's session do everything its account may, and a key only what it was granted", () => {
    for (const scope of SCOPES) expect(() => assertScope(session, scope)).not.toThrow();
    expect(() => assertScope(key, "activities:read")).not.toThrow();
    expect(() => assertScope(key, "activities:write")).toThrow(/lacks the scope activities:write/);
    expect(() => assertScope(key, "admin")).toThrow(/lacks the scope admin/);
  });

  it("keeps interactive doors for a person's own session", () => {
    expect(() => assertScope(session, "interactive")).not.toThrow();
    expect(() => assertScope(key, "interactive")).toThrow(/person's own signed-in session/);
    expect(() => assertScope(key, "signed-in")).not.toThrow();
  });
});
