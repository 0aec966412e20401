/** auth.exchangeOidcCode, spread into the auth router: the SPA's end of a federated sign-in. */
import { publicProcedure } from "../../trpc/procedures.js";
import { loginResultSchema } from "../auth/auth.schemas.js";
import { exchangeCodeInput } from "./oidc.schemas.js";
import { exchangeOidcCode } from "./oidc-flow.service.js";

export const oidcLoginProcedures = {
  exchangeOidcCode: publicProcedure
    .meta({
      openapi: {
        method: "POST",
        path: "/auth/oidc/exchange",
        tags: ["auth"],
        summary: "Trade the one-time code from a federated sign-in for tokens",
        protect: false,
      },
      description:
        "The code arrives as ?code= on the returnTo URL; it works once, for 2 minutes, from the same browser. With MFA enrolled the answer is a challenge for auth.verifyMfa.",
    })
    .input(exchangeCodeInput)
    .output(loginResultSchema)
    .mutation(({ ctx, input }) => exchangeOidcCode(ctx, input)),
};
