/**
 * The REST routes of a router, matched the way trpc-to-openapi matches them (path templates
 * like /tags/{id}, case-insensitive, trailing slash ignored), so this door knows before
 * upstream does which procedure a request names, and which methods a path answers.
 */
import type { AnyRouter } from "@trpc/server";
import { type RestRoute, restRoutesOf } from "./upstream-shim.js";

interface CompiledRoute extends RestRoute {
  pattern: RegExp;
}

const METHOD_ORDER = ["GET", "POST", "PUT", "PATCH", "DELETE"];

function normalize(path: string): string {
  return `/${path.replace(/^\/|\/$/g, "")}`;
}

function compile(template: string): RegExp {
  const source = normalize(template)
    .replace(/[.*+?^$()|[\]\\]/g, "\\$&")
    .replace(/\\?\{(\w+)\\?\}/g, "[^/]+");
  return new RegExp(`^${source}$`, "i");
}

export class RestRouteTable {
  private readonly routes: CompiledRoute[];

  constructor(router: AnyRouter) {
    this.routes = restRoutesOf(router).map((route) => ({ ...route, pattern: compile(route.path) }));
  }

  /** The route answering `method` on `path` (relative to /api/v1), the first declared wins. */
  find(method: string, path: string): RestRoute | undefined {
    const normalized = normalize(path);
    return this.routes.find((route) => route.method === method && route.pattern.test(normalized));
  }

  /** The methods some route answers on `path`, in a stable order (for the Allow header). */
  methodsOf(path: string): string[] {
    const normalized = normalize(path);
    const methods = new Set(this.routes.filter((r) => r.pattern.test(normalized)).map((r) => r.method));
    return METHOD_ORDER.filter((m) => methods.has(m));
  }
}
