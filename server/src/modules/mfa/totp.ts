/**
 * TOTP (RFC 6238) through otplib: secrets, otpauth:// URIs for authenticator apps, and
 * verification that reports which time step matched, so a caller can accept each step once.
 */
import { generateSecret, generateURI, verify } from "otplib";
import { toDataURL } from "qrcode";

export const TOTP_ISSUER = "Assay";
export const TOTP_PERIOD_SECONDS = 30;

/** A new base32 secret (160 bits, the RFC 4226 recommendation). */
export function newTotpSecret(): string {
  return generateSecret({ length: 20 });
}

/** The otpauth:// URI an authenticator app scans (issuer "Assay", account = email). */
export function otpauthUri(email: string, secret: string): string {
  return generateURI({ issuer: TOTP_ISSUER, label: email, secret, period: TOTP_PERIOD_SECONDS });
}

/** The URI as a PNG data URL, for an <img> in the set-up screen. */
export function qrCodeDataUrl(uri: string): Promise<string> {
  return toDataURL(uri, { errorCorrectionLevel: "M", margin: 1, width: 240 });
}

/**
 * The RFC 6238 time step `code` matches at `now`, within ±`driftSteps` periods, or null.
 * The caller must still claim the step (compare-and-set) before accepting the code.
 */
export async function matchTotp(secret: string, code: string, now: Date, driftSteps: number): Promise<number | null> {
  try {
    const result = await verify({
      secret,
      token: code,
      period: TOTP_PERIOD_SECONDS,
      epoch: Math.floor(now.getTime() / 1000),
      epochTolerance: driftSteps * TOTP_PERIOD_SECONDS,
    });
    return result.valid && "timeStep" in result ? result.timeStep : null;
  } catch {
    // Malformed token (length, characters): simply not a match.
    return null;
  }
}
