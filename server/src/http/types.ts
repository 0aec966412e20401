import type { Context } from "../context.js";

/** Variables the Hono middleware chain sets on every request. */
export interface AppEnv {
  Variables: {
    requestId: string;
    /** Built lazily, once per request, by `contextOf`. */
    appContext?: Context;
  };
}
