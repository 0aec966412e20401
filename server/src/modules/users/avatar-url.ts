/**
 * Avatar URLs are rendered by the SPA (and by anything else that shows a profile), so they
 * must be a plain https address and nothing more: no quotes, whitespace, angle brackets,
 * backslashes or control characters that could break out of an attribute, no credentials,
 * and written exactly as the WHATWG URL parser serializes it, so what was checked is what
 * every consumer will parse.
 */
import { z } from "zod";

export const AVATAR_URL_MAX = 2048;

const UNSAFE = /[\s"'`<>\\\p{Cc}]/u;

/** True when `value` is an https URL that is safe to place in markup as it is. */
export function isSafeAvatarUrl(value: string): boolean {
  if (value.length > AVATAR_URL_MAX || UNSAFE.test(value) || !URL.canParse(value)) return false;
  const url = new URL(value);
  return (
    url.protocol === "https:" &&
    url.href === value &&
    url.username === "" &&
    url.password === "" &&
    z.regexes.hostname.test(url.hostname)
  );
}

/** `value` when it is a safe avatar URL, otherwise null (for avatars a provider supplies). */
export function safeAvatarUrlOrNull(value: string | null | undefined): string | null {
  return value && isSafeAvatarUrl(value) ? value : null;
}

// https only: the SPA renders avatars on pages served over TLS, and http images leak who views them.
// Not z.url(): it normalizes (drops a tab, say) before any check could see the raw value.
export const avatarUrlSchema = z
  .string()
  .max(AVATAR_URL_MAX)
  .refine(isSafeAvatarUrl, {
    error:
      "must be a plain https URL as a browser writes it (e.g. https://cdn.example.com/a.png): no quotes, spaces, angle brackets, control characters or credentials",
  })
  .meta({ format: "uri" });
