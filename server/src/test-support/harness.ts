/**
 * Integration-test harness: a fresh migrated database, the real dependencies (with a clock
 * tests can move), a tRPC caller and the Hono app (for in-process HTTP requests through
 * every middleware), plus shortcuts to create accounts and sign in.
 */

import { createApp } from "../app.js";
import { appRouter } from "../app-router.js";
import { type Config, loadConfig } from "../config.js";
import { type Context, createRequestContext, type Deps } from "../context.js";
import { buildDeps } from "../deps.js";
import { createLogger } from "../lib/logger.js";
import { ensureAttackLoaded } from "../modules/mitre/attack-import.service.js";
import { startReportJobs } from "../modules/reports/report-job.js";
import { createCallerFactory } from "../trpc/init.js";
import { createTestDatabase } from "./test-database.js";

const createCaller = createCallerFactory(appRouter);
export type Caller = ReturnType<typeof createCaller>;
/** A sign-in that opened a session (not an MFA challenge). */
export type SignedIn = Extract<Awaited<ReturnType<Caller["auth"]["login"]>>, { mfaRequired: false }>;

/** A fixed key so tests never write key files. */
export const TEST_ENCRYPTION_KEY = Buffer.alloc(32, 7).toString("base64");

/** Real time plus an offset that tests move forward. */
export class TestClock {
  #offsetMs = 0;
  now(): Date {
    return new Date(Date.now() + this.#offsetMs);
  }
  advance(seconds: number): void {
    this.#offsetMs += seconds * 1000;
  }
}

export interface TestAccount {
  id: string;
  email: string;
  password: string;
}

export interface Harness {
  deps: Deps;
  clock: TestClock;
  /** A tRPC caller; `req` overrides the request facts (headers carry the bearer token). */
  caller(req?: Partial<Context["req"]>): Caller;
  /** A caller sending `Authorization: Bearer <token>`. */
  as(accessToken: string, req?: Partial<Context["req"]>): Caller;
  app: ReturnType<typeof createApp>;
  /** Creates an account directly in the database. */
  createUser(options?: {
    email?: string;
    password?: string;
    role?: "admin" | "analyst" | "viewer";
    isSuperuser?: boolean;
    name?: string;
  }): Promise<TestAccount>;
  /** Signs in through auth.login and returns the token pair (throws for an MFA challenge). */
  login(account: Pick<TestAccount, "email" | "password">, req?: Partial<Context["req"]>): Promise<SignedIn>;
  close(): Promise<void>;
}

let accounts = 0;

export interface HarnessOptions {
  /**
   * Load the bundled ATT&CK dataset, as every server does before it answers (main.ts prepare):
   * needed to create activities with techniques, which must be ids ATT&CK knows. Off by
   * default: it costs one to two seconds per test file.
   */
  attack?: boolean;
}

/** Builds the harness; `env` overrides configuration variables. */
export async function createHarness(env: Record<string, string> = {}, options: HarnessOptions = {}): Promise<Harness> {
  const config: Config = loadConfig({
    NODE_ENV: "test",
    LOG_LEVEL: "silent",
    DATA_DIR: "/tmp/assay-unused",
    ENCRYPTION_KEY: TEST_ENCRYPTION_KEY,
    ...env,
  });
  const clock = new TestClock();
  const db = await createTestDatabase();
  const built = await buildDeps({
    config,
    db,
    logger: createLogger("silent"),
    readiness: { migrated: true, migrationError: undefined, shuttingDown: false },
    version: "0.0.0-test",
    clock,
  });
  const { deps } = built;
  await deps.auth.keys.init();
  if (options.attack) await ensureAttackLoaded(deps);
  await deps.executions.start(deps);
  deps.events.start(deps);
  startReportJobs(deps);
  const caller = (req: Partial<Context["req"]> = {}) =>
    createCaller(
      createRequestContext(deps, {
        requestId: `test-${++accounts}`,
        ip: "127.0.0.1",
        userAgent: "vitest",
        headers: new Headers(),
        ...req,
      }),
    );
  return {
    deps,
    clock,
    caller,
    as: (token, req = {}) => caller({ ...req, headers: new Headers({ authorization: `Bearer ${token}` }) }),
    // No web app build, whatever apps/web/dist holds: the mail links open the server's own pages.
    app: createApp(deps, appRouter, { webDistDir: null }),
    async createUser(options = {}) {
      const n = ++accounts;
      const email = options.email ?? `user${n}.${Date.now()}@example.com`;
      const password = options.password ?? `correct horse battery ${n}`;
      const user = await deps.db.prisma.user.create({
        data: {
          email,
          name: options.name ?? `User ${n}`,
          passwordHash: await deps.auth.passwords.hash(password),
          role: options.role ?? "analyst",
          isSuperuser: options.isSuperuser ?? false,
        },
      });
      return { id: user.id, email, password };
    },
    login: async (account, req = {}) => {
      const result = await caller(req).auth.login({ email: account.email, password: account.password });
      if (result.mfaRequired) throw new Error("this account has MFA: use auth.login, then auth.verifyMfa");
      return result;
    },
    close: async () => {
      await built.dispose();
      await db.close();
    },
  };
}
