/** Test support: enrolling an account in TOTP, with codes from `otpauth` (an independent implementation). */
import * as OTPAuth from "otpauth";
import type { Harness, TestAccount } from "./harness.js";

export interface Enrolled {
  accessToken: string;
  totp: OTPAuth.TOTP;
  recoveryCodes: string[];
  /** The code for the harness clock's current time step. */
  code(): string;
}

/** The authenticator app: parses the otpauth:// URI the server handed out. */
export function authenticatorFor(otpauthUri: string): OTPAuth.TOTP {
  const parsed = OTPAuth.URI.parse(otpauthUri);
  if (!(parsed instanceof OTPAuth.TOTP)) throw new Error("not a TOTP URI");
  return parsed;
}

/** Signs in, sets up and confirms TOTP; the next time step is current on return (the confirming one is spent). */
export async function enrol(h: Harness, account: TestAccount): Promise<Enrolled> {
  const { accessToken } = await h.login(account);
  const setup = await h.as(accessToken).mfa.setup();
  const totp = authenticatorFor(setup.otpauthUri);
  const code = () => totp.generate({ timestamp: h.clock.now().getTime() });
  const { recoveryCodes } = await h.as(accessToken).mfa.confirm({ code: code() });
  h.clock.advance(30);
  return { accessToken, totp, recoveryCodes, code };
}
