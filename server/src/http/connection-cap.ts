/**
 * At most MAX_CONNECTIONS_PER_IP open connections per peer address. One address could hold
 * thousands of slow connections (3,000 were accepted in a test) and starve everyone else.
 * A connection past the cap never reaches node:http: it is answered 429 in the REST error
 * shape once the client has sent its request, and closed; the count drops as connections close.
 */
import { randomUUID } from "node:crypto";
import type { Server } from "node:http";
import type { Socket } from "node:net";
import { errorBody } from "./error-body.js";
import { lingerThenClose } from "./lingering-close.js";

// How long a refused connection may stay silent, and linger after its answer.
const REFUSED_WAIT_MS = 1000;
const REFUSED_LINGER = { maxBytes: 1024 * 1024, maxMs: 2000, idleMs: 500 };

function refusal(max: number): string {
  const requestId = randomUUID();
  const message = `Too many open connections from your address (at most ${max}); close some and try again`;
  const body = JSON.stringify(errorBody([{ code: "RATE_LIMITED", message, field: null }], requestId));
  return (
    "HTTP/1.1 429 Too Many Requests\r\n" +
    "Content-Type: application/json\r\n" +
    `X-Request-ID: ${requestId}\r\n` +
    "Retry-After: 1\r\n" +
    `Content-Length: ${Buffer.byteLength(body)}\r\n` +
    "Connection: close\r\n\r\n" +
    body
  );
}

function refuse(socket: Socket, max: number): void {
  socket.on("error", () => socket.destroy());
  const silent = setTimeout(() => socket.destroy(), REFUSED_WAIT_MS);
  silent.unref();
  // Answered once the request arrives, so an HTTP client reads it as the answer to it.
  socket.once("data", () => {
    clearTimeout(silent);
    socket.write(refusal(max));
    lingerThenClose(socket, REFUSED_LINGER);
  });
}

/** Caps open connections per peer address on `server` (0: no cap); returns the live counts, for tests. */
export function capConnectionsPerAddress(server: Server, max: number): Map<string, number> {
  const open = new Map<string, number>();
  if (max <= 0) return open;
  // node:http serves a connection from its own 'connection' listener (the documented way to
  // hand it one is emitting that event): it runs only for connections within the cap.
  const serveConnection = server.listeners("connection") as ((socket: Socket) => void)[];
  server.removeAllListeners("connection");
  server.on("connection", (socket: Socket) => {
    const address = socket.remoteAddress ?? "unknown";
    const count = open.get(address) ?? 0;
    if (count >= max) return refuse(socket, max);
    open.set(address, count + 1);
    socket.once("close", () => {
      const left = (open.get(address) ?? 1) - 1;
      if (left > 0) open.set(address, left);
      else open.delete(address);
    });
    for (const listener of serveConnection) listener.call(server, socket);
  });
  return open;
}
