/** The row lock that orders every write computing positions inside one assessment. */
import type { Tx } from "../../db/database.js";
import { notFound } from "../../lib/app-error.js";

/**
 * Locks the assessment row for the rest of the transaction (SELECT ... FOR UPDATE). Every
 * write that computes positions (create, move) among an assessment's groups or activities
 * takes it first, so those writers run one after the other and always read the order the
 * previous one left. We chose the lock over fractional keys with a unique index and retry:
 * moves are rare and short, the lock needs no retry loop, and integer positions stay small.
 * activities.create takes the same lock inside the create_activity SQL function (one round
 * trip; see activities/activity-insert.ts).
 */
export async function lockAssessment(tx: Tx, organizationId: string, assessmentId: string): Promise<void> {
  const rows = await tx.$queryRaw<{ id: string }[]>`
    SELECT id FROM assessments
    WHERE id = ${assessmentId}::uuid AND "organizationId" = ${organizationId}::uuid AND "deletedAt" IS NULL
    FOR UPDATE`;
  if (rows.length === 0) throw notFound("Assessment", "assessmentId");
}
