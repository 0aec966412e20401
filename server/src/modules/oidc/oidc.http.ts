/** The browser's side of federated sign-in: GET /auth/oidc/:provider/start and /callback (302 redirects). */
import { Hono, type Context as HonoContext } from "hono";
import type { Context } from "../../context.js";
import { publicRoute } from "../../http/route-guard.js";
import type { AppEnv } from "../../http/types.js";
import { completeOidcLogin, startOidcLogin } from "./oidc-flow.service.js";

// The browser arrives signed out; state, PKCE and nonce (oidc-flow.service) protect the flow.
const BROWSER_FLOW = "federated sign-in redirects";

/** The routes, given how a request's context is built (the app's `contextOf`). */
export function oidcRoutes(contextFor: (c: HonoContext<AppEnv>) => Context): Hono<AppEnv> {
  const routes = new Hono<AppEnv>();
  routes.get("/:provider/start", publicRoute(BROWSER_FLOW), async (c) => {
    const location = await startOidcLogin(contextFor(c), {
      provider: c.req.param("provider"),
      returnTo: c.req.query("returnTo"),
      requestOrigin: new URL(c.req.url).origin,
    });
    c.header("cache-control", "no-store");
    return c.redirect(location, 302);
  });
  routes.get("/:provider/callback", publicRoute(BROWSER_FLOW), async (c) => {
    const location = await completeOidcLogin(contextFor(c), {
      provider: c.req.param("provider"),
      query: {
        state: c.req.query("state"),
        code: c.req.query("code"),
        error: c.req.query("error"),
        iss: c.req.query("iss"),
      },
      requestOrigin: new URL(c.req.url).origin,
    });
    c.header("cache-control", "no-store");
    return c.redirect(location, 302);
  });
  return routes;
}
