/**
 * Matrix rules for the HTTP routes that are not procedures (read from the app by
 * servedRoutes): each builds one request per actor; the matrix adds the actor's bearer token
 * and X-Organization-Id. The tRPC and REST doors are covered procedure by procedure.
 */
import type { HttpRule } from "./http-rule.js";
import { assessmentRole, type Expectations, everyone, signedIn } from "./ladders.js";
import { matrixReport } from "./report-fixture.js";
import { alertHttpRules } from "./rules-alerts.js";
import { freshActivity } from "./rules-assessments.js";
import { executionHttpRules } from "./rules-executions.js";
import { templateHttpRules } from "./rules-templates.js";
import type { World } from "./world.js";

function evidenceForm(): FormData {
  const form = new FormData();
  form.append("file", new File([new TextEncoder().encode("matrix evidence\n")], "matrix.txt", { type: "text/plain" }));
  return form;
}

/** An evidence file uploaded by the lead through the route itself, for the download rule. */
async function uploadedEvidence(world: World): Promise<string> {
  const activityId = await freshActivity(world);
  const res = await world.h.app.request(`/api/v1/activities/${activityId}/evidence`, {
    method: "POST",
    headers: { authorization: `Bearer ${world.users.lead.token}`, "x-organization-id": world.orgId },
    body: evidenceForm(),
  });
  if (res.status !== 201) throw new Error(`evidence upload for the matrix failed: ${res.status}`);
  return ((await res.json()) as { id: string }).id;
}

function formPost(fields: Record<string, string>): RequestInit {
  return {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(fields).toString(),
  };
}

const badLink: Expectations = { anonymous: 400, viewer: 400 };

const open = (path: string, init?: RequestInit): HttpRule => ({ expect: everyone, request: () => ({ path, init }) });

/** An OAuth interaction page or form, by a caller holding no interaction: 404 whoever it is. */
const noInteraction = (suffix: string): HttpRule => ({
  expect: { anonymous: 404, viewer: 404, superuser: 404 },
  request: () => ({
    path: `/oauth/interaction/unknown${suffix}`,
    init: suffix ? { method: "POST", body: new URLSearchParams({ csrf: "x" }) } : undefined,
  }),
});

export const HTTP_RULES: Record<string, HttpRule> = {
  "GET /health": open("/health"),
  "GET /health/ready": open("/health/ready"),
  "GET /.well-known/jwks.json": open("/.well-known/jwks.json"),
  "GET /api/v1/openapi.json": open("/api/v1/openapi.json"),
  "GET /docs": open("/docs"),
  "GET /docs/init.js": open("/docs/init.js"),
  "GET /docs/:asset": open("/docs/swagger-ui.css"),
  "GET /panel": open("/panel"),
  "GET /panel/procedures.json": open("/panel/procedures.json"),
  "GET /panel/:asset": open("/panel/panel.js"),
  // The web app: its index for client-side routes (a page saying how to build it when unbuilt).
  "GET /*": open("/assessments"),
  // No provider is configured in the matrix: the flow answers with a redirect back to the app.
  "GET /auth/oidc/:provider/start": {
    expect: { anonymous: 404, viewer: 404 },
    request: () => ({ path: "/auth/oidc/nowhere/start" }),
  },
  "GET /auth/oidc/:provider/callback": {
    expect: everyone,
    request: () => ({ path: "/auth/oidc/nowhere/callback?state=x&code=y" }),
  },
  "GET /bench/bare/activities": {
    expect: everyone,
    request: (w) => ({ path: `/bench/bare/activities?assessmentId=${w.assessmentId}` }),
  },
  "POST /bench/bare/activities": {
    expect: everyone,
    request: (w) => ({
      path: "/bench/bare/activities",
      init: {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ assessmentId: w.assessmentId, title: "bench", techniques: [], tagIds: [] }),
      },
    }),
  },
  "POST /bench/gc": open("/bench/gc", { method: "POST" }),
  "GET /.well-known/oauth-protected-resource": open("/.well-known/oauth-protected-resource"),
  "GET /.well-known/oauth-protected-resource/mcp": open("/.well-known/oauth-protected-resource/mcp"),

  // The MCP server: any live credential may connect; each tool runs its procedure's own guard.
  "ALL /mcp": {
    expect: { ...signedIn, outsider: "ok" },
    request: () => ({
      path: "/mcp",
      init: {
        method: "POST",
        headers: { "content-type": "application/json", accept: "application/json, text/event-stream" },
        body: JSON.stringify({
          jsonrpc: "2.0",
          id: 1,
          method: "initialize",
          params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "matrix", version: "1" } },
        }),
      },
    }),
  },

  // The OAuth authorization server: public, each endpoint authenticates its client itself; the
  // sign-in and consent pages answer 404 to a browser without the interaction (its cookie).
  "GET /.well-known/oauth-authorization-server": open("/.well-known/oauth-authorization-server"),
  "GET /.well-known/openid-configuration": open("/.well-known/openid-configuration"),
  "ALL /oauth/*": open("/oauth/jwks"),
  "GET /oauth/interaction/:uid": noInteraction(""),
  "POST /oauth/interaction/:uid/login": noInteraction("/login"),
  "POST /oauth/interaction/:uid/totp": noInteraction("/totp"),
  "POST /oauth/interaction/:uid/consent": noInteraction("/consent"),
  "POST /oauth/interaction/:uid/abort": noInteraction("/abort"),

  // Mail-link pages: the link's token is the credential, a bearer token changes nothing: a bogus
  // link shows the page's own refusal (400), and so does a form post without the page's CSRF pair.
  "GET /invitations/accept": {
    expect: badLink,
    request: () => ({ path: "/invitations/accept?token=not-a-real-token" }),
  },
  "POST /invitations/accept": {
    expect: badLink,
    request: () => ({ path: "/invitations/accept", init: formPost({ token: "not-a-real-token", csrf: "forged" }) }),
  },
  "GET /reset-password": { expect: badLink, request: () => ({ path: "/reset-password?token=not-a-real-token" }) },
  "POST /reset-password": {
    expect: badLink,
    request: () => ({ path: "/reset-password", init: formPost({ token: "not-a-real-token", csrf: "forged" }) }),
  },

  "POST /api/v1/activities/:id/evidence": {
    expect: assessmentRole("blue", "red", "lead"),
    request: async (w) => ({
      path: `/api/v1/activities/${await freshActivity(w)}/evidence`,
      init: { method: "POST", body: evidenceForm() },
    }),
  },
  "GET /api/v1/evidence/:id": {
    expect: assessmentRole("spectator", "blue", "red", "lead"),
    request: async (w) => ({ path: `/api/v1/evidence/${await uploadedEvidence(w)}` }),
  },
  "GET /api/v1/reports/:id/download": {
    expect: assessmentRole("spectator", "blue", "red", "lead"),
    request: async (w) => ({ path: `/api/v1/reports/${await matrixReport(w, true)}/download` }),
  },
  ...executionHttpRules,
  ...alertHttpRules,
  ...templateHttpRules,
};
