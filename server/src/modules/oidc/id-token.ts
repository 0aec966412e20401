/**
 * OpenID Connect for generic issuers: the discovery document (fetched once per issuer and
 * cached), and ID-token verification with jose against the issuer's JWKS: signature, `iss`,
 * `aud` (and `azp`), `exp`/`iat`, and the `nonce` this server sent (stored only hashed).
 */
import { createRemoteJWKSet, type JWTPayload, errors as joseErrors, jwtVerify, type RemoteJWKSet } from "jose";
import { z } from "zod";
import { safeEqual, sha256 } from "../../lib/crypto.js";
import { fetchJson, OidcFlowError } from "./oidc-errors.js";

const DISCOVERY_TTL_MS = 60 * 60 * 1000;
// Asymmetric only: an HS256 token would be "signed" with the client secret, `none` not at all.
const ASYMMETRIC = /^(RS|PS|ES)(256|384|512)$|^EdDSA$|^Ed25519$/;
/** Tolerated clock skew between this server and the provider, in seconds. */
export const ID_TOKEN_CLOCK_TOLERANCE_SECONDS = 30;

const discoverySchema = z.object({
  issuer: z.string(),
  authorization_endpoint: z.url(),
  token_endpoint: z.url(),
  jwks_uri: z.url(),
  userinfo_endpoint: z.url().optional(),
  id_token_signing_alg_values_supported: z.array(z.string()).optional(),
});

export interface IssuerMetadata {
  issuer: string;
  authorizationEndpoint: string;
  tokenEndpoint: string;
  userinfoEndpoint: string | undefined;
  algorithms: string[];
  jwks: RemoteJWKSet;
}

const discovered = new Map<string, { metadata: IssuerMetadata; expiresAt: number }>();

const trimSlash = (v: string) => v.replace(/\/+$/, "");

/** The issuer's metadata from `/.well-known/openid-configuration`, cached for an hour. */
export async function discover(issuer: string): Promise<IssuerMetadata> {
  const cached = discovered.get(issuer);
  if (cached && cached.expiresAt > Date.now()) return cached.metadata;
  const raw = await fetchJson(`${trimSlash(issuer)}/.well-known/openid-configuration`, {}, "discovery");
  const parsed = discoverySchema.safeParse(raw);
  // The document must describe the configured issuer, not some other one (OIDC Discovery §4.3).
  if (!parsed.success || trimSlash(parsed.data.issuer) !== trimSlash(issuer)) {
    throw new OidcFlowError("login_failed", "discovery_invalid");
  }
  const doc = parsed.data;
  const metadata: IssuerMetadata = {
    issuer: doc.issuer,
    authorizationEndpoint: doc.authorization_endpoint,
    tokenEndpoint: doc.token_endpoint,
    userinfoEndpoint: doc.userinfo_endpoint,
    algorithms: (doc.id_token_signing_alg_values_supported ?? ["RS256"]).filter((alg) => ASYMMETRIC.test(alg)),
    jwks: createRemoteJWKSet(new URL(doc.jwks_uri)),
  };
  discovered.set(issuer, { metadata, expiresAt: Date.now() + DISCOVERY_TTL_MS });
  return metadata;
}

export interface IdTokenExpectations {
  jwks: RemoteJWKSet;
  issuer: string | string[];
  clientId: string;
  algorithms: string[];
  /** SHA-256 of the nonce sent in the authorization request. */
  nonceHash: string;
  now: Date;
}

function reasonOf(error: unknown): string {
  if (error instanceof joseErrors.JWTExpired) return "id_token_expired";
  if (error instanceof joseErrors.JWTClaimValidationFailed) return `id_token_claim_${error.claim}`;
  if (error instanceof joseErrors.JWSSignatureVerificationFailed) return "id_token_signature";
  if (error instanceof joseErrors.JWKSNoMatchingKey) return "id_token_unknown_key";
  return "id_token_invalid";
}

/** The verified claims of an ID token; login_failed (with the precise reason) otherwise. */
export async function verifyIdToken(idToken: string, expected: IdTokenExpectations): Promise<JWTPayload> {
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(idToken, expected.jwks, {
      issuer: expected.issuer,
      audience: expected.clientId,
      algorithms: expected.algorithms,
      currentDate: expected.now,
      clockTolerance: ID_TOKEN_CLOCK_TOLERANCE_SECONDS,
      requiredClaims: ["sub", "iat", "exp", "nonce"],
    }));
  } catch (error) {
    throw new OidcFlowError("login_failed", reasonOf(error), { cause: error });
  }
  // Binds the token to this browser's authorization request (replayed or injected tokens fail).
  if (typeof payload.nonce !== "string" || !safeEqual(sha256(payload.nonce), expected.nonceHash)) {
    throw new OidcFlowError("login_failed", "id_token_nonce_mismatch");
  }
  const audiences = Array.isArray(payload.aud) ? payload.aud : [payload.aud];
  if (audiences.length > 1 && payload.azp !== expected.clientId) {
    throw new OidcFlowError("login_failed", "id_token_azp_mismatch");
  }
  return payload;
}

/** `email_verified` as providers send it (some as the string "true"). */
export function isTrue(value: unknown): boolean {
  return value === true || value === "true";
}
