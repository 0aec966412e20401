/**
 * Mail end to end: a reset mail through a real SMTP receiver (smtp-server on a free port),
 * a delivery failure that the requester never sees, the outbox without SMTP, the outbox
 * reader, that an enqueued message rolls back with its transaction, and that the link's
 * token is never stored in the clear (sealed while held, gone once delivered).
 */
import type { AddressInfo } from "node:net";
import { SMTPServer } from "smtp-server";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createHarness, type Harness } from "../../test-support/harness.js";
import { waitForMail } from "../../test-support/mail.js";
import { listOutbox } from "./outbox.js";
import { passwordResetMail } from "./password-reset-mail.js";
import { SECRET_MARK } from "./sealed-secret.js";
import { escapeHtml } from "./user-text.js";

/** Every column of the stored rows to `to`, as the database (and its WAL, and a dump) holds them. */
async function rawRows(h: Harness, to: string): Promise<string> {
  const rows = await h.deps.db.prisma.$queryRaw<unknown[]>`SELECT * FROM mail_messages WHERE "to" = ${to}`;
  expect(rows.length).toBeGreaterThan(0);
  return JSON.stringify(rows);
}

interface Received {
  from: string;
  to: string[];
  raw: string;
}

/** A local SMTP receiver without TLS or auth, collecting every message it accepts. */
async function startReceiver(): Promise<{ port: number; received: Received[]; close(): Promise<void> }> {
  const received: Received[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.on("end", () => {
        received.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString("utf8"),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.server.address() as AddressInfo;
  return { port, received, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/** Undoes quoted-printable (soft breaks, =XX escapes) so the raw message can be searched. */
function decodeQuotedPrintable(raw: string): string {
  return raw
    .replace(/=\r?\n/g, "")
    .replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
}

describe("mail over SMTP", () => {
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let h: Harness;
  beforeAll(async () => {
    receiver = await startReceiver();
    h = await createHarness({
      SMTP_URL: `smtp://127.0.0.1:${receiver.port}`,
      MAIL_FROM: "Assay <no-reply@assay.test>",
      APP_URL: "https://app.example.com",
    });
  });
  afterAll(async () => {
    await h.close();
    await receiver.close();
  });

  it("delivers the reset mail with its link and records it as sent over smtp", async () => {
    const account = await h.createUser();
    expect(await h.caller().auth.requestPasswordReset({ email: account.email })).toEqual({ ok: true });
    await vi.waitFor(() => expect(receiver.received).toHaveLength(1), { timeout: 30_000 });
    const [message] = receiver.received;
    expect(message?.to).toEqual([account.email]);
    expect(message?.from).toBe("no-reply@assay.test");
    const body = decodeQuotedPrintable(message?.raw ?? "");
    const token = /https:\/\/app\.example\.com\/reset-password\?token=([A-Za-z0-9_-]{43})/.exec(body)?.[1];
    expect(token).toBeDefined();
    expect(body).toContain("Subject: Reset your Assay password");

    await vi.waitFor(
      async () => {
        const rows = await h.deps.db.prisma.mailMessage.findMany({ where: { to: account.email } });
        expect(rows).toHaveLength(1);
        expect(rows[0]).toMatchObject({ transport: "smtp", error: null, secretSealed: null });
        expect(rows[0]?.sentAt).toBeInstanceOf(Date);
        expect(rows[0]?.text).toContain(`token=${SECRET_MARK}`);
      },
      { timeout: 30_000 },
    );
    // Delivered: the token is nowhere in the row any more, sealed or not.
    expect(await rawRows(h, account.email)).not.toContain(token);
    const [listed] = await listOutbox(h.deps, { to: account.email, limit: 1 });
    expect(listed).toMatchObject({ secretHeld: false, text: expect.stringContaining(`token=${SECRET_MARK}`) });
    // The mailed token is the one that resets the password.
    await h.caller().auth.resetPassword({ token: token as string, newPassword: "fresh passphrase for smtp" });
    await expect(h.login({ email: account.email, password: "fresh passphrase for smtp" })).resolves.toBeDefined();
  });

  it("sends nothing for an unknown account", async () => {
    const before = receiver.received.length;
    expect(await h.caller().auth.requestPasswordReset({ email: "unknown@example.com" })).toEqual({ ok: true });
    // A known account's mail after it: once that arrives, the unknown one would have too.
    const account = await h.createUser();
    await h.caller().auth.requestPasswordReset({ email: account.email });
    await vi.waitFor(() => expect(receiver.received.length).toBe(before + 1), { timeout: 30_000 });
    expect(receiver.received.at(-1)?.to).toEqual([account.email]);
    expect(await h.deps.db.prisma.mailMessage.count({ where: { to: "unknown@example.com" } })).toBe(0);
  });
});

describe("mail when the SMTP server cannot be reached", () => {
  let h: Harness;
  beforeAll(async () => {
    // A port that was free a moment ago: nothing listens there now.
    const gone = await startReceiver();
    await gone.close();
    h = await createHarness({ SMTP_URL: `smtp://127.0.0.1:${gone.port}` });
  });
  afterAll(() => h.close());

  it("still answers ok, and records the failure on the message", async () => {
    const account = await h.createUser();
    expect(await h.caller().auth.requestPasswordReset({ email: account.email })).toEqual({ ok: true });
    await vi.waitFor(
      async () => {
        const row = await h.deps.db.prisma.mailMessage.findFirstOrThrow({ where: { to: account.email } });
        expect(row).toMatchObject({ transport: "smtp", sentAt: null });
        expect(row.error).toMatch(/ECONNREFUSED|connect/i);
      },
      { timeout: 10_000 },
    );
  });

  it("keeps the undelivered token sealed: superusers read it, the row does not hold it", async () => {
    const account = await h.createUser();
    await h.caller().auth.requestPasswordReset({ email: account.email });
    await h.deps.background.drain();
    const superuser = await h.login(await h.createUser({ isSuperuser: true, role: "admin" }));
    const [listed] = await h.as(superuser.accessToken).admin.mail.list({ to: account.email });
    const token = /reset-password\?token=([\w-]{43})/.exec(listed?.text ?? "")?.[1] as string;
    expect(token).toBeDefined();
    expect(listed).toMatchObject({ secretHeld: true, sentAt: null });
    expect(await rawRows(h, account.email)).not.toContain(token);
    // The token read back from the outbox is the live one.
    await h.caller().auth.resetPassword({ token, newPassword: "sealed but usable passphrase" });
    await expect(h.login({ email: account.email, password: "sealed but usable passphrase" })).resolves.toBeDefined();
  });
});

describe("mail without SMTP (the outbox)", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness();
  });
  afterAll(() => h.close());

  it("keeps the reset mail in mail_messages with transport outbox, readable through listOutbox", async () => {
    expect(h.deps.mailer.kind).toBe("outbox");
    const account = await h.createUser();
    await h.caller().auth.requestPasswordReset({ email: account.email });
    await waitForMail(h, account.email);
    await h.deps.mailer.send({ to: "other@example.com", subject: "Other", text: "other" });

    const mine = await listOutbox(h.deps, { to: account.email.toUpperCase(), limit: 10 });
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({ to: account.email, transport: "outbox", sentAt: null, error: null });
    const token = /\/reset-password\?token=([A-Za-z0-9_-]{43})/.exec(mine[0]?.text ?? "")?.[1] as string;
    expect(token).toBeDefined();
    expect(mine[0]?.html).toContain(`token=${token}`);
    // At rest: the mark in the bodies, the token only as ciphertext.
    const raw = await rawRows(h, account.email);
    expect(raw).not.toContain(token);
    expect(raw).toContain(`token=${SECRET_MARK}`);
    const all = await listOutbox(h.deps, { limit: 1 });
    expect(all.map((m) => m.subject)).toEqual(["Other"]);
    expect(await listOutbox(h.deps, { limit: 10_000 })).toHaveLength(2);
  });

  it("rolls an enqueued message back with its transaction", async () => {
    const failed = h.deps.db.prisma.$transaction(async (tx) => {
      await h.deps.mailer.enqueue(tx, { to: "rolled-back@example.com", subject: "Never", text: "never" });
      throw new Error("the change this mail belongs to failed");
    });
    await expect(failed).rejects.toThrow("failed");
    expect(await listOutbox(h.deps, { to: "rolled-back@example.com", limit: 10 })).toHaveLength(0);
  });
});

describe("password-reset mail template", () => {
  it("escapes the user's name and the link in HTML, and keeps the text plain", () => {
    const mail = passwordResetMail({
      to: "a@example.com",
      name: `Eve "<img src=x onerror=alert(1)>"`,
      link: "https://app.example.com/reset-password?token=abc&x=<y>",
      validMinutes: 30,
    });
    expect(mail.html).not.toContain("<img");
    expect(mail.html).toContain("&lt;img src=x onerror=alert(1)&gt;");
    expect(mail.html).toContain('href="https://app.example.com/reset-password?token=abc&amp;x=&lt;y&gt;"');
    expect(mail.text).toContain(`Hello Eve "<img src=x onerror=alert(1)>",`);
    expect(mail.text).toContain("within 30 minutes");
    expect(escapeHtml(`&<>"'`)).toBe("&amp;&lt;&gt;&quot;&#39;");
  });
});
