/** ATT&CK reference data for every signed-in user: tactics, techniques, technique detail, search. */
import { costlyRead } from "../../trpc/costly-reads.js";
import { router } from "../../trpc/init.js";
import { authedProcedure } from "../../trpc/procedures.js";
import {
  searchInput,
  searchResultListSchema,
  tacticListSchema,
  tacticsInput,
  techniqueDetailSchema,
  techniqueIdInput,
  techniqueListInput,
  techniquePageSchema,
} from "./mitre.schemas.js";
import { getTechnique, listTactics, listTechniques, searchTechniques } from "./mitre.service.js";

const tags = ["mitre"];

export const mitreRouter = router({
  tactics: authedProcedure
    .meta({ scope: "attack:read" })
    .meta({ openapi: { method: "GET", path: "/mitre/tactics", tags, summary: "ATT&CK tactics in matrix order" } })
    .input(tacticsInput)
    .output(tacticListSchema)
    .query(({ ctx, input }) => listTactics(ctx, input)),
  techniques: authedProcedure
    .meta({ scope: "attack:read" })
    .meta({
      openapi: { method: "GET", path: "/mitre/techniques", tags, summary: "ATT&CK techniques, filtered and paged" },
      description: "Top-level techniques by default; includeSubtechniques adds T1003.001 and the like.",
    })
    .input(techniqueListInput)
    .output(techniquePageSchema)
    .query(({ ctx, input }) => listTechniques(ctx, input)),
  technique: authedProcedure
    .meta({ scope: "attack:read" })
    .meta({
      openapi: {
        method: "GET",
        path: "/mitre/techniques/{id}",
        tags,
        summary: "One technique with its sub-techniques, mitigations and activity templates",
      },
    })
    .input(techniqueIdInput)
    .output(techniqueDetailSchema)
    .query(({ ctx, input }) => getTechnique(ctx, input.id)),
  search: authedProcedure
    .meta({ scope: "attack:read" })
    .use(costlyRead)
    .meta({
      openapi: { method: "GET", path: "/mitre/search", tags, summary: "Search techniques by id, name and description" },
      description: "An exact ATT&CK id ranks first; then full-text relevance, name matches boosted. At most 25.",
    })
    .input(searchInput)
    .output(searchResultListSchema)
    .query(({ ctx, input }) => searchTechniques(ctx, input.q)),
});
