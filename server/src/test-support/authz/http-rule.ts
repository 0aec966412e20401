/** The shape of a matrix rule for an HTTP route that is not a procedure. */
import type { Expectations } from "./ladders.js";
import type { Actor, World } from "./world.js";

export interface RouteRequest {
  /** The concrete path, parameters filled in. */
  path: string;
  init?: RequestInit | undefined;
}

export interface HttpRule {
  expect: Expectations;
  request: (world: World, actor: Actor) => Promise<RouteRequest> | RouteRequest;
}
