/**
 * Over a real socket: a body refused before it was read closes the connection (announced with
 * Connection: close), lingeringly, so a client still sending its body reads the answer instead
 * of meeting a reset (EPIPE), and a keep-alive client never reuses a socket about to close.
 */
import { type AddressInfo, connect } from "node:net";
import { serve } from "@hono/node-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHarness, type Harness } from "../test-support/harness.js";

interface RawOutcome {
  /** The raw answer the client could read (status line, headers, body). */
  answer: string;
  error: string | undefined;
}

/**
 * A client that is slow to read, the way a busy machine's clients are: it declares a body of
 * `total` bytes, sends part of it, pauses while the server answers, then sends the rest and
 * only then reads. A server that closes right after answering resets the connection under it.
 */
function slowClientWithLargeBody(port: number, path: string, total: number): Promise<RawOutcome> {
  return new Promise((resolve) => {
    const socket = connect({ port, host: "127.0.0.1" });
    const received: Buffer[] = [];
    let error: string | undefined;
    socket.on("error", (e: NodeJS.ErrnoException) => {
      error = e.code ?? e.message;
    });
    socket.on("close", () => resolve({ answer: Buffer.concat(received).toString(), error }));
    socket.pause();
    const part = Buffer.alloc(256 * 1024, 0x41);
    socket.write(
      `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${total}\r\n\r\n`,
    );
    socket.write(part);
    setTimeout(() => {
      let sent = part.length;
      const more = () => {
        while (sent < total && !socket.destroyed) {
          const n = Math.min(part.length, total - sent);
          sent += n;
          if (!socket.write(part.subarray(0, n))) return void socket.once("drain", more);
        }
        socket.on("data", (chunk: Buffer) => received.push(chunk));
        socket.resume();
      };
      more();
    }, 300);
  });
}

describe("unread request bodies", () => {
  let h: Harness;
  let server: ReturnType<typeof serve>;
  let base: string;
  beforeAll(async () => {
    h = await createHarness();
    await new Promise<void>((resolve) => {
      server = serve({ fetch: h.app.fetch, port: 0, hostname: "127.0.0.1" }, () => resolve());
    });
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await h.close();
  });

  it("answers a refused, unread body with Connection: close", async () => {
    const res = await fetch(`${base}/api/v1/assessments`, {
      method: "POST",
      headers: { "content-type": "text/plain" },
      body: "x".repeat(200_000),
    });
    expect(res.status).toBe(415);
    expect(res.headers.get("connection")).toBe("close");
    expect((await res.json()).errors[0].code).toBe("UNSUPPORTED_MEDIA_TYPE");
  });

  it("lets a client still sending an oversized body read its 413 (lingering close, no reset)", async () => {
    const port = (server.address() as AddressInfo).port;
    const outcome = await slowClientWithLargeBody(port, "/api/v1/assessments", h.deps.config.bodyLimitBytes * 3);
    expect(outcome.error).toBeUndefined();
    expect(outcome.answer).toMatch(/^HTTP\/1\.1 413 /);
    expect(outcome.answer.toLowerCase()).toContain("connection: close");
    expect(outcome.answer).toContain('"code":"PAYLOAD_TOO_LARGE"');
  });

  it("keeps the connection when the body was read", async () => {
    const res = await fetch(`${base}/api/v1/assessments`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ name: "x" }),
    });
    expect(res.status).toBe(401);
    expect(res.headers.get("connection")).not.toBe("close");
    await res.text();
  });
});
