/** API keys (apiKeys.*): a person's own machine credentials. Managing them needs a person's own session. */
import { router } from "../../trpc/init.js";
import { authedProcedure } from "../../trpc/procedures.js";
import { okSchema } from "../auth/auth.schemas.js";
import {
  apiKeyIdInput,
  apiKeyPageSchema,
  createApiKeyInput,
  createdApiKeySchema,
  listApiKeysInput,
} from "./api-keys.schemas.js";
import { createApiKey, listApiKeys, revokeApiKey } from "./api-keys.service.js";

const tags = ["api-keys"];

export const apiKeysRouter = router({
  create: authedProcedure
    .meta({ scope: "interactive" })
    .meta({
      openapi: { method: "POST", path: "/api-keys", tags, summary: "Create an API key (shown once)" },
      description:
        "Use it as `Authorization: Bearer assay_...` on /trpc, /api/v1 and /mcp. It carries only the scopes granted, never more than its owner may do at the moment of each call; bound to an organization, it acts there only. Only administrators may grant `admin`.",
    })
    .input(createApiKeyInput)
    .output(createdApiKeySchema)
    .mutation(({ ctx, input }) => createApiKey(ctx, ctx.principal, input)),
  list: authedProcedure
    .meta({ scope: "interactive" })
    .meta({
      openapi: { method: "GET", path: "/api-keys", tags, summary: "My API keys, newest first" },
      description: "Usable keys unless includeInactive; administrators may ask for every account's (allUsers).",
    })
    .input(listApiKeysInput)
    .output(apiKeyPageSchema)
    .query(({ ctx, input }) => listApiKeys(ctx, input)),
  revoke: authedProcedure
    .meta({ scope: "interactive" })
    .meta({
      openapi: { method: "DELETE", path: "/api-keys/{id}", tags, summary: "Revoke an API key" },
      description: "Refused from the next request on, on every instance. Administrators may revoke anyone's key.",
    })
    .input(apiKeyIdInput)
    .output(okSchema)
    .mutation(async ({ ctx, input }) => {
      await revokeApiKey(ctx, input.id);
      return { ok: true as const };
    }),
});
