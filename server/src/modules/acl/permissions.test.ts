import { describe, expect, it } from "vitest";
import { assessmentCan, canManageMember, canWriteFields, effectiveAssessmentRole, orgCan } from "./permissions.js";

describe("permissions", () => {
  it("org owners and admins lead every assessment; members only what the ACL grants", () => {
    expect(effectiveAssessmentRole("owner", null)).toBe("lead");
    expect(effectiveAssessmentRole("admin", "spectator")).toBe("lead");
    expect(effectiveAssessmentRole("member", "blue")).toBe("blue");
    expect(effectiveAssessmentRole("member", null)).toBeNull();
  });

  it("only owners manage owners; admins manage members and admins", () => {
    expect(canManageMember("admin", "owner")).toBe(false);
    expect(canManageMember("admin", "member")).toBe(true);
    expect(canManageMember("owner", "owner")).toBe(true);
    expect(canManageMember("member", "member")).toBe(false);
    expect(orgCan("member", "delete:organization")).toBe(false);
    expect(orgCan("owner", "delete:organization")).toBe(true);
  });

  it("red writes red fields while waiting for red, blue writes blue fields while waiting for blue", () => {
    expect(canWriteFields("red", "red", "waiting_red")).toBe(true);
    expect(canWriteFields("red", "red", "waiting_blue")).toBe(false);
    expect(canWriteFields("red", "blue", "waiting_blue")).toBe(false);
    expect(canWriteFields("blue", "blue", "waiting_blue")).toBe(true);
    expect(canWriteFields("blue", "blue", "waiting_red")).toBe(false);
    expect(canWriteFields("blue", "red", "waiting_red")).toBe(false);
    expect(canWriteFields("lead", "blue", "evaluated")).toBe(true);
    expect(canWriteFields("spectator", "red", "waiting_red")).toBe(false);
  });

  it("spectators only read", () => {
    expect(assessmentCan("spectator", "read:assessment")).toBe(true);
    expect(assessmentCan("spectator", "manage:activities")).toBe(false);
    expect(assessmentCan("red", "manage:acl")).toBe(false);
    expect(assessmentCan("lead", "manage:acl")).toBe(true);
  });
});
