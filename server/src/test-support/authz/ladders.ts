/** Expectation ladders shared by many procedures: who is refused, with which status, and who succeeds. */
import type { Actor, World } from "./world.js";

export type Expectation = "ok" | 400 | 401 | 403 | 404;
export type Expectations = Partial<Record<Actor, Expectation>>;

export interface Call {
  input: unknown;
  /** Use this token instead of the actor's (for calls that end or change the caller's session). */
  token?: string;
  /** Send this X-Organization-Id instead of org A's (for calls that would damage org A). */
  orgId?: string;
}

export interface Rule {
  expect: Expectations;
  /** Builds the input for one call by `actor`; fresh targets keep mutations independent. */
  call?: (world: World, actor: Actor) => Promise<Call> | Call;
}

const GLOBAL_USERS: Actor[] = ["viewer", "analyst", "admin", "superuser"];

/** Anyone, signed in or not. */
export const everyone: Expectations = { anonymous: "ok", viewer: "ok" };

/** Any signed-in account; anonymous callers get 401. */
export const signedIn: Expectations = { anonymous: 401, viewer: "ok", analyst: "ok", orgMember: "ok" };

/** Global admins and superusers; other roles 403 (an org role grants no global rights). */
export const globalAdmin: Expectations = {
  anonymous: 401,
  viewer: 403,
  analyst: 403,
  orgOwner: 403,
  admin: "ok",
  superuser: "ok",
};

/** Superusers only. */
export const superuserOnly: Expectations = { anonymous: 401, viewer: 403, admin: 403, superuser: "ok" };

/** Org-scoped: outsiders get 404 (the org must not leak), lower org roles 403. */
export function orgRole(minimum: "member" | "admin" | "owner"): Expectations {
  const rank = { member: 0, admin: 1, owner: 2 }[minimum];
  return {
    anonymous: 401,
    outsider: 404,
    orgMember: rank <= 0 ? "ok" : 403,
    orgAdmin: rank <= 1 ? "ok" : 403,
    orgOwner: "ok",
    superuser: "ok",
  };
}

/**
 * Assessment-scoped: outsiders and members without an ACL entry get 404; ACL roles not in
 * `allowed` get 403; org owners and admins act as lead.
 */
export function assessmentRole(...allowed: ("spectator" | "blue" | "red" | "lead")[]): Expectations {
  const verdict = (role: "spectator" | "blue" | "red" | "lead") => (allowed.includes(role) ? "ok" : 403);
  return {
    anonymous: 401,
    outsider: 404,
    orgMember: 404,
    spectator: verdict("spectator"),
    blue: verdict("blue"),
    red: verdict("red"),
    lead: verdict("lead"),
    orgAdmin: verdict("lead"),
  };
}

export { GLOBAL_USERS };
