/**
 * The authorization server's doors: the discovery documents at the root (RFC 8414 for an
 * issuer without a path, and OpenID Connect's), the sign-in and consent pages, and every
 * provider endpoint under /oauth (authorize, token, register, revoke, introspect, jwks). The
 * endpoints are public routes: each authenticates its client itself (oidc-provider).
 */
import type { Hono, Context as HonoContext } from "hono";
import type { Context, Deps } from "../../context.js";
import { publicRoute } from "../../http/route-guard.js";
import type { AppEnv } from "../../http/types.js";
import { forwardToProvider } from "./oauth-bridge.js";
import { interactionRoutes } from "./oauth-pages.http.js";
import { INTERACTION_PATH, OAuthProviders } from "./oauth-provider.js";
import { issuerFor } from "./oauth-resources.js";

/** The paths the authorization server answers, besides /oauth/* (for readiness and CORS). */
export const OAUTH_DISCOVERY_PATHS = ["/.well-known/oauth-authorization-server", "/.well-known/openid-configuration"];

/** Mounts the authorization server on `app`. */
export function mountOAuthServer(app: Hono<AppEnv>, deps: Deps, contextOf: (c: HonoContext<AppEnv>) => Context) {
  const providers = new OAuthProviders(deps);
  const forward = async (c: HonoContext<AppEnv>) => {
    const issuer = issuerFor(deps.config, c.req.url);
    return forwardToProvider(c, await providers.for(issuer), issuer, contextOf(c).req.ip);
  };
  const [authorizationServer, openidConfiguration] = OAUTH_DISCOVERY_PATHS as [string, string];
  app.get(authorizationServer, publicRoute("authorization server metadata (RFC 8414)"), forward);
  app.get(openidConfiguration, publicRoute("OpenID Connect discovery"), forward);
  app.route(INTERACTION_PATH, interactionRoutes(deps, providers, contextOf));
  app.all("/oauth/*", publicRoute("OAuth endpoints: each authenticates its client itself"), forward);
}
