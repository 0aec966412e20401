import { router } from "../../trpc/init.js";
import { roleProcedure } from "../../trpc/procedures.js";
import { auditEventPageSchema, auditListInput } from "./audit.schemas.js";
import { listAuditEvents } from "./audit.service.js";

export const auditRouter = router({
  list: roleProcedure("admin")
    .meta({ scope: "admin" })
    .meta({
      openapi: { method: "GET", path: "/audit", tags: ["audit"], summary: "The security audit trail, newest first" },
      description: "Filter by actor, target, time range, and type (exact, or a prefix ending in *).",
    })
    .input(auditListInput)
    .output(auditEventPageSchema)
    .query(({ ctx, input }) => listAuditEvents(ctx, input)),
});
