/**
 * From a provider's profile to an Assay account. A known identity signs its account in; a
 * new one joins an existing account only when the provider vouches for the email
 * (`email_verified`); otherwise a new account is created, or the sign-in refused, per
 * OIDC_LINK_UNVERIFIED. An unverified email never takes over anybody's account.
 */
import type { Context } from "../../context.js";
import { originOf } from "../../context.js";
import type { Tx } from "../../db/database.js";
import type { User } from "../../generated/prisma/client.js";
import { recordAudit } from "../audit/audit.js";
import { safeAvatarUrlOrNull } from "../users/avatar-url.js";
import { OidcFlowError } from "./oidc-errors.js";
import type { FederatedProfile } from "./provider-clients.js";

type Ctx = Pick<Context, "config" | "clock" | "req">;

function assertUsable(user: Pick<User, "isActive" | "deletedAt">): void {
  if (!user.isActive || user.deletedAt) throw new OidcFlowError("account_disabled", "account_inactive");
}

function identityData(provider: string, profile: FederatedProfile, now: Date) {
  return {
    provider,
    subject: profile.subject,
    email: profile.email,
    emailVerified: profile.emailVerified,
    createdAt: now,
    lastLoginAt: now,
  };
}

async function createAccount(tx: Tx, ctx: Ctx, provider: string, profile: FederatedProfile & { email: string }) {
  if (!ctx.config.auth.registrationOpen) throw new OidcFlowError("registration_closed", "registration_closed");
  const now = ctx.clock.now();
  const name = (profile.name ?? profile.email.split("@")[0] ?? "User").slice(0, 120);
  const user = await tx.user.create({
    data: {
      email: profile.email,
      name,
      // Provider data is untrusted input like any other: an unsafe avatar is dropped.
      avatarUrl: safeAvatarUrlOrNull(profile.avatarUrl),
      federatedIdentities: { create: identityData(provider, profile, now) },
    },
  });
  await recordAudit(tx, originOf(ctx), {
    type: "auth.registered",
    actorId: user.id,
    targetType: "user",
    targetId: user.id,
    metadata: { method: "oidc", provider, emailVerified: profile.emailVerified },
  });
  return user;
}

async function link(tx: Tx, ctx: Ctx, user: User, provider: string, profile: FederatedProfile, by: string) {
  const identity = await tx.federatedIdentity.create({
    data: { userId: user.id, ...identityData(provider, profile, ctx.clock.now()) },
  });
  await recordAudit(tx, originOf(ctx), {
    type: "auth.oidc.linked",
    actorId: user.id,
    targetType: "federated_identity",
    targetId: identity.id,
    metadata: { provider, by },
  });
}

/** The account this federated sign-in signs into (found, linked or created), inside `tx`. */
export async function resolveAccount(tx: Tx, ctx: Ctx, provider: string, profile: FederatedProfile): Promise<User> {
  const known = await tx.federatedIdentity.findUnique({
    where: { provider_subject: { provider, subject: profile.subject } },
    include: { user: true },
  });
  if (known) {
    assertUsable(known.user);
    await tx.federatedIdentity.update({
      where: { id: known.id },
      data: { email: profile.email, emailVerified: profile.emailVerified, lastLoginAt: ctx.clock.now() },
    });
    return known.user;
  }
  if (!profile.email) throw new OidcFlowError("email_unverified", "email_missing");
  const email = profile.email;
  const holder = await tx.user.findUnique({ where: { email } });
  if (profile.emailVerified) {
    if (!holder) return createAccount(tx, ctx, provider, { ...profile, email });
    assertUsable(holder);
    await link(tx, ctx, holder, provider, profile, "verified_email");
    return holder;
  }
  // Unverified: never link. "create" only makes a new account when nobody holds the email.
  if (ctx.config.auth.oidc.linkUnverified === "refuse" || holder) {
    throw new OidcFlowError("email_unverified", holder ? "email_unverified_account_exists" : "email_unverified");
  }
  return createAccount(tx, ctx, provider, { ...profile, email });
}

/** Adds the identity to the signed-in account that started a link flow, inside `tx`. */
export async function linkToAccount(
  tx: Tx,
  ctx: Ctx,
  userId: string,
  provider: string,
  profile: FederatedProfile,
): Promise<void> {
  const user = await tx.user.findUniqueOrThrow({ where: { id: userId } });
  assertUsable(user);
  const known = await tx.federatedIdentity.findUnique({
    where: { provider_subject: { provider, subject: profile.subject } },
  });
  if (known && known.userId !== userId) throw new OidcFlowError("identity_in_use", "identity_linked_elsewhere");
  if (known) return;
  await link(tx, ctx, user, provider, profile, "signed_in_user");
}
