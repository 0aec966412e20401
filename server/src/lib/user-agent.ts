/** Human-readable device facts from a User-Agent header, for the sessions list. */
import { UAParser } from "ua-parser-js";

export interface DeviceInfo {
  browser: string | null;
  os: string | null;
  deviceType: string;
}

export function describeUserAgent(userAgent: string | null): DeviceInfo {
  if (!userAgent) return { browser: null, os: null, deviceType: "unknown" };
  const parsed = new UAParser(userAgent).getResult();
  const join = (...parts: (string | undefined)[]) => parts.filter(Boolean).join(" ") || null;
  return {
    browser: join(parsed.browser.name, parsed.browser.major),
    os: join(parsed.os.name, parsed.os.version),
    // ua-parser leaves the type empty for desktops.
    deviceType: parsed.device.type ?? (parsed.browser.name || parsed.os.name ? "desktop" : "unknown"),
  };
}
