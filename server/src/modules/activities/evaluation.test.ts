/** The scoring rules of evaluation.ts, one expectation/outcome combination at a time. */
import { describe, expect, it } from "vitest";
import { computeEvaluation, type EvaluationFacts } from "./evaluation.js";

const none: EvaluationFacts = {
  expectPrevented: false,
  expectAlerted: false,
  expectLogged: false,
  expectNotified: false,
  expectedSeverity: null,
  outcome: "not_detected",
  alertSeverity: null,
  notifiedAt: null,
};

describe("computeEvaluation", () => {
  it("marks categories red did not expect as na", () => {
    expect(computeEvaluation({ ...none, outcome: "prevented" })).toEqual({
      prevention: "na",
      detection: "na",
      logging: "na",
      notification: "na",
      severity: "na",
    });
  });

  it("passes prevention on prevented or blocked only", () => {
    const expect_ = { ...none, expectPrevented: true };
    expect(computeEvaluation({ ...expect_, outcome: "prevented" }).prevention).toBe("pass");
    expect(computeEvaluation({ ...expect_, outcome: "blocked" }).prevention).toBe("pass");
    expect(computeEvaluation({ ...expect_, outcome: "alerted" }).prevention).toBe("fail");
    expect(computeEvaluation({ ...expect_, outcome: "not_detected" }).prevention).toBe("fail");
  });

  it("passes detection on an alert, or on a block that raised a recorded alert", () => {
    const expect_ = { ...none, expectAlerted: true };
    expect(computeEvaluation({ ...expect_, outcome: "alerted" }).detection).toBe("pass");
    expect(computeEvaluation({ ...expect_, outcome: "blocked", alertSeverity: "medium" }).detection).toBe("pass");
    expect(computeEvaluation({ ...expect_, outcome: "prevented" }).detection).toBe("fail");
    expect(computeEvaluation({ ...expect_, outcome: "logged" }).detection).toBe("fail");
  });

  it("passes logging on anything but not_detected", () => {
    const expect_ = { ...none, expectLogged: true };
    for (const outcome of ["prevented", "blocked", "alerted", "logged"] as const) {
      expect(computeEvaluation({ ...expect_, outcome }).logging).toBe("pass");
    }
    expect(computeEvaluation({ ...expect_, outcome: "not_detected" }).logging).toBe("fail");
  });

  it("passes notification when a notification time was recorded", () => {
    const expect_ = { ...none, expectNotified: true, outcome: "alerted" as const };
    expect(computeEvaluation(expect_).notification).toBe("fail");
    expect(computeEvaluation({ ...expect_, notifiedAt: new Date() }).notification).toBe("pass");
  });

  it("passes severity when the alert is at least as severe as expected", () => {
    const expect_ = { ...none, expectedSeverity: "high" as const, outcome: "alerted" as const };
    expect(computeEvaluation({ ...expect_, alertSeverity: "critical" }).severity).toBe("pass");
    expect(computeEvaluation({ ...expect_, alertSeverity: "high" }).severity).toBe("pass");
    expect(computeEvaluation({ ...expect_, alertSeverity: "medium" }).severity).toBe("fail");
    expect(computeEvaluation({ ...expect_, alertSeverity: null }).severity).toBe("fail");
    expect(computeEvaluation({ ...expect_, outcome: "logged", alertSeverity: "high" }).severity).toBe("fail");
  });
});
