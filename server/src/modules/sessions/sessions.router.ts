import { z } from "zod";
import { router } from "../../trpc/init.js";
import { authedProcedure } from "../../trpc/procedures.js";
import { okSchema } from "../auth/auth.schemas.js";
import { mySessionsInput, revokedCountSchema, sessionIdInput, sessionPageSchema } from "./sessions.schemas.js";
import { listMySessions, revokeMyOtherSessions, revokeMySession } from "./sessions.service.js";

const tags = ["sessions"];

export const sessionsRouter = router({
  list: authedProcedure
    .meta({ scope: "interactive" })
    .meta({
      openapi: { method: "GET", path: "/sessions", tags, summary: "My signed-in devices, newest first" },
      description: "Only usable sessions unless includeInactive; `current` marks the one making the request.",
    })
    .input(mySessionsInput)
    .output(sessionPageSchema)
    .query(({ ctx, input }) => listMySessions(ctx, input)),
  revoke: authedProcedure
    .meta({ scope: "interactive" })
    .meta({
      openapi: { method: "DELETE", path: "/sessions/{id}", tags, summary: "Sign out one of my devices" },
      description: "Revoking the current session signs this client out too.",
    })
    .input(sessionIdInput)
    .output(okSchema)
    .mutation(async ({ ctx, input }) => {
      await revokeMySession(ctx, input.id);
      return { ok: true as const };
    }),
  revokeOthers: authedProcedure
    .meta({ scope: "interactive" })
    .meta({
      openapi: { method: "POST", path: "/sessions/revoke-others", tags, summary: "Sign out all my other devices" },
    })
    .input(z.void())
    .output(revokedCountSchema)
    .mutation(async ({ ctx }) => ({ revokedSessions: await revokeMyOtherSessions(ctx) })),
});
