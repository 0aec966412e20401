/**
 * An assessment as an ATT&CK Navigator layer (layer format 4.5): one technique entry per
 * (tactic, technique) the activities name, scored and coloured by blue's outcomes on the
 * scale the statistics use (outcome-scale.ts), with the counts in the comment and metadata.
 * Activities without a tactic annotate the technique under every tactic (no `tactic` field).
 */
import { z } from "zod";
import type { OrgCtx } from "../../identity/contexts.js";
import { viaDriver } from "../activities/activity-rows.js";
import { requireAssessment } from "../assessments/assessments.service.js";
import { controlOfOrg } from "../controls/controls.service.js";
import { COLORS, colorOfScore, OUTCOME_LABELS, OUTCOME_SCORE } from "../statistics/outcome-scale.js";
import { type CellRow, fetchTechniqueCells } from "../statistics/statistics-queries.js";

export const NAVIGATOR_VERSIONS = { attack: "18", navigator: "5.1.0", layer: "4.5" } as const;

const metadataSchema = z.object({ name: z.string(), value: z.string() });

export const navigatorLayerSchema = z
  .object({
    name: z.string(),
    versions: z.object({ attack: z.string(), navigator: z.string(), layer: z.string() }),
    domain: z.literal("enterprise-attack"),
    description: z.string(),
    sorting: z.number().int(),
    layout: z.object({
      layout: z.enum(["side", "flat", "mini"]),
      aggregateFunction: z.enum(["average", "min", "max", "sum"]),
      showID: z.boolean(),
      showName: z.boolean(),
      showAggregateScores: z.boolean(),
      countUnscored: z.boolean(),
      expandedSubtechniques: z.enum(["none", "annotated", "all"]),
    }),
    hideDisabled: z.boolean(),
    techniques: z.array(
      z.object({
        techniqueID: z.string(),
        tactic: z.string().optional().describe("Absent: the annotation applies under every tactic"),
        score: z.number().optional().describe("Absent while no activity of the cell has an outcome"),
        color: z.string(),
        comment: z.string(),
        enabled: z.boolean(),
        metadata: z.array(metadataSchema),
        showSubtechniques: z.boolean(),
      }),
    ),
    gradient: z.object({ colors: z.array(z.string()), minValue: z.number(), maxValue: z.number() }),
    legendItems: z.array(z.object({ label: z.string(), color: z.string() })),
    showTacticRowBackground: z.boolean(),
    tacticRowBackground: z.string(),
    selectTechniquesAcrossTactics: z.boolean(),
    selectSubtechniquesWithParent: z.boolean(),
    selectVisibleTechniques: z.boolean(),
    metadata: z.array(metadataSchema),
  })
  .meta({ id: "NavigatorLayer", description: "ATT&CK Navigator layer, format 4.5" });

export type NavigatorLayer = z.infer<typeof navigatorLayerSchema>;

const OUTCOMES = Object.keys(OUTCOME_SCORE) as (keyof typeof OUTCOME_SCORE)[];
const percent = (part: number, whole: number) => `${Math.round((100 * part) / whole)}%`;

function commentOf(cell: CellRow): string {
  const seen = OUTCOMES.filter((o) => cell[o] > 0).map((o) => `${cell[o]} ${OUTCOME_LABELS[o]}`);
  const waiting = cell.activities - cell.observed;
  const parts = [...seen, ...(waiting > 0 ? [`${waiting} without a result yet`] : [])];
  const noun = cell.activities === 1 ? "activity" : "activities";
  return `${cell.activities} ${noun}: ${parts.join(", ")}`;
}

function metadataOf(cell: CellRow): { name: string; value: string }[] {
  const rows = [
    { name: "Activities", value: String(cell.activities) },
    ...OUTCOMES.map((o) => ({ name: OUTCOME_LABELS[o], value: String(cell[o]) })),
  ];
  if (cell.observed > 0) {
    rows.push(
      { name: "Prevention rate", value: percent(cell.prevented + cell.blocked, cell.observed) },
      { name: "Detection rate", value: percent(cell.detected, cell.observed) },
    );
  }
  return rows;
}

/** The layer of the assessment named `name`, from its (tactic, technique) cells. */
export function layerOf(name: string, cells: CellRow[], exportedAt: Date): NavigatorLayer {
  const grid = cells.filter((c) => c.grouping === 0);
  // A parent whose sub-techniques are annotated shows them expanded.
  const annotatedParents = new Set(grid.filter((c) => c.technique.includes(".")).map((c) => c.technique.split(".")[0]));
  const techniqueCount = cells.filter((c) => c.grouping === 1).length;
  return {
    name,
    versions: { ...NAVIGATOR_VERSIONS },
    domain: "enterprise-attack",
    description: `Assay assessment "${name}": techniques scored by blue's outcomes (prevented/blocked 100, alerted 60, logged 40, not detected 0; the mean of the activities).`,
    sorting: 3,
    layout: {
      layout: "side",
      aggregateFunction: "average",
      showID: true,
      showName: true,
      showAggregateScores: false,
      countUnscored: false,
      expandedSubtechniques: "annotated",
    },
    hideDisabled: false,
    techniques: grid.map((cell) => {
      const score = cell.score === null ? undefined : Math.round(cell.score);
      return {
        techniqueID: cell.technique,
        ...(cell.tactic ? { tactic: cell.tactic } : {}),
        ...(score === undefined ? {} : { score }),
        color: colorOfScore(score ?? null),
        comment: commentOf(cell),
        enabled: true,
        metadata: metadataOf(cell),
        showSubtechniques: annotatedParents.has(cell.technique),
      };
    }),
    gradient: { colors: [COLORS.red, COLORS.amber, COLORS.green], minValue: 0, maxValue: 100 },
    legendItems: [
      { label: "Prevented or blocked", color: COLORS.green },
      { label: "Alerted or logged", color: COLORS.amber },
      { label: "Not detected", color: COLORS.red },
      { label: "No result yet", color: COLORS.grey },
    ],
    showTacticRowBackground: false,
    tacticRowBackground: "#dddddd",
    selectTechniquesAcrossTactics: true,
    selectSubtechniquesWithParent: false,
    selectVisibleTechniques: false,
    metadata: [
      { name: "Assessment", value: name },
      { name: "Techniques", value: String(techniqueCount) },
      { name: "Exported", value: exportedAt.toISOString() },
      { name: "Generated by", value: "Assay" },
    ],
  };
}

/** The assessment as an ATT&CK Navigator layer (anyone on the assessment). */
export async function exportNavigatorLayer(
  ctx: OrgCtx,
  input: { assessmentId: string; controlId?: string | undefined },
): Promise<NavigatorLayer> {
  await requireAssessment(ctx, input.assessmentId, "export:assessment", "assessmentId");
  const control = input.controlId
    ? await controlOfOrg(ctx.db.prisma, ctx.org.id, input.controlId, "controlId")
    : undefined;
  const [assessment, cells] = await Promise.all([
    ctx.db.prisma.assessment.findFirstOrThrow({
      where: { id: input.assessmentId, organizationId: ctx.org.id },
      select: { name: true },
    }),
    fetchTechniqueCells(viaDriver(ctx.db), {
      kind: "assessment",
      organizationId: ctx.org.id,
      assessmentId: input.assessmentId,
      controlId: control?.id,
    }),
  ]);
  return layerOf(control ? `${assessment.name} — ${control.name}` : assessment.name, cells, ctx.clock.now());
}
