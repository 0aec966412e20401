/**
 * Email invitations into an organization: single-use tokens stored only as hashes, valid for
 * INVITATION_TTL_DAYS, mailed in the transaction that creates them; accepted or declined by the
 * signed-in account whose email they were sent to.
 */

import type { Tx } from "../../db/database.js";
import type { Prisma } from "../../generated/prisma/client.js";
import type { AuthUser, OrgScope } from "../../identity/principal.js";
import { AppError } from "../../lib/app-error.js";
import { randomToken, sha256 } from "../../lib/crypto.js";
import { pageWindow, toPage } from "../../lib/pagination.js";
import { changingOrg, requireOrgPermission } from "../acl/access.js";
import { canManageMember } from "../acl/permissions.js";
import { invitationLink, invitationMail } from "./invitation-mail.js";
import { type OrgDeps, recordOrgAudit } from "./org-audit.js";
import {
  type Invitation,
  type InvitationRow,
  type InviteInput,
  invitationStatus,
  type Organization,
  toInvitation,
} from "./orgs.schemas.js";
import { ORG_SELECT, toOrganization } from "./orgs.service.js";

export const INVITATION_TTL_DAYS = 7;

/** Invitations neither answered nor revoked, and not expired at `now`. */
function pendingWhere(now: Date): Prisma.InvitationWhereInput {
  return { acceptedAt: null, declinedAt: null, revokedAt: null, expiresAt: { gt: now } };
}

const forbiddenOwnerInvitation = () =>
  new AppError("FORBIDDEN", "Only owners can invite owners or change invitations to become owner", "role");

/** The inviters of `rows`, by id, in one query. */
async function invitersOf(tx: Pick<Tx, "user">, rows: { invitedById: string | null }[]) {
  const ids = [...new Set(rows.flatMap((row) => (row.invitedById ? [row.invitedById] : [])))];
  const users =
    ids.length === 0
      ? []
      : await tx.user.findMany({ where: { id: { in: ids } }, select: { id: true, name: true, email: true } });
  return new Map(users.map((user) => [user.id, user]));
}

/**
 * Invites `email` with `role` and mails the link; an admin cannot invite owners. A pending
 * invitation for the same address is replaced (revoked), so only the newest link works.
 */
export async function inviteMember(
  ctx: OrgDeps & { user: AuthUser; org: OrgScope },
  input: InviteInput,
): Promise<Invitation> {
  const { user: actor, org } = ctx;
  requireOrgPermission(org, "manage:invitations");
  if (!canManageMember(org.role, input.role)) throw forbiddenOwnerInvitation();
  // Each invitation mails an address of the inviter's choosing: a budget per inviter keeps it from being a spam relay.
  await ctx.limits.consume("invitePerAccount", actor.id);
  const now = ctx.clock.now();
  const token = randomToken();
  const expiresAt = new Date(now.getTime() + INVITATION_TTL_DAYS * 24 * 3600 * 1000);
  const { row, mail } = await ctx.db.prisma.$transaction(async (tx) => {
    const member = await tx.membership.findFirst({
      where: { organizationId: org.id, user: { email: input.email } },
      select: { id: true },
    });
    if (member) throw new AppError("CONFLICT", "This address already belongs to a member", "email");
    const pending = await tx.invitation.findMany({
      where: { organizationId: org.id, email: input.email, ...pendingWhere(now) },
      select: { id: true, role: true },
    });
    if (pending.some((invitation) => !canManageMember(org.role, invitation.role))) throw forbiddenOwnerInvitation();
    if (pending.length > 0) {
      await tx.invitation.updateMany({
        where: { id: { in: pending.map((invitation) => invitation.id) } },
        data: { revokedAt: now },
      });
    }
    const row = await tx.invitation.create({
      data: {
        organizationId: org.id,
        email: input.email,
        role: input.role,
        tokenHash: sha256(token),
        invitedById: actor.id,
        createdAt: now,
        expiresAt,
      },
    });
    await recordOrgAudit(tx, ctx, actor, org, {
      type: "org.invitation.sent",
      metadata: {
        invitationId: row.id,
        email: row.email,
        role: row.role,
        expiresAt: expiresAt.toISOString(),
        replacedInvitationIds: pending.map((invitation) => invitation.id),
      },
    });
    const content = invitationMail({
      to: row.email,
      orgName: org.name,
      inviterName: actor.name,
      role: row.role,
      link: invitationLink(ctx.config.appUrl, token),
      secret: token,
      validDays: INVITATION_TTL_DAYS,
    });
    return { row, mail: await ctx.mailer.enqueue(tx, content) };
  });
  // deliver() records its own failures; the invitation stands either way (it can be re-sent).
  void mail.deliver().catch((err: unknown) => ctx.log.error({ err, mailId: mail.id }, "invitation mail failed"));
  return toInvitation(row, { id: actor.id, name: actor.name, email: actor.email }, now);
}

/** Pending invitations of the organization, newest first (owners and admins). */
export async function listInvitations(ctx: OrgDeps & { org: OrgScope }, input: { page: number; pageSize: number }) {
  const { org } = ctx;
  requireOrgPermission(org, "manage:invitations");
  const now = ctx.clock.now();
  const where: Prisma.InvitationWhereInput = { organizationId: org.id, ...pendingWhere(now) };
  const [total, rows] = await ctx.db.prisma.$transaction([
    ctx.db.prisma.invitation.count({ where }),
    ctx.db.prisma.invitation.findMany({
      where,
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      ...pageWindow(input),
    }),
  ]);
  const inviters = await invitersOf(ctx.db.prisma, rows);
  const items = rows.map((row) => toInvitation(row, (row.invitedById && inviters.get(row.invitedById)) || null, now));
  return toPage(items, total, input.page, input.pageSize);
}

