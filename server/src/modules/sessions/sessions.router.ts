import { router } from "../../trpc/init.js";

export const sessionsRouter = router({});
