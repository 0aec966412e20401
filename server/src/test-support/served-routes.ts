/** The HTTP routes an app serves, read from the app itself, with the access each one's guard declares. */
import type { Hono } from "hono";
import { accessOf, type RouteAccess } from "../http/route-guard.js";
import type { AppEnv } from "../http/types.js";

export interface ServedRoute {
  method: string;
  path: string;
  access: RouteAccess | undefined;
}

/** The routes `app` serves, each with the access its guard declares (undefined = no guard). */
export function servedRoutes(app: Hono<AppEnv>): ServedRoute[] {
  const groups = new Map<string, { method: string; path: string; handlers: unknown[] }>();
  for (const route of app.routes) {
    const key = `${route.method} ${route.path}`;
    const group = groups.get(key) ?? { method: route.method, path: route.path, handlers: [] };
    group.handlers.push(route.handler);
    groups.set(key, group);
  }
  return [...groups.values()]
    .filter(
      // Middleware mounted with app.use answers nothing itself: its group is ALL and every
      // handler takes (c, next). Anything else answers requests, so it is a route.
      (g) =>
        g.method !== "ALL" || g.handlers.some((h) => (h as (...a: unknown[]) => unknown).length < 2 || accessOf(h)),
    )
    .map((g) => ({ method: g.method, path: g.path, access: g.handlers.map(accessOf).find(Boolean) }));
}
