/** OpenAPI metadata of org-scoped procedures: the REST mapping with X-Organization-Id documented. */
import { z } from "zod";
import type { AppMeta } from "./init.js";

/** How org-scoped REST routes name their organization (documented on each of them). */
export const ORG_HEADER_NOTE =
  "Acts in the organization named by the X-Organization-Id header (or the organizationId input field; when both are sent they must agree).";

/** Documents the X-Organization-Id request header on org-scoped REST routes. */
export const orgHeaders = z.object({
  "x-organization-id": z
    .uuid()
    .optional()
    .describe("The organization to act in; required unless organizationId is sent in the query or body"),
});

export type RouteMethod = NonNullable<AppMeta["openapi"]>["method"];

/** The metadata of an org-scoped route: its REST mapping, with the X-Organization-Id header documented. */
export function orgRoute(
  tags: string[],
  method: RouteMethod,
  path: `/${string}`,
  summary: string,
  detail?: string,
): AppMeta {
  const description = detail ? `${detail} ${ORG_HEADER_NOTE}` : ORG_HEADER_NOTE;
  return { openapi: { method, path, tags, summary, description, requestHeaders: orgHeaders }, description };
}
