/**
 * GET/POST /reset-password: the page the reset mail links to, server-rendered without scripts.
 * With a web app build, GET is the app's route of the same URL instead (http/web-app.ts,
 * mailLinkRoutes, decides); POST stays here either way. GET says at once whether the link still
 * works; POST sets the password through auth.resetPassword (policy feedback shown on the form)
 * and keeps no session.
 */
import { Hono, type Context as HonoContext } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { appRouter } from "../../app-router.js";
import type { Context, Deps } from "../../context.js";
import { publicRoute } from "../../http/route-guard.js";
import type { AppEnv } from "../../http/types.js";
import { sha256 } from "../../lib/crypto.js";
import { mapError } from "../../lib/error-mapping.js";
import { formGuard } from "../../lib/pages/form-guard.js";
import { formFields, retryAfterHeader, type SafeHtml, sendPage } from "../../lib/pages/page-html.js";
import { createCallerFactory } from "../../trpc/init.js";
import { assertResetTokenLive } from "./password-reset.service.js";
import { newPasswordForm, passwordChanged, resetLinkProblem } from "./password-reset-pages.html.js";

const TITLE = "Reset your password";
const LINK_TOKEN = /^[\w-]{43}$/;
const DAMAGED = "This reset link is incomplete or damaged.";
const createCaller = createCallerFactory(appRouter);

/** The page's routes (GET and POST /reset-password), mounted at the root. */
export function passwordResetPages(deps: Deps, contextOf: (c: HonoContext<AppEnv>) => Context): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const open = publicRoute("mail-link page: the single-use reset token authenticates");
  const guard = formGuard(deps.auth.ring, deps.config);
  const binding = (token: string) => `password-reset|${sha256(token)}`;
  const page = (c: HonoContext<AppEnv>, status: ContentfulStatusCode, body: SafeHtml, headers = {}) =>
    sendPage(c, status, TITLE, body, headers);

  app.use("/reset-password", async (c, next) => {
    if (!deps.readiness.migrated || deps.readiness.shuttingDown) {
      return page(c, 503, resetLinkProblem("The server is starting or stopping; try again in a moment."));
    }
    await next();
  });

  app.get("/reset-password", open, async (c) => {
    const token = c.req.query("token") ?? "";
    if (!LINK_TOKEN.test(token)) return page(c, 400, resetLinkProblem(DAMAGED));
    try {
      await assertResetTokenLive(contextOf(c), token);
    } catch (error) {
      const mapped = mapError(error);
      return page(c, mapped.status as ContentfulStatusCode, resetLinkProblem(mapped.message));
    }
    return page(c, 200, newPasswordForm({ token, csrf: guard.issue(c, binding(token)) }));
  });

  app.post("/reset-password", open, async (c) => {
    const form = await formFields(c);
    const token = form.token ?? "";
    if (!LINK_TOKEN.test(token)) return page(c, 400, resetLinkProblem(DAMAGED));
    try {
      guard.verify(c, binding(token), form.csrf);
    } catch (error) {
      return page(c, 403, resetLinkProblem(mapError(error).message));
    }
    const again = (error: string, status: ContentfulStatusCode, headers = {}) =>
      page(c, status, newPasswordForm({ token, csrf: guard.issue(c, binding(token)), error }), headers);
    const newPassword = form.newPassword ?? "";
    if (newPassword !== form.confirmPassword) return again("The two passwords differ; type the same one twice.", 400);
    try {
      await createCaller(contextOf(c)).auth.resetPassword({ token, newPassword });
      return page(c, 200, passwordChanged(deps.config.appUrl));
    } catch (error) {
      const mapped = mapError(error);
      // A spent or expired link cannot be retried; a refused password can.
      if (mapped.code === "AUTH_TOKEN_INVALID" || mapped.code === "AUTH_TOKEN_EXPIRED") {
        return page(c, mapped.status as ContentfulStatusCode, resetLinkProblem(mapped.message));
      }
      return again(mapped.message, mapped.status as ContentfulStatusCode, retryAfterHeader(error));
    }
  });
  return app;
}
