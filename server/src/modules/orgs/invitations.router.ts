/** Answering an invitation (invitations.accept, invitations.decline), as the account it was sent to. */
import { router } from "../../trpc/init.js";
import { authedProcedure } from "../../trpc/procedures.js";
import { okSchema } from "../auth/auth.schemas.js";
import { acceptInvitation, declineInvitation } from "./invitations.service.js";
import { invitationTokenInput, organizationSchema } from "./orgs.schemas.js";

const tags = ["organizations"];
const who = "Signed in with the email address the invitation was sent to.";

export const invitationsRouter = router({
  accept: authedProcedure
    .meta({ scope: "interactive" })
    .meta({
      openapi: {
        method: "POST",
        path: "/invitations/accept",
        tags,
        summary: "Accept an invitation: join the organization with the invited role",
        description: who,
      },
      description: who,
    })
    .input(invitationTokenInput)
    .output(organizationSchema)
    .mutation(({ ctx, input }) => acceptInvitation(ctx, input.token)),
  decline: authedProcedure
    .meta({ scope: "interactive" })
    .meta({
      openapi: {
        method: "POST",
        path: "/invitations/decline",
        tags,
        summary: "Decline an invitation (the link stops working)",
        description: who,
      },
      description: who,
    })
    .input(invitationTokenInput)
    .output(okSchema)
    .mutation(async ({ ctx, input }) => {
      await declineInvitation(ctx, input.token);
      return { ok: true as const };
    }),
});
