/**
 * The account flow end to end against a real server, through @assay/client and through
 * REST: register -> login -> refresh -> list sessions -> revoke -> the revoked session is
 * refused on its very next request, and the rotated-away refresh token is refused too.
 */
import { createAssayClient, errorCodeOf } from "@assay/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startReadyServer, type TestServer } from "./support/server.js";

const PASSWORD = "a long and sound passphrase";

describe("account flow", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startReadyServer({ env: { REGISTRATION_OPEN: "true" } });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it("through @assay/client", async () => {
    const anonymous = createAssayClient({ url: server.url });
    const email = `client-${Date.now()}@example.com`;
    const registered = await anonymous.auth.register.mutate({ email, password: PASSWORD, name: "Client" });
    const login = await anonymous.auth.login.mutate({ email, password: PASSWORD });
    if (login.mfaRequired) throw new Error("unexpected MFA challenge");
    const refreshed = await anonymous.auth.refresh.mutate({ refreshToken: login.refreshToken });
    await expect(anonymous.auth.refresh.mutate({ refreshToken: login.refreshToken })).rejects.toSatisfy(
      (error) => errorCodeOf(error) === "AUTH_TOKEN_INVALID",
    );

    // The reuse above revoked the login's session; the registration's session still works.
    let token = registered.accessToken;
    const client = createAssayClient({ url: server.url, token: () => token });
    const sessions = await client.sessions.list.query({});
    const current = sessions.data.find((s) => s.current);
    expect(current?.id).toBe(registered.sessionId);
    expect(sessions.data.some((s) => s.id === refreshed.sessionId)).toBe(false);

    const second = await anonymous.auth.login.mutate({ email, password: PASSWORD });
    if (second.mfaRequired) throw new Error("unexpected MFA challenge");
    token = second.accessToken;
    await client.sessions.revoke.mutate({ id: registered.sessionId });
    token = registered.accessToken;
    await expect(client.auth.me.query()).rejects.toSatisfy((error) => errorCodeOf(error) === "AUTH_TOKEN_INVALID");
  });

  it("through REST", async () => {
    const post = (path: string, body: unknown, token?: string) =>
      fetch(`${server.url}/api/v1${path}`, {
        method: "POST",
        headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify(body),
      });
    const email = `rest-${Date.now()}@example.com`;
    expect((await post("/auth/register", { email, password: PASSWORD, name: "Rest" })).status).toBe(200);
    const login = await (await post("/auth/login", { email, password: PASSWORD })).json();
    expect(login).toMatchObject({ mfaRequired: false, tokenType: "Bearer" });
    const refreshed = await (await post("/auth/refresh", { refreshToken: login.refreshToken })).json();
    expect(refreshed.refreshToken).not.toBe(login.refreshToken);

    const auth = { authorization: `Bearer ${refreshed.accessToken}` };
    const list = await (await fetch(`${server.url}/api/v1/sessions`, { headers: auth })).json();
    expect(list.data.map((s: { id: string }) => s.id)).toContain(refreshed.sessionId);

    const revoke = await fetch(`${server.url}/api/v1/sessions/${refreshed.sessionId}`, {
      method: "DELETE",
      headers: auth,
    });
    expect(revoke.status).toBe(200);
    const after = await fetch(`${server.url}/api/v1/auth/me`, { headers: auth });
    expect(after.status).toBe(401);
    expect((await after.json()).errors[0].code).toBe("AUTH_TOKEN_INVALID");
    const stale = await post("/auth/refresh", { refreshToken: refreshed.refreshToken });
    expect(stale.status).toBe(401);
  });
});
