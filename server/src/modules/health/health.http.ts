/** GET /health (liveness: the process answers) and GET /health/ready (dependencies are up). */
import { Hono } from "hono";
import type { Deps } from "../../context.js";
import { publicRoute } from "../../http/route-guard.js";
import type { AppEnv } from "../../http/types.js";
import { checkReadiness } from "./health.service.js";

// Load balancers and orchestrators probe these without credentials.
const OPERATIONAL = "liveness and readiness probes";

export function healthRoutes(deps: Deps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.get("/", publicRoute(OPERATIONAL), (c) =>
    c.json({ status: "ok", uptimeSeconds: Math.floor((Date.now() - deps.startedAt.getTime()) / 1000) }),
  );
  app.get("/ready", publicRoute(OPERATIONAL), async (c) => {
    const report = await checkReadiness(deps);
    return c.json(report, report.status === "ok" ? 200 : 503);
  });
  return app;
}
