/**
 * Over real sockets, the limits of the listener: headers that do not arrive within
 * HEADERS_TIMEOUT_MS and bodies that do not arrive within REQUEST_TIMEOUT_MS are answered 408
 * and closed (slow clients were held for five minutes), and one address holds at most
 * MAX_CONNECTIONS_PER_IP connections: the next one is answered 429 without reaching the app,
 * and a connection is accepted again once one closes.
 */
import type { Server } from "node:http";
import { type AddressInfo, connect, type Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHarness, type Harness } from "../test-support/harness.js";
import { listenHttp } from "./http-server.js";

interface Peer {
  socket: Socket;
  /** Everything received so far. */
  received(): string;
  /** Resolves with everything received once the server closes the connection. */
  closed: Promise<{ text: string; afterMs: number }>;
}

function open(port: number): Promise<Peer> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const socket = connect({ port, host: "127.0.0.1" });
    let text = "";
    socket.setEncoding("utf8");
    socket.on("data", (chunk: string) => {
      text += chunk;
    });
    const closed = new Promise<{ text: string; afterMs: number }>((done) => {
      socket.on("close", () => done({ text, afterMs: Date.now() - started }));
    });
    socket.on("error", () => undefined);
    socket.once("connect", () => resolve({ socket, received: () => text, closed }));
    socket.once("error", reject);
  });
}

const statusOf = (raw: string) => raw.split("\r\n")[0];
const bodyOf = (raw: string) => JSON.parse(raw.slice(raw.indexOf("\r\n\r\n") + 4));

async function until(condition: () => boolean, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("timed out waiting");
    await new Promise((r) => setTimeout(r, 10));
  }
}

const close = (server: Server) =>
  new Promise<void>((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });

describe("HTTP listener limits", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness();
  });
  afterAll(() => h.close());

  describe("timeouts", () => {
    let server: Server;
    let port: number;
    beforeAll(async () => {
      const limits = { requestTimeoutMs: 700, headersTimeoutMs: 300, maxConnectionsPerIp: 0 };
      server = await listenHttp(h.app.fetch, { port: 0, hostname: "127.0.0.1", limits });
      port = (server.address() as AddressInfo).port;
    });
    afterAll(() => close(server));

    it("answers partial headers with 408 in the error shape and closes, after HEADERS_TIMEOUT_MS", async () => {
      const peer = await open(port);
      peer.socket.write("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ");
      const { text, afterMs } = await peer.closed;
      expect(statusOf(text)).toBe("HTTP/1.1 408 Request Timeout");
      expect(bodyOf(text).errors[0]).toMatchObject({ code: "TIMEOUT" });
      expect(afterMs).toBeGreaterThanOrEqual(250);
      expect(afterMs).toBeLessThan(2500);
    });

    it("answers a body still trickling in after REQUEST_TIMEOUT_MS with 408 and closes", async () => {
      const peer = await open(port);
      peer.socket.write(
        "POST /api/v1/auth/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{",
      );
      const trickle = setInterval(() => peer.socket.writable && peer.socket.write(" "), 100);
      const { text, afterMs } = await peer.closed;
      clearInterval(trickle);
      expect(statusOf(text)).toBe("HTTP/1.1 408 Request Timeout");
      expect(afterMs).toBeGreaterThanOrEqual(600);
      expect(afterMs).toBeLessThan(3500);
    });

    it("still serves a request that arrives in time", async () => {
      const res = await fetch(`http://127.0.0.1:${port}/health`);
      expect(res.status).toBe(200);
    });
  });

  describe("connections per address", () => {
    let server: Server;
    let port: number;
    let served = 0;
    beforeAll(async () => {
      const limits = { requestTimeoutMs: 10_000, headersTimeoutMs: 5_000, maxConnectionsPerIp: 3 };
      const fetchCounting = (request: Request) => {
        served++;
        return h.app.fetch(request);
      };
      server = await listenHttp(fetchCounting, { port: 0, hostname: "127.0.0.1", limits });
      port = (server.address() as AddressInfo).port;
    });
    afterAll(() => close(server));

    const get = "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";

    it("refuses the connection past the cap with 429, never reaching the app, and accepts again after one closes", async () => {
      const held = await Promise.all([open(port), open(port), open(port)]);
      for (const peer of held) peer.socket.write(get);
      await until(() => held.every((peer) => peer.received().includes("\r\n\r\n")));
      expect(held.map((peer) => statusOf(peer.received()))).toEqual(Array(3).fill("HTTP/1.1 200 OK"));
      expect(served).toBe(3);

      const refused = await open(port);
      refused.socket.write(get);
      const { text } = await refused.closed;
      expect(statusOf(text)).toBe("HTTP/1.1 429 Too Many Requests");
      expect(bodyOf(text).errors[0]).toMatchObject({ code: "RATE_LIMITED" });
      expect(bodyOf(text).errors[0].message).toContain("at most 3");
      expect(served).toBe(3);

      const first = held[0] as Peer;
      first.socket.end();
      await first.closed;
      // The server sees the close a moment later; retry briefly until a fresh connection is served.
      let accepted = "";
      for (let attempt = 0; attempt < 20 && !accepted.startsWith("HTTP/1.1 200"); attempt++) {
        const again = await open(port);
        again.socket.write(get);
        await until(() => again.received().includes("\r\n\r\n") || again.socket.destroyed, 3000);
        accepted = again.received();
        again.socket.destroy();
        await new Promise((r) => setTimeout(r, 50));
      }
      expect(statusOf(accepted)).toBe("HTTP/1.1 200 OK");
      for (const peer of held) peer.socket.destroy();
    });
  });
});
