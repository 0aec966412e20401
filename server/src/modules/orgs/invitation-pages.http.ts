/**
 * GET/POST /invitations/accept: the page the invitation mail links to, server-rendered without
 * scripts. With a web app build, GET is the app's route of the same URL instead
 * (http/web-app.ts, mailLinkRoutes, decides); POST stays here either way. It signs in (or
 * registers) through the real auth procedures, with the TOTP step when the account has a
 * factor, accepts through invitations.accept as that account, then ends the session it opened:
 * the page keeps no credentials.
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
import { acceptedPage, codeForm, linkProblem, signInForm } from "./invitation-pages.html.js";

const TITLE = "Join an organization";
const LINK_TOKEN = /^[\w-]{43}$/;
const createCaller = createCallerFactory(appRouter);

/** The same request's context, calling as the holder of `accessToken`. */
function asBearer(ctx: Context, accessToken: string): Context {
  return { ...ctx, req: { ...ctx.req, headers: new Headers({ authorization: `Bearer ${accessToken}` }) } };
}

/** The page's routes, mounted at /invitations. */
export function invitationPages(deps: Deps, contextOf: (c: HonoContext<AppEnv>) => Context): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const open = publicRoute("mail-link page: the invitation token and the page's own sign-in form authenticate");
  const guard = formGuard(deps.auth.ring, deps.config);
  const binding = (token: string) => `invitation|${sha256(token)}`;
  const { registrationOpen } = deps.config.auth;
  const page = (c: HonoContext<AppEnv>, status: ContentfulStatusCode, body: SafeHtml, headers = {}) =>
    sendPage(c, status, TITLE, body, headers);

  app.use(async (c, next) => {
    if (!deps.readiness.migrated || deps.readiness.shuttingDown) {
      return page(c, 503, linkProblem("The server is starting or stopping; try again in a moment."));
    }
    await next();
  });

  app.get("/accept", open, (c) => {
    const token = c.req.query("token") ?? "";
    if (!LINK_TOKEN.test(token)) return page(c, 400, linkProblem("This invitation link is incomplete or damaged."));
    return page(c, 200, signInForm({ token, csrf: guard.issue(c, binding(token)), registrationOpen }));
  });

  app.post("/accept", open, async (c) => {
    const form = await formFields(c);
    const token = form.token ?? "";
    if (!LINK_TOKEN.test(token)) return page(c, 400, linkProblem("This invitation link is incomplete or damaged."));
    try {
      guard.verify(c, binding(token), form.csrf);
    } catch (error) {
      return page(c, 403, linkProblem(mapError(error).message));
    }
    const csrf = guard.issue(c, binding(token));
    const ctx = contextOf(c);
    const anonymous = createCaller(ctx);
    let accessToken: string;
    try {
      if (form.step === "code") {
        const proof = /^\d{6}$/.test((form.code ?? "").replace(/\s/g, ""))
          ? { code: (form.code ?? "").replace(/\s/g, "") }
          : { recoveryCode: form.code ?? "" };
        accessToken = (await anonymous.auth.verifyMfa({ challenge: form.challenge ?? "", ...proof })).accessToken;
      } else if (form.step === "register") {
        const input = { email: form.email ?? "", password: form.password ?? "", name: form.name ?? "" };
        accessToken = (await anonymous.auth.register(input)).accessToken;
      } else {
        const result = await anonymous.auth.login({ email: form.email ?? "", password: form.password ?? "" });
        if (result.mfaRequired) return page(c, 200, codeForm({ token, csrf, challenge: result.challenge }));
        accessToken = result.accessToken;
      }
    } catch (error) {
      const mapped = mapError(error);
      const view = { token, csrf, error: mapped.message };
      const body =
        form.step === "code"
          ? codeForm({ ...view, challenge: form.challenge ?? "" })
          : signInForm({ ...view, email: form.email, registrationOpen });
      return page(c, mapped.status as ContentfulStatusCode, body, retryAfterHeader(error));
    }
    const member = createCaller(asBearer(ctx, accessToken));
    try {
      const org = await member.invitations.accept({ token });
      return page(c, 200, acceptedPage(org, deps.config.appUrl));
    } catch (error) {
      const mapped = mapError(error);
      return page(c, mapped.status as ContentfulStatusCode, linkProblem(mapped.message), retryAfterHeader(error));
    } finally {
      await member.auth.logout().catch((err: unknown) => ctx.log.warn({ err }, "invitation page: sign-out failed"));
    }
  });
  return app;
}
