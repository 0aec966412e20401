/**
 * The password policy at every door that sets a password: register, change, reset, admin
 * create, the first superuser and `assay create-admin`. Guessable passwords that are long
 * enough (repeats, a common word with digits, blanks, control characters) are refused, with
 * the reason and the field.
 */
import { Command } from "commander";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { registerAccountCommands } from "../../cli/account-commands.js";
import { loadConfig } from "../../config.js";
import { mapError } from "../../lib/error-mapping.js";
import { createHarness, type Harness } from "../../test-support/harness.js";
import { waitForMail } from "../../test-support/mail.js";
import { ensureFirstSuperuser } from "./first-superuser.js";

const WEAK: [string, RegExp][] = [
  ["password1234", /too easy to guess: .*commonly used password/],
  ["aaaaaaaaaaaa", /too easy to guess: .*Repeated characters/],
  [" ".repeat(12), /too easy to guess/],
  ["\0".repeat(12), /control characters/],
  ["tab\tseparated passphrase", /control characters/],
];
const STRONG = "orange kettle violin 42";

/** The VALIDATION error `promise` fails with, as the API reports it. */
async function refusal(promise: Promise<unknown>) {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error, "expected the password to be refused").toBeDefined();
  const mapped = mapError(error);
  expect(mapped.code).toBe("VALIDATION");
  return mapped.errors[0] ?? { field: null, message: "" };
}

describe("password policy", () => {
  let h: Harness;
  let ips = 0;
  const caller = () => h.caller({ ip: `10.1.0.${++ips}` });
  beforeAll(async () => {
    h = await createHarness({ RATE_LIMIT_REGISTER_PER_IP: "1000/1m" });
  });
  afterAll(() => h.close());

  it("register refuses guessable passwords with the reason, and accepts a strong one", async () => {
    for (const [password, why] of WEAK) {
      const item = await refusal(caller().auth.register({ email: "weak@example.com", password, name: "Weak" }));
      expect(item.field).toBe("password");
      expect(item.message).toMatch(why);
    }
    expect(await h.deps.db.prisma.user.count({ where: { email: "weak@example.com" } })).toBe(0);
    const pair = await caller().auth.register({ email: "weak@example.com", password: STRONG, name: "Weak" });
    expect(pair.user.email).toBe("weak@example.com");
  });

  it("counts the account's own name and email as known words", async () => {
    // Strong for anyone else (zxcvbn score 4), but made of this account's own name.
    const item = await refusal(
      caller().auth.register({ email: "zq@example.com", password: "quokkazanzibar", name: "Zanzibar Quokka" }),
    );
    expect(item).toMatchObject({ field: "password", message: expect.stringMatching(/personal/) });
    await expect(
      caller().auth.register({ email: "zq@example.com", password: "quokkazanzibar", name: "Someone Else" }),
    ).resolves.toBeDefined();
  });

  it("refuses weak passwords over REST too, naming the field", async () => {
    const response = await h.app.request("/api/v1/auth/register", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: "rest-weak@example.com", password: "password1234", name: "Rest" }),
    });
    expect(response.status).toBe(400);
    expect((await response.json()).errors[0]).toMatchObject({ code: "VALIDATION", field: "password" });
  });

  it("change password refuses them as newPassword, and the old password keeps working", async () => {
    const account = await h.createUser();
    const { accessToken } = await h.login(account);
    for (const [newPassword] of WEAK) {
      const item = await refusal(
        h.as(accessToken).auth.changePassword({ currentPassword: account.password, newPassword }),
      );
      expect(item.field).toBe("newPassword");
    }
    await expect(h.login(account)).resolves.toBeDefined();
  });

  it("reset refuses them as newPassword and leaves the link usable", async () => {
    const account = await h.createUser();
    await caller().auth.requestPasswordReset({ email: account.email });
    const token = /reset-password\?token=([\w-]+)/.exec((await waitForMail(h, account.email)).text)?.[1] ?? "";
    for (const [newPassword] of WEAK) {
      const item = await refusal(caller().auth.resetPassword({ token, newPassword }));
      expect(item.field).toBe("newPassword");
    }
    await caller().auth.resetPassword({ token, newPassword: STRONG });
    await expect(h.login({ email: account.email, password: STRONG })).resolves.toBeDefined();
  });

  it("admin create refuses them", async () => {
    const admin = await h.createUser({ role: "admin" });
    const { accessToken } = await h.login(admin);
    for (const [password] of WEAK) {
      const item = await refusal(
        h.as(accessToken).admin.users.create({ email: "made@example.com", name: "Made", password, role: "viewer" }),
      );
      expect(item.field).toBe("password");
    }
  });

  it("the first superuser from the environment is refused a weak password, and not created", async () => {
    const config = loadConfig({
      NODE_ENV: "test",
      FIRST_SUPERUSER_EMAIL: "root@example.com",
      FIRST_SUPERUSER_PASSWORD: "password1234",
    });
    const item = await refusal(ensureFirstSuperuser({ ...h.deps, config }));
    expect(item.field).toBe("FIRST_SUPERUSER_PASSWORD");
    expect(await h.deps.db.prisma.user.count({ where: { email: "root@example.com" } })).toBe(0);
  });

  it("assay create-admin refuses a weak password before touching the database", async () => {
    const program = new Command().exitOverride();
    registerAccountCommands(program, () => {
      throw new Error("the configuration must not be needed for a refused password");
    });
    const run = program.parseAsync(["create-admin", "--email", "cli@example.com", "--password", "aaaaaaaaaaaa"], {
      from: "user",
    });
    expect((await refusal(run)).message).toMatch(/too easy to guess/);
  });
});
