/** The signed-in user's own profile (users.getProfile, users.updateProfile). */
import { z } from "zod";
import { router } from "../../trpc/init.js";
import { authedProcedure } from "../../trpc/procedures.js";
import { userSchema } from "../auth/auth.schemas.js";
import { updateProfileInput } from "./users.schemas.js";
import { getProfile, updateProfile } from "./users.service.js";

const tags = ["users"];

export const usersRouter = router({
  getProfile: authedProcedure
    .meta({ scope: "signed-in" })
    .meta({ openapi: { method: "GET", path: "/users/me/profile", tags, summary: "The signed-in user's profile" } })
    .input(z.void())
    .output(userSchema)
    .query(({ ctx }) => getProfile(ctx)),
  updateProfile: authedProcedure
    .meta({ scope: "interactive" })
    .meta({
      openapi: {
        method: "PATCH",
        path: "/users/me/profile",
        tags,
        summary: "Change name, avatar or email (an email change needs the current password)",
      },
    })
    .input(updateProfileInput)
    .output(userSchema)
    .mutation(({ ctx, input }) => updateProfile(ctx, input)),
});
