/**
 * Test support for the OAuth authorization server: the app served on a real socket, a
 * strict third-party client (oauth4webapi) registered through discovery and dynamic
 * registration, and a browser (plain fetch with a cookie jar) that reads the sign-in, second
 * factor and consent pages and submits their forms.
 */
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import * as oauth from "oauth4webapi";
import type { Harness, TestAccount } from "./harness.js";

export interface Served {
  url: string;
  close(): Promise<void>;
}

/** Serves `h.app` on 127.0.0.1 at a free port. */
export async function serveApp(h: Harness): Promise<Served> {
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const s = serve({ fetch: h.app.fetch, port: 0, hostname: "127.0.0.1" }, () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        (server as unknown as { closeAllConnections(): void }).closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export const INSECURE = { [oauth.allowInsecureRequests]: true } as const;

/** Discovery (RFC 8414) as a strict client performs it. */
export async function discover(issuer: string): Promise<oauth.AuthorizationServer> {
  const url = new URL(issuer);
  return oauth.processDiscoveryResponse(url, await oauth.discoveryRequest(url, { algorithm: "oauth2", ...INSECURE }));
}

/** Registers a public client (PKCE, no secret) redirecting to `redirectUri`. */
export async function registerPublicClient(
  as: oauth.AuthorizationServer,
  redirectUri: string,
  initialAccessToken?: string,
): Promise<oauth.Client> {
  const response = await oauth.dynamicClientRegistrationRequest(
    as,
    {
      client_name: "Test <Agent> & Co",
      redirect_uris: [redirectUri],
      grant_types: ["authorization_code", "refresh_token"],
      response_types: ["code"],
      token_endpoint_auth_method: "none",
    },
    { ...INSECURE, ...(initialAccessToken ? { initialAccessToken } : {}) },
  );
  return oauth.processDynamicClientRegistrationResponse(response);
}

export interface PageForm {
  action: string;
  fields: Record<string, string>;
}

export interface Page {
  status: number;
  url: string;
  html: string;
  headers: Headers;
  forms: PageForm[];
}

const ENTITIES: Record<string, string> = { "&amp;": "&", "&lt;": "<", "&gt;": ">", "&quot;": '"', "&#39;": "'" };
const decodeEntities = (value: string) => value.replace(/&(amp|lt|gt|quot|#39);/g, (e) => ENTITIES[e] ?? e);

/** The forms of a page: their action and hidden fields. */
function formsOf(html: string): PageForm[] {
  return [...html.matchAll(/<form[^>]*action="([^"]*)"[^>]*>([\s\S]*?)<\/form>/g)].map(([, action, inner]) => ({
    action: decodeEntities(action ?? ""),
    fields: Object.fromEntries(
      [...(inner ?? "").matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].map(([, n, v]) => [
        n ?? "",
        decodeEntities(v ?? ""),
      ]),
    ),
  }));
}

/** A browser: follows redirects by hand, keeps cookies, reads pages and submits their forms. */
export class Browser {
  readonly jar = new Map<string, string>();

  constructor(private readonly stopAt: string) {}

  async #fetch(url: string, init: RequestInit = {}): Promise<Response> {
    const cookie = [...this.jar].map(([name, value]) => `${name}=${value}`).join("; ");
    const headers = new Headers(init.headers);
    if (cookie) headers.set("cookie", cookie);
    headers.set("user-agent", "oauth-kit-browser");
    const response = await fetch(url, { ...init, headers, redirect: "manual" });
    for (const line of response.headers.getSetCookie()) {
      const [pair = "", ...attributes] = line.split(";");
      const at = pair.indexOf("=");
      const name = pair.slice(0, at).trim();
      const gone = attributes.some((a) => /^\s*max-age=0\s*$/i.test(a) || /^\s*expires=thu, 01 jan 1970/i.test(a));
      if (gone) this.jar.delete(name);
      else this.jar.set(name, pair.slice(at + 1));
    }
    return response;
  }

  /** Follows redirects from `response` until a page, or a redirect to the client (`stopAt`), which is returned as a URL. */
  async #land(url: string, response: Response): Promise<Page | URL> {
    let current = url;
    let answer = response;
    for (let hop = 0; hop < 10; hop++) {
      const location = answer.headers.get("location");
      if (!location || answer.status < 300 || answer.status >= 400) {
        const html = await answer.text();
        return { status: answer.status, url: current, html, headers: answer.headers, forms: formsOf(html) };
      }
      current = new URL(location, current).toString();
      if (current.startsWith(this.stopAt)) return new URL(current);
      answer = await this.#fetch(current);
    }
    throw new Error("too many redirects");
  }

  /** Opens `url` (an authorization request) and follows it. */
  async open(url: string): Promise<Page | URL> {
    return this.#land(url, await this.#fetch(url));
  }

  /** Submits the form of `page` whose action ends with `suffix`, with its hidden fields plus `fields`. */
  async submit(page: Page, suffix: string, fields: Record<string, string> = {}): Promise<Page | URL> {
    const form = page.forms.find((f) => f.action.endsWith(suffix));
    if (!form)
      throw new Error(`no form ending in ${suffix} on ${page.url} (${page.status}): ${page.html.slice(0, 400)}`);
    const target = new URL(form.action, page.url).toString();
    const body = new URLSearchParams({ ...form.fields, ...fields });
    return this.#land(target, await this.#fetch(target, { method: "POST", body }));
  }
}

/** Narrows a landing to a page, failing the test with what arrived instead. */
export function asPage(landing: Page | URL): Page {
  if (landing instanceof URL) throw new Error(`expected a page, got a redirect to ${landing}`);
  return landing;
}

/** Narrows a landing to the redirect back to the client. */
export function asCallback(landing: Page | URL): URL {
  if (!(landing instanceof URL))
    throw new Error(`expected the redirect to the client, got ${landing.status}: ${landing.html.slice(0, 500)}`);
  return landing;
}

export interface Authorization {
  url: URL;
  state: string;
  verifier: string;
}

/** An authorization request for `client` with PKCE S256 (and `extra` parameters, e.g. resource). */
export async function authorizationRequest(
  as: oauth.AuthorizationServer,
  client: oauth.Client,
  redirectUri: string,
  scope: string,
  extra: Record<string, string> = {},
): Promise<Authorization> {
  const verifier = oauth.generateRandomCodeVerifier();
  const state = oauth.generateRandomState();
  const url = new URL(as.authorization_endpoint ?? "");
  url.searchParams.set("client_id", client.client_id);
  url.searchParams.set("redirect_uri", redirectUri);
  url.searchParams.set("response_type", "code");
  url.searchParams.set("scope", scope);
  url.searchParams.set("state", state);
  url.searchParams.set("code_challenge", await oauth.calculatePKCECodeChallenge(verifier));
  url.searchParams.set("code_challenge_method", "S256");
  for (const [name, value] of Object.entries(extra)) url.searchParams.set(name, value);
  return { url, state, verifier };
}

/** Signs in on the page (password, then the code when `code` is given) and consents; returns the redirect to the client. */
export async function signInAndConsent(
  browser: Browser,
  authorization: Authorization,
  account: Pick<TestAccount, "email" | "password">,
  code?: () => string,
): Promise<URL> {
  let landing = await browser.submit(asPage(await browser.open(authorization.url.toString())), "/login", {
    email: account.email,
    password: account.password,
  });
  if (code) landing = await browser.submit(asPage(landing), "/totp", { code: code() });
  return asCallback(await browser.submit(asPage(landing), "/consent"));
}
