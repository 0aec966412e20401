/**
 * The sign-in and consent pages of the authorization server (/oauth/interaction/:uid): the
 * provider sends the browser here when it needs the person (prompt `login`) or their consent
 * (prompt `consent`). A form is accepted only from the browser that holds the interaction's
 * signed, SameSite cookie and with the form token bound to that interaction (CSRF).
 */
import { createHmac } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { Hono, type Context as HonoContext } from "hono";
import type Provider from "oidc-provider";
import type { InteractionResults } from "oidc-provider";
import type { Context, Deps } from "../../context.js";
import { originOf } from "../../context.js";
import { publicRoute } from "../../http/route-guard.js";
import type { AppEnv } from "../../http/types.js";
import { AppError } from "../../lib/app-error.js";
import { safeEqual } from "../../lib/crypto.js";
import { mapError } from "../../lib/error-mapping.js";
import { recordAudit } from "../audit/audit.js";
import { loginInput } from "../auth/auth.schemas.js";
import { interactionRequest } from "./oauth-bridge.js";
import { passwordStep, proofOf, secondFactorStep } from "./oauth-interaction.service.js";
import {
  consentPage,
  errorPage,
  type FormContext,
  PAGE_STYLE_CSP,
  pageCsp,
  secondFactorPage,
  signInPage,
} from "./oauth-page-views.js";
import { INTERACTION_PATH, type OAuthProviders } from "./oauth-provider.js";
import { issuerFor } from "./oauth-resources.js";
import { oidcModule } from "./oidc-module.js";

type ContextOf = (c: HonoContext<AppEnv>) => Context;
type Interaction = Awaited<ReturnType<Provider["interactionDetails"]>>;

interface Open {
  provider: Provider;
  details: Interaction;
  node: { req: IncomingMessage; res: ServerResponse };
  form: FormContext;
  redirectUri: string | undefined;
}

/** What the consent prompt lists as not yet granted (oidc-provider's prompt details). */
interface MissingGrants {
  missingOIDCScope?: string[];
  missingOIDCClaims?: string[];
  missingResourceScopes?: Record<string, string[]>;
}

const text = (value: unknown) => (typeof value === "string" ? value : "");

function page(c: HonoContext<AppEnv>, html: string, status: number, csp: string) {
  c.header("Content-Security-Policy", csp);
  c.header("Cache-Control", "no-store");
  return c.html(html, status as 200);
}

function expired(c: HonoContext<AppEnv>) {
  const message = "This sign-in request has expired or is unknown. Start again from the application.";
  return page(c, errorPage("Sign-in request not found", message), 404, PAGE_STYLE_CSP);
}

