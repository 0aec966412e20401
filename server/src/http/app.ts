/**
 * The Hono host: middleware shared by every door, then the doors themselves (/trpc,
 * /api/v1, /docs, /panel) and the operational routes (/health).
 */
import { getConnInfo } from "@hono/node-server/conninfo";
import { trpcServer } from "@hono/trpc-server";
import type { AnyRouter } from "@trpc/server";
import { Hono, type Context as HonoContext } from "hono";
import { bodyLimit } from "hono/body-limit";
import { except } from "hono/combine";
import { cors } from "hono/cors";
import { secureHeaders } from "hono/secure-headers";
import { type Context, createRequestContext, type Deps } from "../context.js";
import { AppError } from "../lib/app-error.js";
import { mapError } from "../lib/error-mapping.js";
import { EVIDENCE_UPLOAD_PATH, evidenceRoutes } from "../modules/evidence/evidence.routes.js";
import { healthRoutes } from "../modules/health/health.routes.js";
import { oidcRoutes } from "../modules/oidc/oidc.routes.js";
import { appRouter } from "../trpc/router.js";
import { benchRoutes } from "./bench-routes.js";
import { DOCS_CSP, docsRoutes } from "./docs.js";
import { errorBody, sendError } from "./error-body.js";
import { buildOpenApiDocument } from "./openapi.js";
import { PANEL_CSP, panelRoutes } from "./panel.js";
import { accessLog, closeAfterUnreadBody, requestId } from "./request-middleware.js";
import { createRestHandler } from "./rest.js";
import type { AppEnv } from "./types.js";

export const API_VERSION = "1";
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
      ip: clientIp(c, deps.config.trustProxyHops),
      userAgent: c.req.header("user-agent") ?? null,
      headers: c.req.raw.headers,
    });
    c.set("appContext", ctx);
  }
  return ctx;
}

/** Builds the whole HTTP application over `deps` (tests may pass a router extending the real one). */
export function createApp(deps: Deps, router: AnyRouter = appRouter): Hono<AppEnv> {
  const { config } = deps;
  const app = new Hono<AppEnv>();

  app.use(requestId());
  app.use(accessLog(deps.logger));
  app.use(closeAfterUnreadBody());
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
    c.header("Content-Security-Policy", csp);
  });
  if (config.corsOrigins.length > 0) {
    app.use(
      cors({
        origin: config.corsOrigins,
        allowHeaders: ["Authorization", "Content-Type", "X-Request-ID", "X-Organization-Id", "trpc-accept"],
        exposeHeaders: ["X-Request-ID", "X-API-Version", "Retry-After"],
        credentials: true,
        maxAge: 600,
      }),
    );
  }
  app.use(
    // Evidence uploads carry their own, larger limit (EVIDENCE_MAX_BYTES).
    except(
      `/api/v1${EVIDENCE_UPLOAD_PATH}`,
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
  app.get("/.well-known/jwks.json", (c) =>
    c.json(deps.auth.keys.jwks(), 200, { "cache-control": "public, max-age=300" }),
  );

  // Federated sign-in: browser redirects to and from the identity providers.
  app.use("/auth/oidc/*", whenReady);
  app.route(
    "/auth/oidc",
    oidcRoutes((c) => contextOf(deps, c)),
  );

  app.use("/trpc/*", whenReady);
  app.use(
    "/trpc/*",
    trpcServer({
      router,
      endpoint: "/trpc",
      createContext: (_opts, c) => contextOf(deps, c as HonoContext<AppEnv>) as unknown as Record<string, unknown>,
    }),
  );

  let openApiDocument: string | undefined;
  app.get("/api/v1/openapi.json", (c) => {
    const baseUrl = `${config.publicUrl ?? new URL(c.req.url).origin}/api/v1`;
    openApiDocument ??= JSON.stringify(buildOpenApiDocument(router, deps.version, baseUrl));
    return c.body(openApiDocument, 200, { "content-type": "application/json" });
  });
  const rest = createRestHandler(router, "/api/v1", (c) => contextOf(deps, c));
  app.use("/api/v1/*", whenReady);
  app.route(
    "/api/v1",
    evidenceRoutes(deps, (c) => contextOf(deps, c)),
  );
  app.all("/api/v1/*", (c) => rest(c));

  // Unauthenticated "limit" routes for `pnpm bench`: only when BENCH_ROUTES=true (refused in production).
  if (config.benchRoutes) {
    app.use("/bench/*", whenReady);
    app.route("/bench", benchRoutes(deps));
  }

  if (config.docsEnabled) app.route("/docs", docsRoutes());
  if (config.panelEnabled) app.route("/panel", panelRoutes(router));

  app.notFound((c) => sendError(c, new AppError("NOT_FOUND", `No route for ${c.req.method} ${c.req.path}`)));
  app.onError((error, c) => {
    const mapped = mapError(error, config.nodeEnv === "development");
    if (mapped.unexpected) deps.logger.error({ err: error, requestId: c.var.requestId }, "request failed");
    return c.json(errorBody(mapped.errors, c.var.requestId), mapped.status as 500);
  });
  return app;
}
