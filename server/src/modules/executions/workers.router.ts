/** The runners executions go to (workers.list): admins see each with its labels and last heartbeat. */
import { z } from "zod";
import { router } from "../../trpc/init.js";
import { roleProcedure } from "../../trpc/procedures.js";
import { workerListSchema } from "./executions.schemas.js";
import { listWorkers } from "./executions.service.js";

export const workersRouter = router({
  list: roleProcedure("admin")
    .meta({ scope: "admin" })
    .meta({
      openapi: {
        method: "GET",
        path: "/workers",
        tags: ["executions"],
        summary: "Runners of executions (workers, or this server without Redis), with labels and last heartbeat",
      },
    })
    .input(z.void())
    .output(workerListSchema)
    .query(({ ctx }) => listWorkers(ctx)),
});
