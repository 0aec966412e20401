import { router } from "../../trpc/init.js";

export const usersRouter = router({});
