/** The root router: one sub-router per capability. Its type is the contract @assay/client imports. */
import { systemRouter } from "../modules/system/system.router.js";
import { router } from "./init.js";

export const appRouter = router({
  system: systemRouter,
});

export type AppRouter = typeof appRouter;
