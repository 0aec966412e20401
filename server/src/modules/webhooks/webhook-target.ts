/**
 * Where a webhook may point. Only http and https; without WEBHOOK_ALLOW_PRIVATE_NETWORKS,
 * every address the host resolves to must be public unicast: private (RFC 1918), loopback,
 * link-local (cloud metadata at 169.254.169.254), unique-local v6, CGNAT, unspecified
 * (0.0.0.0), multicast and reserved ranges are refused, IPv4-mapped v6 judged as the v4 it
 * carries. Checked when a webhook is saved and again at each delivery, whose connection goes
 * to the very address checked (no second lookup that DNS rebinding could answer differently).
 */
import { lookup } from "node:dns/promises";
import ipaddr from "ipaddr.js";

/** A target refused, with the reason a person can act on. */
export class TargetRefusedError extends Error {
  override readonly name = "TargetRefusedError";
}

export interface ResolvedTarget {
  url: URL;
  /** The checked address the connection goes to. */
  address: string;
  family: 4 | 6;
}

/** True for a public unicast address (not private, loopback, link-local, reserved, ...). */
export function isPublicAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return false;
  return ipaddr.process(address).range() === "unicast";
}

/** The URL when it is an absolute http(s) URL without credentials; TargetRefusedError otherwise. */
export function parseTargetUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new TargetRefusedError("must be an absolute http:// or https:// URL");
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new TargetRefusedError("must be an http:// or https:// URL");
  }
  if (url.username || url.password) throw new TargetRefusedError("must not carry a user name or password");
  return url;
}

/** The addresses `host` stands for: itself when it is an IP literal, its DNS answers otherwise. */
async function addressesOf(host: string): Promise<{ address: string; family: 4 | 6 }[]> {
  if (ipaddr.isValid(host)) return [{ address: host, family: ipaddr.parse(host).kind() === "ipv6" ? 6 : 4 }];
  try {
    const answers = await lookup(host, { all: true, verbatim: true });
    return answers.map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 }));
  } catch {
    throw new TargetRefusedError(`${host} could not be resolved`);
  }
}

/** Parses and resolves `raw`, checking every address; TargetRefusedError names what is wrong. */
export async function resolveTarget(raw: string, allowPrivateNetworks: boolean): Promise<ResolvedTarget> {
  const url = parseTargetUrl(raw);
  const host = url.hostname.replace(/^\[(.*)\]$/, "$1");
  const addresses = await addressesOf(host);
  const first = addresses[0];
  if (!first) throw new TargetRefusedError(`${host} could not be resolved`);
  if (!allowPrivateNetworks) {
    for (const { address } of addresses) {
      if (!isPublicAddress(address)) {
        throw new TargetRefusedError(
          `${host === address ? address : `${host} resolves to ${address}, which`} is a private, loopback, link-local or reserved address: webhooks may only reach public addresses`,
        );
      }
    }
  }
  return { url, address: first.address, family: first.family };
}
