/** Inputs and outputs of exports. */
import { z } from "zod";

export const exportInput = z.object({ assessmentId: z.uuid() });

export const navigatorLayerInput = exportInput.extend({
  controlId: z
    .uuid()
    .optional()
    .describe("Score by this defensive control's outcomes instead of the activities' overall outcomes"),
});

export const csvFileSchema = z
  .object({
    filename: z.string().describe("Suggested file name, e.g. q3-purple-team-activities.csv"),
    contentType: z.literal("text/csv"),
    content: z.string().describe("RFC 4180 CSV: header row, CRLF line ends, UTF-8"),
  })
  .meta({ id: "CsvFile" });

export type CsvFile = z.infer<typeof csvFileSchema>;
