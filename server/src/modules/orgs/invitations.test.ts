/**
 * Invitations: who may invite whom, the mail and its link, and a token that works once, for
 * its addressee only, before it expires, unless revoked, replaced or declined.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listOutbox } from "../../lib/mail/outbox.js";
import type { Harness } from "../../test-support/harness.js";
import {
  type Actor,
  auditEvents,
  createOrgHarness,
  createTeam,
  expectFailure,
  signIn,
} from "../../test-support/org-kit.js";

let h: Harness;
beforeAll(async () => {
  h = await createOrgHarness();
});
afterAll(() => h.close());

let n = 0;
const freshEmail = () => `invitee${++n}.${Date.now()}@example.com`;

/** The token in the newest invitation mail to `email` (as superusers read the outbox: unsealed). */
async function tokenMailedTo(email: string): Promise<string> {
  const [mail] = await listOutbox(h.deps, { to: email, limit: 1 });
  if (!mail) throw new Error(`no mail to ${email}`);
  const token = /\/invitations\/accept\?token=([A-Za-z0-9_-]+)/.exec(mail.text)?.[1];
  expect(token, "mail carries the accept link").toBeDefined();
  return token as string;
}

/** Invites a new address into a fresh team and signs that address in. */
async function invited(role: "member" | "admin" | "owner" = "member") {
  const team = await createTeam(h);
  const email = freshEmail();
  const invitation = await team.owner.in(team.orgId).orgs.members.invite({ email, role });
  const invitee: Actor = await signIn(h, { email });
  return { team, invitation, invitee, token: await tokenMailedTo(email) };
}

describe("refusals", () => {
  it("a member cannot invite or list invitations; an admin cannot invite owners", async () => {
    const { orgId, admin, member } = await createTeam(h);
    await expectFailure(member.in(orgId).orgs.members.invite({ email: freshEmail() }), "FORBIDDEN");
    await expectFailure(member.in(orgId).orgs.invitations.list(), "FORBIDDEN");
    await expectFailure(
      admin.in(orgId).orgs.members.invite({ email: freshEmail(), role: "owner" }),
      "FORBIDDEN",
      "role",
    );
    expect(await h.deps.db.prisma.invitation.count({ where: { organizationId: orgId } })).toBe(0);
    expect(await auditEvents(h, "org.invitation.sent", orgId)).toHaveLength(0);
  });

  it("refuses to invite an address that is already a member", async () => {
    const { orgId, owner, member } = await createTeam(h);
    await expectFailure(
      owner.in(orgId).orgs.members.invite({ email: member.email.toUpperCase() }),
      "CONFLICT",
      "email",
    );
  });

  it("refuses the token to a signed-in user with another email address", async () => {
    const { token, team } = await invited();
    const intruder = await signIn(h);
    await expectFailure(intruder.api.invitations.accept({ token }), "FORBIDDEN", "token");
    await expectFailure(intruder.api.invitations.decline({ token }), "FORBIDDEN", "token");
    await expectFailure(team.owner.api.invitations.accept({ token }), "FORBIDDEN", "token");
    expect(await h.deps.db.prisma.membership.count({ where: { userId: intruder.id } })).toBe(0);
  });

  it("refuses an unknown token and anonymous callers", async () => {
    const someone = await signIn(h);
    await expectFailure(someone.api.invitations.accept({ token: "no-such-token" }), "NOT_FOUND", "token");
    const { token } = await invited();
    await expectFailure(h.caller().invitations.accept({ token }), "AUTH_REQUIRED");
  });

  it("refuses an expired invitation", async () => {
    const { token, invitee } = await invited();
    h.clock.advance(8 * 86_400);
    try {
      await invitee.relogin();
      const message = await expectFailure(invitee.api.invitations.accept({ token }), "CONFLICT", "token");
      expect(message).toMatch(/expired/);
    } finally {
      h.clock.advance(-8 * 86_400);
      await invitee.relogin();
    }
  });

  it("works once: a second accept is refused", async () => {
    const { token, invitee, team } = await invited();
    await invitee.api.invitations.accept({ token });
    const message = await expectFailure(invitee.api.invitations.accept({ token }), "CONFLICT", "token");
    expect(message).toMatch(/already used/);
    expect(await auditEvents(h, "org.invitation.accepted", team.orgId)).toHaveLength(1);
  });

  it("refuses a revoked invitation, and only owners revoke an invitation to become owner", async () => {
    const { token, invitee, invitation, team } = await invited("owner");
    await expectFailure(team.admin.in(team.orgId).orgs.invitations.revoke({ id: invitation.id }), "FORBIDDEN");
    await expectFailure(team.member.in(team.orgId).orgs.invitations.revoke({ id: invitation.id }), "FORBIDDEN");
    const revoked = await team.owner.in(team.orgId).orgs.invitations.revoke({ id: invitation.id });
    expect(revoked).toMatchObject({ id: invitation.id, status: "revoked" });
    const message = await expectFailure(invitee.api.invitations.accept({ token }), "CONFLICT", "token");
    expect(message).toMatch(/revoked/);
    await expectFailure(team.owner.in(team.orgId).orgs.invitations.revoke({ id: invitation.id }), "CONFLICT", "id");
    expect(await auditEvents(h, "org.invitation.revoked", team.orgId)).toHaveLength(1);
  });

  it("answers NOT_FOUND for another organization's invitation", async () => {
    const { invitation } = await invited();
    const other = await createTeam(h, "Other Org");
    await expectFailure(other.owner.in(other.orgId).orgs.invitations.revoke({ id: invitation.id }), "NOT_FOUND", "id");
  });

  it("refuses an invitation into a deleted organization", async () => {
    const { token, invitee, team } = await invited();
    await team.owner.in(team.orgId).orgs.delete();
    await expectFailure(invitee.api.invitations.accept({ token }), "NOT_FOUND", "token");
  });

  it("refuses an invitation for someone who is already a member", async () => {
    const { token, invitee, team } = await invited();
    await h.deps.db.prisma.membership.create({ data: { organizationId: team.orgId, userId: invitee.id } });
    await expectFailure(invitee.api.invitations.accept({ token }), "CONFLICT");
    // The failed accept spent nothing: the invitation is still pending.
    const row = await h.deps.db.prisma.invitation.findFirstOrThrow({ where: { organizationId: team.orgId } });
    expect(row.acceptedAt).toBeNull();
  });
});

