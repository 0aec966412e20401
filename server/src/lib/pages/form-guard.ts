/**
 * CSRF protection for the server-rendered forms: a random nonce in a SameSite=Strict,
 * HttpOnly cookie (`__Host-` prefixed over https), and in the form an HMAC of that nonce
 * bound to the form's purpose and link token (ENCRYPTION_KEY-derived key, so every instance
 * checks it). A POST must bring both, matching, and must not come from another site
 * (Origin, Sec-Fetch-Site). Origin `null` is allowed: with Referrer-Policy no-referrer,
 * browsers send exactly that on a page's own form posts; the token pair still has to match.
 */
import type { Context as HonoContext } from "hono";
import { getCookie, setCookie } from "hono/cookie";
import type { Config } from "../../config.js";
import { AppError } from "../app-error.js";
import { type KeyRing, randomToken } from "../crypto.js";

const COOKIE = "assay-form";
const MAX_AGE_SECONDS = 30 * 60;

export interface FormGuard {
  /** The value of the form's `csrf` field for `binding` (sets the cookie when the browser has none). */
  issue(c: HonoContext, binding: string): string;
  /** Throws FORBIDDEN unless the POST carries a matching cookie and field, and comes from this site. */
  verify(c: HonoContext, binding: string, field: string | undefined): void;
}

/** The guard over `ring`; `config` tells which origins are this site's own. */
export function formGuard(ring: KeyRing, config: Pick<Config, "publicUrl" | "appUrl" | "isProduction">): FormGuard {
  const configured = [config.publicUrl, config.appUrl].flatMap((url) => (url ? [new URL(url).origin] : []));
  const secure = (c: HonoContext) =>
    config.isProduction || configured.some((o) => o.startsWith("https:")) || new URL(c.req.url).protocol === "https:";
  const cookieOf = (c: HonoContext) => getCookie(c, COOKIE, secure(c) ? "host" : undefined);
  const tagOf = (nonce: string, binding: string) => ring.mac("page-form", `${nonce}|${binding}`);
  const refused = () =>
    new AppError("FORBIDDEN", "This form has expired or did not come from this page: open the link again.");

  return {
    issue(c, binding) {
      let nonce = cookieOf(c);
      if (!nonce || !/^[\w-]{43}$/.test(nonce)) {
        nonce = randomToken();
        setCookie(c, COOKIE, nonce, {
          path: "/",
          httpOnly: true,
          sameSite: "Strict",
          maxAge: MAX_AGE_SECONDS,
          ...(secure(c) ? { secure: true, prefix: "host" as const } : {}),
        });
      }
      return tagOf(nonce, binding);
    },
    verify(c, binding, field) {
      const origin = c.req.header("origin");
      const own = new Set([...configured, new URL(c.req.url).origin]);
      if (origin && origin !== "null" && !own.has(origin)) throw refused();
      const site = c.req.header("sec-fetch-site");
      if (site && site !== "same-origin") throw refused();
      const nonce = cookieOf(c);
      if (!nonce || !field || !ring.verifyMac("page-form", `${nonce}|${binding}`, field)) throw refused();
    },
  };
}
