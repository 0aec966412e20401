import { z } from "zod";
import { authedProcedure, publicProcedure } from "../../trpc/procedures.js";
import {
  changePasswordInput,
  loginInput,
  loginResultSchema,
  okSchema,
  refreshInput,
  registerInput,
  tokenPairSchema,
  userSchema,
} from "./auth.schemas.js";
import { changePassword, login, logout, logoutAll, me, register } from "./auth.service.js";
import { passwordResetProcedures } from "./password-reset.router.js";
import { rotateRefreshToken } from "./session-tokens.js";

const tags = ["auth"];

/** The account's own doors; the root router adds the MFA and OIDC sign-in steps beside them. */
export const authProcedures = {
  register: publicProcedure
    .meta({
      openapi: {
        method: "POST",
        path: "/auth/register",
        tags,
        summary: "Create an account and sign in",
        protect: false,
      },
    })
    .input(registerInput)
    .output(tokenPairSchema)
    .mutation(({ ctx, input }) => register(ctx, input)),
  login: publicProcedure
    .meta({
      openapi: {
        method: "POST",
        path: "/auth/login",
        tags,
        summary: "Sign in with email and password",
        protect: false,
      },
    })
    .input(loginInput)
    .output(loginResultSchema)
    .mutation(({ ctx, input }) => login(ctx, input)),
  refresh: publicProcedure
    .meta({
      openapi: {
        method: "POST",
        path: "/auth/refresh",
        tags,
        summary: "Exchange a refresh token (rotated on every use)",
        protect: false,
      },
    })
    .input(refreshInput)
    .output(tokenPairSchema)
    .mutation(async ({ ctx, input }) => {
      await ctx.limits.consume("refreshPerIp", ctx.req.ip ?? "unknown");
      return rotateRefreshToken(ctx, input.refreshToken);
    }),
  logout: authedProcedure
    .meta({ scope: "interactive" })
    .meta({ openapi: { method: "POST", path: "/auth/logout", tags, summary: "End this session" } })
    .input(z.void())
    .output(okSchema)
    .mutation(async ({ ctx }) => {
      await logout(ctx);
      return { ok: true as const };
    }),
  logoutAll: authedProcedure
    .meta({ scope: "interactive" })
    .meta({ openapi: { method: "POST", path: "/auth/logout-all", tags, summary: "End every session of this account" } })
    .input(z.void())
    .output(z.object({ revokedSessions: z.number().int() }))
    .mutation(async ({ ctx }) => ({ revokedSessions: await logoutAll(ctx) })),
  me: authedProcedure
    .meta({ scope: "signed-in" })
    .meta({ openapi: { method: "GET", path: "/auth/me", tags, summary: "The signed-in account" } })
    .input(z.void())
    .output(userSchema)
    .query(({ ctx }) => me(ctx)),
  changePassword: authedProcedure
    .meta({ scope: "interactive" })
    .meta({
      openapi: {
        method: "POST",
        path: "/auth/change-password",
        tags,
        summary: "Change password (other sessions are revoked)",
      },
    })
    .input(changePasswordInput)
    .output(z.object({ revokedSessions: z.number().int() }))
    .mutation(({ ctx, input }) => changePassword(ctx, input)),
  ...passwordResetProcedures,
};
