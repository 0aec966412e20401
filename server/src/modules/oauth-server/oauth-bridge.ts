/**
 * oidc-provider is a Koa (node:http) application; Assay is a Hono (fetch) one. The bridge hands
 * a Hono request to the provider as an injected node:http request (light-my-request) and turns
 * its answer back into a fetch Response, so every Hono middleware (request id, access log,
 * security headers, body limit, readiness) still applies. The provider sees the host and
 * protocol of the issuer, never a client's own X-Forwarded-* headers, and the client address
 * Assay trusts.
 */
import { IncomingMessage, ServerResponse } from "node:http";
import { Socket } from "node:net";
import type { Context as HonoContext } from "hono";
import inject from "light-my-request";
import type Provider from "oidc-provider";
import type { AppEnv } from "../../http/types.js";

const NO_BODY = new Set([101, 204, 205, 304]);
/** Framing is the outer server's business: it frames the buffered body itself. */
const HOP_BY_HOP = new Set(["connection", "keep-alive", "transfer-encoding", "content-length"]);

/** The request headers the provider may see: the client's own, with host and protocol those of `issuer`. */
function providerHeaders(c: HonoContext<AppEnv>, issuer: string): Record<string, string> {
  const headers: Record<string, string> = {};
  c.req.raw.headers.forEach((value, name) => {
    if (!name.startsWith("x-forwarded-") && name !== "forwarded") headers[name] = value;
  });
  const origin = new URL(issuer);
  headers.host = origin.host;
  headers["x-forwarded-proto"] = origin.protocol.slice(0, -1);
  headers["x-request-id"] = c.var.requestId;
  return headers;
}

const callbacks = new WeakMap<Provider, ReturnType<Provider["callback"]>>();

/** Answers `c` with `provider`; `clientIp` is the caller's address as Assay determined it. */
export async function forwardToProvider(
  c: HonoContext<AppEnv>,
  provider: Provider,
  issuer: string,
  clientIp: string | null,
): Promise<Response> {
  let callback = callbacks.get(provider);
  if (!callback) {
    callback = provider.callback();
    callbacks.set(provider, callback);
  }
  const url = new URL(c.req.url);
  const method = c.req.method.toUpperCase();
  const payload = method === "GET" || method === "HEAD" ? undefined : Buffer.from(await c.req.arrayBuffer());
  const answer = await inject(callback, {
    method: method as "GET",
    url: `${url.pathname}${url.search}`,
    headers: providerHeaders(c, issuer),
    ...(payload ? { payload } : {}),
    ...(clientIp ? { remoteAddress: clientIp } : {}),
  });
  const headers = new Headers();
  for (const [name, value] of Object.entries(answer.headers)) {
    if (value === undefined || HOP_BY_HOP.has(name.toLowerCase())) continue;
    for (const one of Array.isArray(value) ? value : [value]) headers.append(name, String(one));
  }
  const body = NO_BODY.has(answer.statusCode) || method === "HEAD" ? null : new Uint8Array(answer.rawPayload);
  return new Response(body, { status: answer.statusCode, headers });
}

/**
 * A node:http request carrying `c`'s cookies, for the provider's interaction API
 * (`interactionDetails`, `interactionResult`), which reads its signed interaction cookie.
 */
export function interactionRequest(
  c: HonoContext<AppEnv>,
  issuer: string,
): { req: IncomingMessage; res: ServerResponse } {
  const req = new IncomingMessage(new Socket());
  req.method = c.req.method;
  req.url = new URL(c.req.url).pathname;
  req.headers = providerHeaders(c, issuer);
  return { req, res: new ServerResponse(req) };
}