/** Revokes a pending invitation of the organization; only owners revoke invitations to become owner. */
export async function revokeInvitation(
  ctx: OrgDeps & { user: AuthUser; org: OrgScope },
  id: string,
): Promise<Invitation> {
  const { user: actor, org } = ctx;
  requireOrgPermission(org, "manage:invitations");
  const now = ctx.clock.now();
  return ctx.db.prisma.$transaction(async (tx) => {
    const row = await tx.invitation.findFirst({ where: { id, organizationId: org.id } });
    if (!row) throw new AppError("NOT_FOUND", "Invitation not found", "id");
    const status = invitationStatus(row, now);
    if (status !== "pending") throw new AppError("CONFLICT", `This invitation is already ${status}`, "id");
    if (!canManageMember(org.role, row.role)) throw forbiddenOwnerInvitation();
    const done = await tx.invitation.updateMany({ where: { id, ...pendingWhere(now) }, data: { revokedAt: now } });
    if (done.count === 0) throw new AppError("CONFLICT", "This invitation was answered meanwhile", "id");
    await recordOrgAudit(tx, ctx, actor, org, {
      type: "org.invitation.revoked",
      metadata: { invitationId: id, email: row.email, role: row.role },
    });
    const inviters = await invitersOf(tx, [row]);
    return toInvitation({ ...row, revokedAt: now }, (row.invitedById && inviters.get(row.invitedById)) || null, now);
  });
}

/** The reason an invitation that is not pending cannot be answered, as an error. */
function notPending(row: InvitationRow, now: Date): AppError {
  const messages: Record<Exclude<Invitation["status"], "pending">, string> = {
    accepted: "This invitation was already used",
    declined: "This invitation was declined",
    revoked: "This invitation was revoked; ask for a new one",
    expired: "This invitation has expired; ask for a new one",
  };
  const status = invitationStatus(row, now);
  return new AppError("CONFLICT", status === "pending" ? messages.accepted : messages[status], "token");
}

/** The invitation behind `token`, if it is pending and addressed to `user`. */
async function answerableInvitation(ctx: OrgDeps, user: AuthUser, token: string, now: Date) {
  const row = await ctx.db.prisma.invitation.findUnique({
    where: { tokenHash: sha256(token) },
    include: { organization: { select: { id: true, name: true, deletedAt: true } } },
  });
  if (!row || row.organization.deletedAt) throw new AppError("NOT_FOUND", "This invitation link is invalid", "token");
  // Checked before the state, so a token in the wrong hands tells nothing about the invitation.
  if (row.email !== user.email.toLowerCase()) {
    throw new AppError(
      "FORBIDDEN",
      "This invitation was sent to another email address: sign in with that address to answer it",
      "token",
    );
  }
  if (invitationStatus(row, now) !== "pending") throw notPending(row, now);
  return row;
}

/** Marks the invitation answered, if nobody answered it meanwhile (compare-and-set). */
async function claim(tx: Tx, row: InvitationRow, now: Date, answer: "acceptedAt" | "declinedAt"): Promise<void> {
  const done = await tx.invitation.updateMany({
    where: { id: row.id, ...pendingWhere(now) },
    data: { [answer]: now },
  });
  if (done.count === 0) throw notPending(row, now);
}

/** Accepts an invitation: the membership is created with the invited role, in the same transaction. */
export async function acceptInvitation(ctx: OrgDeps & { user: AuthUser }, token: string): Promise<Organization> {
  const { user } = ctx;
  const now = ctx.clock.now();
  const invitation = await answerableInvitation(ctx, user, token, now);
  const alreadyMember = () => new AppError("CONFLICT", "You are already a member of this organization", "token");
  try {
    // A superuser acting in the organization as owner becomes a member with the invited role.
    return await changingOrg(ctx, invitation.organizationId, () =>
      ctx.db.prisma.$transaction(async (tx) => {
        await claim(tx, invitation, now, "acceptedAt");
        const existing = await tx.membership.findUnique({
          where: { organizationId_userId: { organizationId: invitation.organizationId, userId: user.id } },
          select: { id: true },
        });
        if (existing) throw alreadyMember();
        await tx.membership.create({
          data: { organizationId: invitation.organizationId, userId: user.id, role: invitation.role, createdAt: now },
        });
        await recordOrgAudit(
          tx,
          ctx,
          user,
          { id: invitation.organizationId, viaSuperuser: false },
          {
            type: "org.invitation.accepted",
            metadata: { invitationId: invitation.id, userId: user.id, email: invitation.email, role: invitation.role },
          },
        );
        const org = await tx.organization.findUniqueOrThrow({
          where: { id: invitation.organizationId },
          select: ORG_SELECT,
        });
        return toOrganization(org, invitation.role, false);
      }),
    );
  } catch (error) {
    // The same account accepting two invitations at once: the unique membership decides.
    if ((error as { code?: unknown } | null)?.code === "P2002") throw alreadyMember();
    throw error;
  }
}

/** Declines an invitation; the link no longer works. */
export async function declineInvitation(ctx: OrgDeps & { user: AuthUser }, token: string): Promise<void> {
  const { user } = ctx;
  const now = ctx.clock.now();
  const invitation = await answerableInvitation(ctx, user, token, now);
  await ctx.db.prisma.$transaction(async (tx) => {
    await claim(tx, invitation, now, "declinedAt");
    await recordOrgAudit(
      tx,
      ctx,
      user,
      { id: invitation.organizationId, viaSuperuser: false },
      {
        type: "org.invitation.declined",
        metadata: { invitationId: invitation.id, userId: user.id, email: invitation.email, role: invitation.role },
      },
    );
  });
}
