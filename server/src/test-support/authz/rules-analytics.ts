/** Matrix rules for statistics, exports, imports and reports. */
import { DOCUMENT_FORMAT, DOCUMENT_VERSION } from "../../modules/exports/assessment-document.js";
import { assessmentRole, orgRole, type Rule } from "./ladders.js";
import { matrixReport } from "./report-fixture.js";
import type { World } from "./world.js";

/** Every ACL role reads and exports; members without an ACL entry and outsiders get 404. */
const anyAclRole = assessmentRole("spectator", "blue", "red", "lead");
const onShared = (w: World) => ({ input: { assessmentId: w.assessmentId } });

export const analyticsRules: Record<string, Rule> = {
  "statistics.assessment": { expect: anyAclRole, call: onShared },
  // Over the assessments the caller may read: a member without any ACL entry gets empty figures.
  "statistics.organization": { expect: { ...orgRole("member"), spectator: "ok" }, call: () => ({ input: {} }) },
  "exports.assessmentJson": { expect: anyAclRole, call: onShared },
  "exports.activitiesCsv": { expect: anyAclRole, call: onShared },
  "exports.navigatorLayer": { expect: anyAclRole, call: onShared },
  // Anyone who reads the assessment may generate and read reports; deleting is the requester's or the lead's.
  "reports.generate": {
    expect: anyAclRole,
    call: (w) => ({ input: { assessmentId: w.assessmentId, format: "html" } }),
  },
  "reports.list": { expect: anyAclRole, call: onShared },
  "reports.get": { expect: anyAclRole, call: async (w) => ({ input: { id: await matrixReport(w) } }) },
  "reports.delete": { expect: assessmentRole("lead"), call: async (w) => ({ input: { id: await matrixReport(w) } }) },
  // create:assessment: every org role; the importer leads the new assessment.
  "imports.assessmentJson": {
    expect: orgRole("member"),
    call: () => ({
      input: {
        document: {
          format: DOCUMENT_FORMAT,
          version: DOCUMENT_VERSION,
          assessment: { name: "Matrix import" },
          activities: [{ ref: "a1", title: "Imported activity" }],
        },
      },
    }),
  },
};
