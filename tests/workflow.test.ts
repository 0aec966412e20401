/**
 * A red user and a blue user play one activity through the purple-team workflow against a
 * real server: the superuser sets up an organization by invitation (mail read from the
 * outbox), the red user works through the typed client, the blue user through REST, and
 * each side is refused the other side's fields.
 */
import { type AssayClient, createAssayClient, errorCodeOf } from "@assay/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startReadyServer, type TestServer } from "./support/server.js";

const ADMIN = { email: "root@example.com", password: "root passphrase for tests" };
const PASSWORD = "a long and sound passphrase";

async function signIn(url: string, email: string, password: string): Promise<string> {
  const result = await createAssayClient({ url }).auth.login.mutate({ email, password });
  if (result.mfaRequired) throw new Error("unexpected MFA challenge");
  return result.accessToken;
}

describe("red and blue play one activity", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startReadyServer({
      env: { FIRST_SUPERUSER_EMAIL: ADMIN.email, FIRST_SUPERUSER_PASSWORD: ADMIN.password, REGISTRATION_OPEN: "true" },
    });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it("from invitation to evaluation, each side writing only its own fields", async () => {
    const url = server.url;
    const admin = createAssayClient({ url, token: await signIn(url, ADMIN.email, ADMIN.password) });
    const org = await admin.orgs.create.mutate({ name: "Purple Team" });
    const inOrg = (token: string): AssayClient =>
      createAssayClient({ url, token, headers: { "X-Organization-Id": org.id } });
    const lead = inOrg(await signIn(url, ADMIN.email, ADMIN.password));

    const members: Record<"red" | "blue", { id: string; token: string }> = {} as never;
    for (const side of ["red", "blue"] as const) {
      const email = `${side}-${Date.now()}@example.com`;
      const pair = await createAssayClient({ url }).auth.register.mutate({ email, password: PASSWORD, name: side });
      await lead.orgs.members.invite.mutate({ email, role: "member" });
      const mail = (await admin.admin.mail.list.query({ to: email, limit: 1 }))[0];
      const token = /token=([A-Za-z0-9_-]+)/.exec(mail?.text ?? "")?.[1];
      expect(token, "the invitation mail carries its link").toBeTruthy();
      await createAssayClient({ url, token: pair.accessToken }).invitations.accept.mutate({ token: token ?? "" });
      members[side] = { id: pair.user.id, token: pair.accessToken };
    }

    const assessment = await lead.assessments.create.mutate({ name: "Q4 purple team" });
    const activity = await lead.activities.create.mutate({
      assessmentId: assessment.id,
      title: "Dump LSASS",
      tactic: "credential-access",
      techniques: ["T1003.001"],
      expectations: { prevented: true, alerted: true, expectedSeverity: "high" },
    });
    for (const side of ["red", "blue"] as const) {
      await lead.acl.grant.mutate({ assessmentId: assessment.id, userId: members[side].id, role: side });
    }

    // Red, through the typed client.
    const red = inOrg(members.red.token);
    await red.activities.transition.mutate({ id: activity.id, to: "waiting_red" });
    await red.activities.updateRed.mutate({
      id: activity.id,
      command: "procdump -ma lsass.exe out.dmp",
      executedAt: new Date().toISOString(),
      source: "WS-042",
      target: "DC-01",
    });
    await red.activities.transition.mutate({ id: activity.id, to: "waiting_blue" });
    await expect(red.activities.updateBlue.mutate({ id: activity.id, outcome: "not_detected" })).rejects.toSatisfy(
      (error) => errorCodeOf(error) === "FORBIDDEN",
    );

    // Blue, through REST.
    const rest = (method: string, path: string, body: unknown) =>
      fetch(`${url}/api/v1${path}`, {
        method,
        headers: {
          authorization: `Bearer ${members.blue.token}`,
          "x-organization-id": org.id,
          "content-type": "application/json",
        },
        body: JSON.stringify(body),
      });
    const redByBlue = await rest("PATCH", `/activities/${activity.id}/red`, { command: "tampered" });
    expect(redByBlue.status).toBe(403);
    const blue = await rest("PATCH", `/activities/${activity.id}/blue`, {
      outcome: "prevented",
      detectedAt: new Date().toISOString(),
      detectionSource: "EDR",
      alertSeverity: "high",
    });
    expect(blue.status, await blue.clone().text()).toBe(200);

    const evaluated = await lead.activities.evaluate.mutate({ id: activity.id });
    expect(evaluated.status).toBe("evaluated");
    const seen = await red.activities.get.query({ id: activity.id });
    expect(seen.red.command).toBe("procdump -ma lsass.exe out.dmp");
    expect(seen.blue.outcome).toBe("prevented");
    expect(seen.evaluation.results.prevention).toBe("pass");
    expect(seen.evaluation.results.detection).toBe("pass");
  });
});
