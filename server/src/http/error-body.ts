/** Assay's REST error body: `{ success: false, errors: [{ code, message, field }], requestId }`. */
import type { Context as HonoContext } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { AppError, ErrorItem } from "../lib/app-error.js";
import type { AppEnv } from "./types.js";

export interface RestErrorBody {
  success: false;
  errors: ErrorItem[];
  requestId: string;
}

export function errorBody(errors: ErrorItem[], requestId: string): RestErrorBody {
  return { success: false, errors, requestId };
}

/** Answers with an AppError in the REST shape. */
export function sendError(c: HonoContext<AppEnv>, error: AppError): Response {
  return c.json(errorBody(error.items, c.var.requestId), error.status as ContentfulStatusCode);
}