/** The routes under /oauth/interaction. */
export function interactionRoutes(deps: Deps, providers: OAuthProviders, contextOf: ContextOf): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const formKey = deps.auth.ring.derive("oauth-forms")[0] as Buffer;
  const csrfFor = (uid: string) => createHmac("sha256", formKey).update(uid).digest("base64url");

  /** The interaction this browser holds for `:uid`, or undefined (unknown, expired, another browser's). */
  async function open(c: HonoContext<AppEnv>): Promise<Open | undefined> {
    const issuer = issuerFor(deps.config, c.req.url);
    const provider = await providers.for(issuer);
    const { errors } = await oidcModule();
    const node = interactionRequest(c, issuer);
    // No interaction cookie, or an unknown or expired interaction: not this browser's to continue.
    const details = await provider.interactionDetails(node.req, node.res).catch((error: unknown) => {
      if (error instanceof errors.SessionNotFound) return undefined;
      throw error;
    });
    const uid = c.req.param("uid");
    if (!details || !uid || details.uid !== uid) return undefined;
    const clientId = text(details.params.client_id);
    const client = await provider.Client.find(clientId);
    const form = {
      action: `${INTERACTION_PATH}/${uid}`,
      csrf: csrfFor(uid),
      clientName: client?.clientName ?? clientId,
    };
    const redirectUri = text(details.params.redirect_uri) || client?.redirectUris?.[0];
    return { provider, details, node, form, redirectUri };
  }

  /** The posted form of an open interaction, once its form token checks out. */
  async function posted(c: HonoContext<AppEnv>): Promise<{ open: Open; body: Record<string, unknown> } | Response> {
    const found = await open(c);
    if (!found) return expired(c);
    const body = await c.req.parseBody();
    if (!safeEqual(text(body.csrf), found.form.csrf)) {
      return page(c, errorPage("Form expired", "Reload the page and try again."), 403, PAGE_STYLE_CSP);
    }
    return { open: found, body };
  }

  /** Hands the outcome to the provider and sends the browser back to it. */
  async function finish(c: HonoContext<AppEnv>, found: Open, result: InteractionResults) {
    const returnTo = await found.provider.interactionResult(found.node.req, found.node.res, result, {
      mergeWithLastSubmission: false,
    });
    return c.redirect(returnTo, 303);
  }

  /** A refusal shown on the page it came from, with the status the API would give. */
  function refused(c: HonoContext<AppEnv>, error: unknown, render: (message: string) => string, found: Open) {
    if (!(error instanceof AppError)) throw error;
    return page(c, render(error.message), mapError(error, false).status, pageCsp(found.redirectUri));
  }

  app.get("/:uid", publicRoute("the sign-in and consent page of an OAuth authorization"), async (c) => {
    const found = await open(c);
    if (!found) return expired(c);
    const { details, form } = found;
    const csp = pageCsp(found.redirectUri);
    if (details.prompt.name === "login") return page(c, signInPage(form), 200, csp);
    const accountId = details.session?.accountId;
    if (details.prompt.name !== "consent" || !accountId) return expired(c);
    const account = await deps.db.prisma.user.findUnique({ where: { id: accountId }, select: { email: true } });
    const missing = details.prompt.details as MissingGrants;
    const resourceScopes = Object.values(missing.missingResourceScopes ?? {}).flat();
    const scopes = [...new Set([...(missing.missingOIDCScope ?? []), ...resourceScopes])];
    const resources = Object.keys(missing.missingResourceScopes ?? {});
    const view = { account: account?.email ?? accountId, scopes, resources, redirectUri: found.redirectUri };
    return page(c, consentPage(form, view), 200, csp);
  });

  app.post("/:uid/login", publicRoute("the sign-in form of an OAuth authorization"), async (c) => {
    const got = await posted(c);
    if (got instanceof Response) return got;
    const { open: found, body } = got;
    if (found.details.prompt.name !== "login") return c.redirect(found.form.action, 303);
    const email = text(body.email).trim().toLowerCase();
    // The same bounds as auth.login (an over-long password never reaches Argon2).
    const input = loginInput.safeParse({ email, password: text(body.password) });
    if (!input.success) {
      const error = "Enter your email address and password";
      return page(c, signInPage(found.form, { email, error }), 400, pageCsp(found.redirectUri));
    }
    try {
      const outcome = await passwordStep(contextOf(c), input.data);
      if ("challenge" in outcome) {
        return page(c, secondFactorPage(found.form, outcome.challenge), 200, pageCsp(found.redirectUri));
      }
      return finish(c, found, { login: { accountId: outcome.userId, amr: ["pwd"] } });
    } catch (error) {
      return refused(c, error, (message) => signInPage(found.form, { email, error: message }), found);
    }
  });

  app.post("/:uid/totp", publicRoute("the second-factor form of an OAuth authorization"), async (c) => {
    const got = await posted(c);
    if (got instanceof Response) return got;
    const { open: found, body } = got;
    if (found.details.prompt.name !== "login") return c.redirect(found.form.action, 303);
    const challenge = text(body.challenge);
    try {
      const outcome = await secondFactorStep(contextOf(c), { challenge, proof: proofOf(text(body.code)) });
      return finish(c, found, { login: { accountId: outcome.userId, amr: ["pwd", "otp"] } });
    } catch (error) {
      // An expired or spent challenge starts the sign-in over; a wrong code asks again.
      const again = error instanceof AppError && error.code === "AUTH_TOKEN_INVALID";
      const render = (message: string) =>
        again ? signInPage(found.form, { error: message }) : secondFactorPage(found.form, challenge, message);
      return refused(c, error, render, found);
    }
  });

  app.post("/:uid/consent", publicRoute("the consent form of an OAuth authorization"), async (c) => {
    const got = await posted(c);
    if (got instanceof Response) return got;
    const { open: found } = got;
    const { details, provider } = found;
    const accountId = details.session?.accountId;
    if (details.prompt.name !== "consent" || !accountId) return c.redirect(found.form.action, 303);
    const clientId = text(details.params.client_id);
    const existing = details.grantId ? await provider.Grant.find(details.grantId) : undefined;
    const grant = existing ?? new provider.Grant({ accountId, clientId });
    const missing = details.prompt.details as MissingGrants;
    if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(" "));
    if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
    // The provider lists only scopes the resource knows (SCOPES): the grant is their intersection.
    for (const [resource, scopes] of Object.entries(missing.missingResourceScopes ?? {})) {
      grant.addResourceScope(resource, scopes.join(" "));
    }
    const grantId = await grant.save();
    await recordAudit(deps.db.prisma, originOf(contextOf(c)), {
      type: "oauth.consent.granted",
      actorId: accountId,
      targetType: "oauth_grant",
      targetId: grantId,
      metadata: { clientId, scopes: Object.values(missing.missingResourceScopes ?? {}).flat() },
    });
    return finish(c, found, { consent: { grantId } });
  });

  app.post("/:uid/abort", publicRoute("the cancel button of an OAuth authorization"), async (c) => {
    const got = await posted(c);
    if (got instanceof Response) return got;
    return finish(c, got.open, { error: "access_denied", error_description: "The user denied the request" });
  });

  return app;
}
