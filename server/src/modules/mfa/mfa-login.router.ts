/** auth.verifyMfa, spread into the auth router: the second step of a sign-in. */
import { publicProcedure } from "../../trpc/procedures.js";
import { tokenPairSchema } from "../auth/auth.schemas.js";
import { verifyMfaInput } from "./mfa.schemas.js";
import { verifyMfa } from "./mfa-login.service.js";

export const mfaLoginProcedures = {
  verifyMfa: publicProcedure
    .meta({
      openapi: {
        method: "POST",
        path: "/auth/mfa/verify",
        tags: ["auth"],
        summary: "Complete a sign-in with a TOTP code or a recovery code",
        protect: false,
      },
      description:
        "Redeems the challenge auth.login answered with (5 minutes, single use, same client). Wrong codes count toward the account lockout.",
    })
    .input(verifyMfaInput)
    .output(tokenPairSchema)
    .mutation(({ ctx, input }) =>
      verifyMfa(
        ctx,
        input.code !== undefined
          ? { challenge: input.challenge, code: input.code }
          : { challenge: input.challenge, recoveryCode: input.recoveryCode ?? "" },
      ),
    ),
};
