/**
 * Forged, tampered and stale access tokens are refused with 401 and a stable code, through
 * tRPC and through REST. Negative cases first: these are the attacker's requests.
 */
import { exportJWK, generateKeyPair, SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHarness, type Harness } from "../../test-support/harness.js";

function b64(value: object): string {
  return Buffer.from(JSON.stringify(value)).toString("base64url");
}

function parts(token: string) {
  const [header, payload, signature] = token.split(".") as [string, string, string];
  return {
    header: JSON.parse(Buffer.from(header, "base64url").toString()),
    payload: JSON.parse(Buffer.from(payload, "base64url").toString()),
    signature,
  };
}

describe("access tokens", () => {
  let h: Harness;
  let token: string;
  beforeAll(async () => {
    h = await createHarness();
    const account = await h.createUser({ role: "viewer" });
    token = (await h.login(account)).accessToken;
  });
  afterAll(() => h.close());

  async function refusedEverywhere(bad: string, code = "AUTH_TOKEN_INVALID") {
    await expect(h.as(bad).auth.me()).rejects.toMatchObject({ code: "UNAUTHORIZED", cause: { code } });
    const res = await h.app.request("/api/v1/auth/me", { headers: { authorization: `Bearer ${bad}` } });
    expect(res.status).toBe(401);
    const body = await res.json();
    expect(body.errors[0].code).toBe(code);
    const trpc = await h.app.request("/trpc/auth.me", { headers: { authorization: `Bearer ${bad}` } });
    expect(trpc.status).toBe(401);
    expect((await trpc.json()).error.data.code).toBe(code);
  }

  it("refuses alg=none", async () => {
    const { header, payload } = parts(token);
    await refusedEverywhere(`${b64({ ...header, alg: "none" })}.${b64(payload)}.`);
  });

  it("refuses HS256 signed with the public key (algorithm confusion)", async () => {
    const { header, payload } = parts(token);
    const jwk = h.deps.auth.keys.jwks().keys.find((k) => k.kid === header.kid);
    const secret = new TextEncoder().encode(JSON.stringify(jwk));
    const forged = await new SignJWT(payload).setProtectedHeader({ ...header, alg: "HS256" }).sign(secret);
    await refusedEverywhere(forged);
  });

  it("refuses a token signed by a key that is not ours, under our kid or another", async () => {
    const { header, payload } = parts(token);
    const attacker = await generateKeyPair("EdDSA", { crv: "Ed25519", extractable: true });
    for (const kid of [header.kid, "attacker-kid"]) {
      const forged = await new SignJWT(payload).setProtectedHeader({ ...header, kid }).sign(attacker.privateKey);
      await refusedEverywhere(forged);
    }
    expect(await exportJWK(attacker.publicKey)).toHaveProperty("x");
  });

  it("refuses tampered claims (sub, role) under the original signature", async () => {
    const { header, payload, signature } = parts(token);
    for (const change of [{ role: "admin" }, { sub: "00000000-0000-7000-8000-000000000000" }]) {
      await refusedEverywhere(`${b64(header)}.${b64({ ...payload, ...change })}.${signature}`);
    }
  });

  it("refuses the wrong issuer or audience even when properly signed", async () => {
    const { header, payload } = parts(token);
    const signer = h.deps.auth.keys.signer();
    for (const change of [{ iss: "https://evil.example" }, { aud: "another-api" }]) {
      const forged = await new SignJWT({ ...payload, ...change }).setProtectedHeader(header).sign(signer.privateKey);
      await refusedEverywhere(forged);
    }
  });

  it("refuses a token that is not yet valid", async () => {
    const { header, payload } = parts(token);
    const signer = h.deps.auth.keys.signer();
    const future = Math.floor(Date.now() / 1000) + 3600;
    const early = await new SignJWT({ ...payload, iat: future, nbf: future, exp: future + 900 })
      .setProtectedHeader(header)
      .sign(signer.privateKey);
    await refusedEverywhere(early);
  });

  it("refuses an expired token with AUTH_TOKEN_EXPIRED", async () => {
    const account = await h.createUser();
    const fresh = (await h.login(account)).accessToken;
    await expect(h.as(fresh).auth.me()).resolves.toMatchObject({ email: account.email });
    h.clock.advance(16 * 60);
    try {
      await refusedEverywhere(fresh, "AUTH_TOKEN_EXPIRED");
    } finally {
      h.clock.advance(-16 * 60);
    }
  });

  it("refuses a missing or malformed Authorization header", async () => {
    await expect(h.caller().auth.me()).rejects.toMatchObject({ cause: { code: "AUTH_REQUIRED" } });
    const res = await h.app.request("/api/v1/auth/me", { headers: { authorization: "Basic abc" } });
    expect(res.status).toBe(401);
    expect((await res.json()).errors[0].code).toBe("AUTH_TOKEN_INVALID");
  });

  it("accepts a genuine token and carries the documented claims", async () => {
    const { header, payload } = parts(token);
    expect(header).toMatchObject({ alg: "EdDSA", typ: "at+jwt" });
    expect(Object.keys(payload).sort()).toEqual(["aud", "exp", "iat", "iss", "jti", "role", "sid", "sub"]);
    expect(payload.exp - payload.iat).toBe(900);
    await expect(h.as(token).auth.me()).resolves.toMatchObject({ role: "viewer" });
  });

  it("publishes the verification keys at /.well-known/jwks.json", async () => {
    const res = await h.app.request("/.well-known/jwks.json");
    const jwks = await res.json();
    expect(jwks.keys[0]).toMatchObject({ kty: "OKP", crv: "Ed25519", alg: "EdDSA", use: "sig" });
    expect(jwks.keys[0]).not.toHaveProperty("d");
  });

  it("keeps verifying tokens of a rotated key until they expire, and signs with the new one", async () => {
    const account = await h.createUser();
    const before = (await h.login(account)).accessToken;
    const oldKid = parts(before).header.kid;
    const newKid = await h.deps.auth.keys.rotate();
    expect(newKid).not.toBe(oldKid);
    await expect(h.as(before).auth.me()).resolves.toMatchObject({ id: account.id });
    const after = (await h.login(account)).accessToken;
    expect(parts(after).header.kid).toBe(newKid);
    expect(h.deps.auth.keys.jwks().keys.map((k) => k.kid)).toEqual(expect.arrayContaining([oldKid, newKid]));
    h.clock.advance(16 * 60);
    try {
      expect(h.deps.auth.keys.jwks().keys.map((k) => k.kid)).not.toContain(oldKid);
    } finally {
      h.clock.advance(-16 * 60);
    }
  });
});
