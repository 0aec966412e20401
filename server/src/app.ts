/**
 * The Hono host: middleware shared by every door, then the doors themselves (/trpc,
 * /api/v1, /docs, /panel), the operational routes (/health) and the web app (/).
 */
import { getConnInfo } from "@hono/node-server/conninfo";
import { trpcServer } from "@hono/trpc-server";
import type { AnyRouter } from "@trpc/server";
import { Hono, type Context as HonoContext } from "hono";
import { bodyLimit } from "hono/body-limit";
import { except } from "hono/combine";
import { cors } from "hono/cors";
import { secureHeaders } from "hono/secure-headers";
import { appRouter } from "./app-router.js";
import { type Context, createRequestContext, type Deps } from "./context.js";
import { asRequest } from "./db/fair-turns.js";
import { benchRoutes } from "./http/bench.http.js";
import { DOCS_CSP, docsRoutes } from "./http/docs.js";
import { errorBody, sendError } from "./http/error-body.js";
import { installInputGate } from "./http/input-gate.js";
import { closeLingeringAfterUnreadBody } from "./http/lingering-close.js";
import { buildOpenApiDocument } from "./http/openapi.js";
import { PANEL_CSP, panelRoutes } from "./http/panel.js";
import { accessLog, requestId } from "./http/request-middleware.js";
import { createRestHandler } from "./http/rest.js";
import { procedureDoor, publicRoute } from "./http/route-guard.js";
import { trpcRequestGuard } from "./http/trpc-guard.js";
import type { AppEnv } from "./http/types.js";
import { mailLinkRoutes, webAppRoutes, webBuild } from "./http/web-app.js";
import { AppError } from "./lib/app-error.js";
import { mapError } from "./lib/error-mapping.js";
import { ALERT_INGEST_PATH, alertRoutes } from "./modules/alerts/alerts.http.js";
import { addAlertRoutes } from "./modules/alerts/alerts.openapi.js";
import { passwordResetPages } from "./modules/auth/password-reset-pages.http.js";
import { EVIDENCE_UPLOAD_PATH, evidenceRoutes } from "./modules/evidence/evidence.http.js";
import { addEvidenceRoutes } from "./modules/evidence/evidence.openapi.js";
import { executionRoutes } from "./modules/executions/executions.http.js";
import { addExecutionRoutes } from "./modules/executions/executions.openapi.js";
import { healthRoutes } from "./modules/health/health.http.js";
import { mcpRoutes } from "./modules/mcp/mcp.http.js";
import { resourceMetadataRoutes } from "./modules/mcp/resource-metadata.http.js";
import { mountOAuthServer, OAUTH_DISCOVERY_PATHS } from "./modules/oauth-server/oauth.http.js";
import { oidcRoutes } from "./modules/oidc/oidc.http.js";
import { invitationPages } from "./modules/orgs/invitation-pages.http.js";
import { reportRoutes } from "./modules/reports/reports.http.js";
import { addReportRoutes } from "./modules/reports/reports.openapi.js";
import { DOCX_BASE_PATH, docxBaseRoutes } from "./modules/templates/docx-base.http.js";
import { addDocxBaseRoutes } from "./modules/templates/docx-base.openapi.js";

export const API_VERSION = "1";

// The routes mounted here that are not procedures, described for the OpenAPI document.
const ROUTE_DOCS = [addEvidenceRoutes, addExecutionRoutes, addAlertRoutes, addReportRoutes, addDocxBaseRoutes];
const API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/**
 * The client's address: the socket peer, or, behind `hops` trusted proxies, the entry of
 * X-Forwarded-For that the nearest untrusted hop added (entries further left are forgeable).
 */
export function pickClientIp(forwardedFor: string | undefined, remote: string | null, hops: number): string | null {
  if (hops === 0 || !remote) return remote;
  const chain = [
    ...(forwardedFor ?? "")
      .split(",")
      .map((part) => part.trim())
      .filter(Boolean),
    remote,
  ];
  return chain[Math.max(0, chain.length - 1 - hops)] ?? remote;
}

function clientIp(c: HonoContext<AppEnv>, hops: number): string | null {
  let remote: string | null = null;
  try {
    remote = getConnInfo(c).remote.address ?? null;
  } catch {
    // Not served by @hono/node-server (app.request in tests).
  }
  return pickClientIp(c.req.header("x-forwarded-for"), remote, hops);
}

