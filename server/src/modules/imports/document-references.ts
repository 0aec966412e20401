/**
 * What an "assay.assessment" document names outside itself, checked against the database
 * before anything is written, every problem named by its path inside the document:
 * - knowledge-base article ids must be articles of the importing organization (NOT_FOUND
 *   otherwise, as on activities.create: a document from another organization carries its ids);
 * - technique ids and tactics follow the rules of activities (mitre/technique-mapping.ts):
 *   unknown ids and tactics that fit none of the techniques are VALIDATION problems, a missing
 *   tactic is derived, and revoked or deprecated techniques import with a warning.
 */

import type { Tx } from "../../db/database.js";
import type { OrgCtx } from "../../identity/contexts.js";
import { AppError, type ErrorItem } from "../../lib/app-error.js";
import type { AssessmentDocument } from "../exports/assessment-document.js";
import { unknownArticleIds } from "../knowledge-base/knowledge-base.service.js";
import { checkMapping, loadAttackFacts } from "../mitre/technique-mapping.js";
import type { ImportResult } from "./imports.schemas.js";

type Warning = ImportResult["warnings"][number];

const refused = (code: "NOT_FOUND" | "VALIDATION", problems: ErrorItem[]) => {
  const n = problems.length;
  return new AppError(
    code,
    `The document has ${n} problem${n === 1 ? "" : "s"}; nothing was imported`,
    problems[0]?.field ?? "document",
    problems,
  );
};

/** NOT_FOUND listing each article id of the document that is not an article of the organization. */
async function assertArticles(tx: Tx, ctx: OrgCtx, document: AssessmentDocument): Promise<void> {
  const ids = document.activities.flatMap((a) => a.knowledgeBaseArticleIds);
  const unknown = new Set(await unknownArticleIds(tx, ctx.org.id, ids));
  if (unknown.size === 0) return;
  const problems = document.activities.flatMap((a, i) =>
    a.knowledgeBaseArticleIds.flatMap((id, j): ErrorItem[] =>
      unknown.has(id)
        ? [
            {
              code: "NOT_FOUND",
              message: `knowledge-base article ${id} is not an article of this organization`,
              field: `activities[${i}].knowledgeBaseArticleIds[${j}]`,
            },
          ]
        : [],
    ),
  );
  throw refused("NOT_FOUND", problems);
}

/**
 * Checks the document's references; returns the tactic each activity gets (the document's, or
 * the derived one) and the warnings for revoked and deprecated techniques.
 */
export async function checkDocumentReferences(
  tx: Tx,
  ctx: OrgCtx,
  document: AssessmentDocument,
): Promise<{ tactics: (string | null)[]; warnings: Warning[] }> {
  await assertArticles(tx, ctx, document);
  const facts = await loadAttackFacts(
    tx,
    document.activities.flatMap((a) => a.techniques),
    document.activities.flatMap((a) => (a.tactic ? [a.tactic] : [])),
  );
  const problems: ErrorItem[] = [];
  const warnings: Warning[] = [];
  const tactics = document.activities.map((a, i) => {
    const fields = {
      tactic: `activities[${i}].tactic`,
      technique: (j: number) => `activities[${i}].techniques[${j}]`,
    };
    const checked = checkMapping(facts, { techniques: a.techniques, tactic: a.tactic }, fields);
    problems.push(...checked.problems);
    for (const w of checked.warnings) {
      warnings.push({
        field: fields.technique(a.techniques.indexOf(w.id)),
        message: `${w.id} is ${w.reason} in the loaded ATT&CK data; imported as it is`,
      });
    }
    return checked.tactic;
  });
  if (problems.length > 0) throw refused("VALIDATION", problems);
  return { tactics, warnings };
}
