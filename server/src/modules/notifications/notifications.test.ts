/**
 * Mail notifications: blue members get one digest of the activities that started waiting for
 * them (not one mail per activity), red gets a mail when an activity is evaluated, and each
 * person's preferences turn either off. Mail is read from the outbox (no SMTP configured).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listOutbox } from "../../lib/mail/outbox.js";
import { addMember, createTeam, grant } from "../../test-support/assessment-fixtures.js";
import { createHarness, type Harness } from "../../test-support/harness.js";
import { waitForMail } from "../../test-support/mail.js";

describe("notification mails", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness({
      NOTIFICATION_DIGEST_SECONDS: "2",
      APP_URL: "https://assay.example.com",
      RATE_LIMIT_LOGIN_PER_IP: "10000/1m",
    });
  });
  afterAll(() => h.close());

  const mailsTo = (to: string) => listOutbox(h.deps, { to, limit: 200 });

  it("has every mail on by default, and changes only the fields given", async () => {
    const team = await createTeam(h);
    expect(await team.blue.api.notifications.getPreferences()).toEqual({ waitingBlue: true, evaluated: true });
    expect(await team.blue.api.notifications.updatePreferences({ evaluated: false })).toEqual({
      waitingBlue: true,
      evaluated: false,
    });
    expect(await team.blue.api.notifications.getPreferences()).toEqual({ waitingBlue: true, evaluated: false });
    // Someone else's choices are their own.
    expect(await team.red.api.notifications.getPreferences()).toEqual({ waitingBlue: true, evaluated: true });
  });

  it("mails blue members one digest of the activities waiting for them; a member who turned it off gets none", async () => {
    const team = await createTeam(h);
    const quiet = await addMember(h, team.orgId);
    await grant(h, team.assessmentId, quiet, "blue");
    await quiet.api.notifications.updatePreferences({ waitingBlue: false });
    const titles = ["Kerberoast", "DCSync"];
    const activities = await Promise.all(
      titles.map((title) => team.lead.api.activities.create({ assessmentId: team.assessmentId, title })),
    );
    for (const a of activities) await team.red.api.activities.transition({ id: a.id, to: "waiting_red" });
    for (const a of activities) await team.red.api.activities.transition({ id: a.id, to: "waiting_blue" });

    const digest = await waitForMail(h, team.blue.email);
    expect(digest.subject).toBe("2 activities wait for blue");
    for (const title of titles) expect(digest.text).toContain(title);
    expect(digest.text).toContain(
      `https://assay.example.com/assessments/${team.assessmentId}/activities/${activities[0]?.id}`,
    );
    expect(await mailsTo(team.blue.email)).toHaveLength(1);
    // Collected for the quiet member? No: nothing was even queued for them.
    expect(await h.deps.db.prisma.notificationDigestItem.count({ where: { userId: quiet.id } })).toBe(0);
    expect(await mailsTo(quiet.email)).toHaveLength(0);
    // The digest is for blue only: red, the spectator and the lead get none.
    for (const other of [team.red, team.spectator, team.lead]) expect(await mailsTo(other.email)).toHaveLength(0);
  });

  it("mails red when an activity is evaluated, unless red turned it off; never the evaluator", async () => {
    const team = await createTeam(h);
    const otherRed = await addMember(h, team.orgId);
    await grant(h, team.assessmentId, otherRed, "red");
    await otherRed.api.notifications.updatePreferences({ evaluated: false });
    const activity = await team.lead.api.activities.create({ assessmentId: team.assessmentId, title: "Mimikatz" });
    await team.red.api.activities.transition({ id: activity.id, to: "waiting_red" });
    await team.red.api.activities.transition({ id: activity.id, to: "waiting_blue" });
    await team.blue.api.activities.updateBlue({ id: activity.id, outcome: "prevented" });
    await team.lead.api.activities.evaluate({ id: activity.id });

    const mail = await waitForMail(h, team.red.email);
    expect(mail.subject).toBe("Evaluated: Mimikatz");
    expect(mail.text).toContain("Blue's outcome: prevented");
    expect(mail.text).toContain(`/assessments/${team.assessmentId}/activities/${activity.id}`);
    expect(await mailsTo(otherRed.email)).toHaveLength(0);
    expect(await mailsTo(team.lead.email)).toHaveLength(0);
  });
});