/** The tRPC/REST context of this request, built once and reused by both doors. */
export function contextOf(deps: Deps, c: HonoContext<AppEnv>): Context {
  let ctx = c.get("appContext");
  if (!ctx) {
    ctx = createRequestContext(deps, {
      requestId: c.var.requestId,
      url: c.req.url,
      ip: clientIp(c, deps.config.trustProxyHops),
      userAgent: c.req.header("user-agent") ?? null,
      headers: c.req.raw.headers,
    });
    c.set("appContext", ctx);
  }
  return ctx;
}

export interface AppOptions {
  /** Where the web app's build is (default apps/web/dist); null: no build (the server tests' default). */
  webDistDir?: string | null;
}

/** Builds the whole HTTP application over `deps` (tests may pass a router extending the real one). */
export function createApp(deps: Deps, router: AnyRouter = appRouter, options: AppOptions = {}): Hono<AppEnv> {
  const { config } = deps;
  const app = new Hono<AppEnv>();
  const web = webBuild(options.webDistDir);
  // Unknown input keys refused, `{}` accepted as no input: on every procedure, both doors.
  installInputGate(router);

  // Database turns go to the oldest request first (db/fair-turns.ts).
  app.use((_c, next) => asRequest(next));
  app.use(requestId());
  app.use(accessLog(deps.logger));
  app.use(closeLingeringAfterUnreadBody());
  app.use(async (c, next) => {
    await next();
    c.header("X-API-Version", API_VERSION);
  });
  app.use(
    secureHeaders({
      strictTransportSecurity: config.isProduction ? "max-age=31536000; includeSubDomains" : false,
      xFrameOptions: "DENY",
      referrerPolicy: "no-referrer",
      crossOriginResourcePolicy: "same-origin",
    }),
  );
  app.use(async (c, next) => {
    await next();
    const path = c.req.path;
    const csp = path.startsWith("/docs") ? DOCS_CSP : path.startsWith("/panel") ? PANEL_CSP : API_CSP;
    // A route that chose its own policy (the mail-link pages' PAGE_CSP) keeps it.
    if (!c.res.headers.has("Content-Security-Policy")) c.header("Content-Security-Policy", csp);
  });
  if (config.corsOrigins.length > 0) {
    app.use(
      // The authorization server answers CORS itself: discovery for anyone, tokens for each client's own origin.
      except(
        ["/oauth/*", ...OAUTH_DISCOVERY_PATHS],
        cors({
          origin: config.corsOrigins,
          allowHeaders: [
            "Authorization",
            "Content-Type",
            "X-Request-ID",
            "X-Organization-Id",
            "trpc-accept",
            "Mcp-Protocol-Version",
          ],
          exposeHeaders: ["X-Request-ID", "X-API-Version", "Retry-After", "WWW-Authenticate"],
          credentials: true,
          maxAge: 600,
        }),
      ),
    );
  }
  app.use(
    // Evidence uploads, alert pushes and Word bases carry their own limits (EVIDENCE_MAX_BYTES,
    // ALERT_INGEST_MAX_BYTES, DOCX_BASE_MAX_BYTES).
    except(
      [`/api/v1${EVIDENCE_UPLOAD_PATH}`, `/api/v1${ALERT_INGEST_PATH}`, `/api/v1${DOCX_BASE_PATH}`],
      bodyLimit({
        maxSize: config.bodyLimitBytes,
        onError: (c) =>
          sendError(c, new AppError("PAYLOAD_TOO_LARGE", `The request body exceeds ${config.bodyLimitBytes} bytes`)),
      }),
    ),
  );

  // The API answers 503 until start-up has migrated the database.
  const whenReady = async (c: HonoContext<AppEnv>, next: () => Promise<void>) => {
    if (!deps.readiness.migrated || deps.readiness.shuttingDown) {
      return sendError(c, new AppError("SERVICE_UNAVAILABLE", "The server is starting or stopping; try again shortly"));
    }
    await next();
  };

  // Headers a procedure asked for (Retry-After...), whichever door it was called through.
  app.use(async (c, next) => {
    await next();
    const ctx = c.get("appContext");
    if (ctx) for (const [name, value] of ctx.responseHeaders) c.res.headers.set(name, value);
  });

  app.route("/health", healthRoutes(deps));
  app.get("/.well-known/jwks.json", publicRoute("public signing keys (JWKS)"), (c) =>
    c.json(deps.auth.keys.jwks(), 200, { "cache-control": "public, max-age=300" }),
  );

  // The OAuth 2.0 authorization server (OAUTH_ENABLED): discovery, sign-in and consent pages, /oauth/*.
  if (config.oauth.enabled) {
    for (const path of ["/oauth/*", ...OAUTH_DISCOVERY_PATHS]) app.use(path, whenReady);
    mountOAuthServer(app, deps, (c) => contextOf(deps, c));
  }

  // Machine access: where an agent finds the authorization server, and the MCP server.
  app.route("/", resourceMetadataRoutes(config));
  app.use("/mcp", whenReady);
  app.route(
    "/mcp",
    mcpRoutes(deps, router, (c) => contextOf(deps, c)),
  );

  // Federated sign-in: browser redirects to and from the identity providers.
  app.use("/auth/oidc/*", whenReady);
  app.route(
    "/auth/oidc",
    oidcRoutes((c) => contextOf(deps, c)),
  );

  // The pages mail links open: with a web app build, their GET is the app's (mailLinkRoutes
  // decides); else, and for their POST always, the server's own forms (no scripts).
  app.route("/", mailLinkRoutes(web));
  app.route(
    "/invitations",
    invitationPages(deps, (c) => contextOf(deps, c)),
  );
  app.route(
    "/",
    passwordResetPages(deps, (c) => contextOf(deps, c)),
  );

  app.use("/trpc/*", whenReady);
  const { maxBatchSize, maxInputDepth } = config.http;
  app.use("/trpc/*", trpcRequestGuard({ endpoint: "/trpc", maxBatchSize, maxInputDepth }));
  app.use(
    "/trpc/*",
    procedureDoor(),
    trpcServer({
      router,
      endpoint: "/trpc",
      maxBatchSize,
      createContext: (_opts, c) => contextOf(deps, c as HonoContext<AppEnv>) as unknown as Record<string, unknown>,
    }),
  );

  let openApiDocument: string | undefined;
  app.get("/api/v1/openapi.json", publicRoute("the public OpenAPI document"), (c) => {
    const baseUrl = `${config.publicUrl ?? new URL(c.req.url).origin}/api/v1`;
    openApiDocument ??= JSON.stringify(buildOpenApiDocument(router, deps.version, baseUrl, ROUTE_DOCS));
    return c.body(openApiDocument, 200, { "content-type": "application/json" });
  });
  const rest = createRestHandler(router, "/api/v1", (c) => contextOf(deps, c), { maxInputDepth });
  app.use("/api/v1/*", whenReady);
  app.route(
    "/api/v1",
    evidenceRoutes(deps, (c) => contextOf(deps, c)),
  );
  app.route(
    "/api/v1",
    executionRoutes((c) => contextOf(deps, c)),
  );
  app.route(
    "/api/v1",
    alertRoutes(deps, (c) => contextOf(deps, c)),
  );
  app.route(
    "/api/v1",
    reportRoutes((c) => contextOf(deps, c)),
  );
  app.route(
    "/api/v1",
    docxBaseRoutes((c) => contextOf(deps, c)),
  );
  app.all("/api/v1/*", procedureDoor(), (c) => rest(c));

  // Unauthenticated "limit" routes for `pnpm bench`: only when BENCH_ROUTES=true (refused in production).
  if (config.benchRoutes) {
    app.use("/bench/*", whenReady);
    app.route("/bench", benchRoutes(deps));
  }

  if (config.docsEnabled) app.route("/docs", docsRoutes());
  if (config.panelEnabled) app.route("/panel", panelRoutes(router));
  // The web app last: its files, and its index for any other GET outside the server's own paths.
  app.route("/", webAppRoutes(web));

  app.notFound((c) => sendError(c, new AppError("NOT_FOUND", `No route for ${c.req.method} ${c.req.path}`)));
  app.onError((error, c) => {
    const mapped = mapError(error, config.http.exposeErrorDetails);
    if (mapped.unexpected) deps.logger.error({ err: error, requestId: c.var.requestId }, "request failed");
    return c.json(errorBody(mapped.errors, c.var.requestId), mapped.status as 500);
  });
  return app;
}