describe("invitations", () => {
  it("mails a single-use link to the address, stores only the token's hash, valid 7 days", async () => {
    const { orgId, owner } = await createTeam(h, "Mail Org");
    const email = freshEmail();
    const invitation = await owner.in(orgId).orgs.members.invite({ email: email.toUpperCase(), role: "admin" });
    expect(invitation).toMatchObject({ email, role: "admin", status: "pending", invitedBy: { id: owner.id } });
    const days = (Date.parse(invitation.expiresAt) - Date.parse(invitation.createdAt)) / 86_400_000;
    expect(days).toBe(7);
    const mail = await h.deps.db.prisma.mailMessage.findFirstOrThrow({ where: { to: email } });
    expect(mail.subject).toContain("Mail Org");
    expect(mail.text).toContain(`${h.deps.config.appUrl}/invitations/accept?token=`);
    expect(mail.html).toContain("/invitations/accept?token=");
    const token = await tokenMailedTo(email);
    const row = await h.deps.db.prisma.invitation.findUniqueOrThrow({ where: { id: invitation.id } });
    expect(row.tokenHash).not.toContain(token);
    expect(JSON.stringify(invitation)).not.toContain(token);
    const events = await auditEvents(h, "org.invitation.sent", orgId);
    expect(events).toHaveLength(1);
    expect(JSON.stringify(events[0]?.metadata)).not.toContain(token);
  });

  it("accepting makes the invitee a member with the invited role", async () => {
    const { token, invitee, team } = await invited("admin");
    const org = await invitee.api.invitations.accept({ token });
    expect(org).toMatchObject({ id: team.orgId, role: "admin", memberCount: 4 });
    await expect(invitee.in(team.orgId).orgs.get()).resolves.toMatchObject({ role: "admin" });
    const events = await auditEvents(h, "org.invitation.accepted", team.orgId);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ actorId: invitee.id, metadata: { userId: invitee.id, role: "admin" } });
    expect((await team.owner.in(team.orgId).orgs.invitations.list()).data).toHaveLength(0);
  });

  it("declining spends the link and adds no member", async () => {
    const { token, invitee, team } = await invited();
    await expect(invitee.api.invitations.decline({ token })).resolves.toEqual({ ok: true });
    await expectFailure(invitee.api.invitations.accept({ token }), "CONFLICT", "token");
    await expectFailure(invitee.in(team.orgId).orgs.get(), "NOT_FOUND");
    expect(await auditEvents(h, "org.invitation.declined", team.orgId)).toHaveLength(1);
  });

  it("a new invitation for the same address replaces the pending one", async () => {
    const { orgId, owner, admin } = await createTeam(h);
    const email = freshEmail();
    const first = await owner.in(orgId).orgs.members.invite({ email });
    const firstToken = await tokenMailedTo(email);
    const second = await admin.in(orgId).orgs.members.invite({ email, role: "admin" });
    const secondToken = await tokenMailedTo(email);
    const pending = await owner.in(orgId).orgs.invitations.list();
    expect(pending.data.map((i) => [i.id, i.role])).toEqual([[second.id, "admin"]]);
    expect(pending.data[0]?.invitedBy).toMatchObject({ id: admin.id });
    const invitee = await signIn(h, { email });
    await expectFailure(invitee.api.invitations.accept({ token: firstToken }), "CONFLICT", "token");
    await expect(invitee.api.invitations.accept({ token: secondToken })).resolves.toMatchObject({ role: "admin" });
    const sent = await auditEvents(h, "org.invitation.sent", orgId);
    expect(sent[1]?.metadata).toMatchObject({ replacedInvitationIds: [first.id] });
  });

  it("an admin cannot replace a pending invitation to become owner", async () => {
    const { orgId, owner, admin } = await createTeam(h);
    const email = freshEmail();
    await owner.in(orgId).orgs.members.invite({ email, role: "owner" });
    await expectFailure(admin.in(orgId).orgs.members.invite({ email }), "FORBIDDEN");
  });

  it("accepts through REST at /invitations/accept", async () => {
    const { token, invitee, team } = await invited();
    const res = await h.app.request("/api/v1/invitations/accept", {
      method: "POST",
      headers: { authorization: `Bearer ${invitee.token}`, "content-type": "application/json" },
      body: JSON.stringify({ token }),
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ id: team.orgId, role: "member" });
    const again = await h.app.request("/api/v1/invitations/accept", {
      method: "POST",
      headers: { authorization: `Bearer ${invitee.token}`, "content-type": "application/json" },
      body: JSON.stringify({ token }),
    });
    expect(again.status).toBe(409);
    const invite = await h.app.request("/api/v1/orgs/current/invitations", {
      method: "POST",
      headers: {
        authorization: `Bearer ${team.admin.token}`,
        "x-organization-id": team.orgId,
        "content-type": "application/json",
      },
      body: JSON.stringify({ email: freshEmail(), role: "owner" }),
    });
    expect(invite.status).toBe(403);
  });
});
