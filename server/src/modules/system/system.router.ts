import { z } from "zod";
import { router } from "../../trpc/init.js";
import { publicProcedure } from "../../trpc/procedures.js";
import { systemInfoSchema } from "./system.schemas.js";
import { systemInfo } from "./system.service.js";

export const systemRouter = router({
  info: publicProcedure
    .meta({
      openapi: {
        method: "GET",
        path: "/system/info",
        tags: ["system"],
        summary: "Name, version, uptime and database kind",
        protect: false,
      },
      description: "Name, version, uptime and database kind of this instance.",
    })
    .input(z.void())
    .output(systemInfoSchema)
    .query(({ ctx }) => systemInfo(ctx)),
});
