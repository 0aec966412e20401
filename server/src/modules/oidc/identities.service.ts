/** The signed-in account's federated identities: listing, linking another, and unlinking. */
import type { Context } from "../../context.js";
import { originOf } from "../../context.js";
import type { AuthUser } from "../../identity/principal.js";
import { AppError } from "../../lib/app-error.js";
import { recordAudit } from "../audit/audit.js";
import { startOidcLogin } from "./oidc-flow.service.js";
import { publicProviders } from "./provider-clients.js";

type Ctx = Pick<Context, "auth" | "config" | "clock" | "db" | "req" | "limits" | "log">;

const notFound = () => new AppError("NOT_FOUND", "No such linked identity", "id");

/** The identities linked to `user`, oldest first. */
export async function listIdentities(ctx: Ctx & { user: AuthUser }) {
  const { user } = ctx;
  const names = new Map(publicProviders(ctx.config).map((p) => [p.id, p.name]));
  const rows = await ctx.db.prisma.federatedIdentity.findMany({
    where: { userId: user.id },
    orderBy: { createdAt: "asc" },
  });
  return rows.map((row) => ({
    id: row.id,
    provider: row.provider,
    providerName: names.get(row.provider) ?? row.provider,
    email: row.email,
    emailVerified: row.emailVerified,
    createdAt: row.createdAt.toISOString(),
    lastLoginAt: row.lastLoginAt?.toISOString() ?? null,
  }));
}

/** Removes one identity, unless it is the account's last way to sign in (no password, no other identity). */
export async function unlinkIdentity(ctx: Ctx & { user: AuthUser }, id: string): Promise<void> {
  const { user } = ctx;
  await ctx.db.prisma.$transaction(async (tx) => {
    const identity = await tx.federatedIdentity.findUnique({ where: { id } });
    if (!identity || identity.userId !== user.id) throw notFound();
    const account = await tx.user.findUniqueOrThrow({ where: { id: user.id }, select: { passwordHash: true } });
    const others = await tx.federatedIdentity.count({ where: { userId: user.id, id: { not: id } } });
    if (!account.passwordHash && others === 0) {
      throw new AppError(
        "CONFLICT",
        "This is the only way to sign in to your account: set a password (password reset) or link another provider first",
      );
    }
    await tx.federatedIdentity.delete({ where: { id } });
    await recordAudit(tx, originOf(ctx), {
      type: "auth.oidc.unlinked",
      actorId: user.id,
      targetType: "federated_identity",
      targetId: id,
      metadata: { provider: identity.provider },
    });
  });
}

/** Starts a flow that links a provider account to `user`; the browser then opens the returned URL. */
export async function startLink(
  ctx: Ctx & { user: AuthUser },
  input: { provider: string; returnTo?: string | undefined },
) {
  const { user } = ctx;
  const host = ctx.req.headers.get("host");
  const requestOrigin = host ? `http://${host}` : ctx.config.appUrl;
  const authorizationUrl = await startOidcLogin(ctx, { ...input, requestOrigin, linkUserId: user.id });
  return { authorizationUrl };
}
