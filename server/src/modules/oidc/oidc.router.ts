import { z } from "zod";
import { router } from "../../trpc/init.js";
import { authedProcedure, publicProcedure } from "../../trpc/procedures.js";
import { okSchema } from "../auth/auth.schemas.js";
import { listIdentities, startLink, unlinkIdentity } from "./identities.service.js";
import { identityIdInput, identitySchema, linkInput, providerSchema } from "./oidc.schemas.js";
import { publicProviders } from "./provider-clients.js";

const tags = ["oidc"];

export const oidcRouter = router({
  providers: publicProcedure
    .meta({
      openapi: { method: "GET", path: "/oidc/providers", tags, summary: "Sign-in providers", protect: false },
      description: "Start a sign-in by opening startPath in the browser; see auth.exchangeOidcCode.",
    })
    .input(z.void())
    .output(z.array(providerSchema))
    .query(({ ctx }) => publicProviders(ctx.config)),
  link: authedProcedure
    .meta({ scope: "interactive" })
    .meta({
      openapi: { method: "POST", path: "/oidc/link", tags, summary: "Link a provider account to mine" },
      description:
        "Open authorizationUrl in the browser; the provider sends it back to returnTo with ?linked=<provider> or ?error=.",
    })
    .input(linkInput)
    .output(z.object({ authorizationUrl: z.string() }))
    .mutation(({ ctx, input }) => startLink(ctx, input)),
  identities: router({
    list: authedProcedure
      .meta({ scope: "interactive" })
      .meta({ openapi: { method: "GET", path: "/oidc/identities", tags, summary: "My linked provider accounts" } })
      .input(z.void())
      .output(z.array(identitySchema))
      .query(({ ctx }) => listIdentities(ctx)),
    unlink: authedProcedure
      .meta({ scope: "interactive" })
      .meta({
        openapi: { method: "DELETE", path: "/oidc/identities/{id}", tags, summary: "Unlink a provider account" },
        description: "Refused when it is the account's only way to sign in.",
      })
      .input(identityIdInput)
      .output(okSchema)
      .mutation(async ({ ctx, input }) => {
        await unlinkIdentity(ctx, input.id);
        return { ok: true as const };
      }),
  }),
});
