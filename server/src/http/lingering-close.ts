/**
 * Lingering close for requests answered before their body was read (401, 413, 415...).
 *
 * The answer says `Connection: close`, and Node then destroys the socket as soon as the
 * answer is flushed. A client still sending its body meets a reset: it gets EPIPE or
 * ECONNRESET instead of the 413 waiting in its receive buffer. So, like Apache's and nginx's
 * lingering close, the socket here only half-closes (FIN after the answer) and keeps reading
 * and discarding what the client still sends, until the client closes its side or a bound
 * (bytes or time) is reached; only then is it destroyed.
 */
import type { IncomingMessage } from "node:http";
import type { Socket } from "node:net";
import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "./types.js";

export interface LingerBounds {
  /** Discard at most this many further bytes before closing anyway. */
  maxBytes: number;
  /** Close anyway after this long. */
  maxMs: number;
  /** Close when the client sends nothing for this long. */
  idleMs: number;
}

export const DEFAULT_LINGER: LingerBounds = { maxBytes: 64 * 1024 * 1024, maxMs: 10_000, idleMs: 2_000 };

const lingering = Symbol("assay.lingering");
type LingeringSocket = Socket & { [lingering]?: true };

/** Half-closes `socket` and discards what the peer still sends, within `bounds`, before destroying it. */
export function lingerThenClose(socket: Socket, bounds: LingerBounds): void {
  const s = socket as LingeringSocket;
  if (s[lingering] || s.destroyed) return;
  s[lingering] = true;
  const startBytes = socket.bytesRead;
  const started = Date.now();
  let lastBytes = startBytes;
  let lastProgress = started;
  const done = () => {
    clearInterval(tick);
    if (!socket.destroyed) socket.destroy();
  };
  // bytesRead counts in both of node:http's read modes (JS 'data' events or the parser
  // consuming the handle directly), so progress is polled rather than listened for.
  const tick = setInterval(() => {
    const now = Date.now();
    if (socket.bytesRead !== lastBytes) {
      lastBytes = socket.bytesRead;
      lastProgress = now;
    }
    const tooMuch = socket.bytesRead - startBytes > bounds.maxBytes;
    if (tooMuch || now - started > bounds.maxMs || now - lastProgress > bounds.idleMs) done();
  }, 50);
  tick.unref();
  socket.once("end", done);
  socket.once("close", done);
  // Whatever still arrives is read and dropped (node:http has dumped the request body).
  socket.resume();
  socket.end();
}

/**
 * A request whose body was not read is answered with `Connection: close`, and its socket
 * closes lingeringly (see above) once the answer is out, so the client reads its answer and
 * never reuses a connection whose parser position is unknown.
 */
export function closeLingeringAfterUnreadBody(bounds: LingerBounds = DEFAULT_LINGER): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    await next();
    const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
    if (!incoming || incoming.readableEnded) return;
    const hasBody = Number(c.req.header("content-length") ?? 0) > 0 || c.req.header("transfer-encoding") !== undefined;
    if (!hasBody) return;
    c.header("Connection", "close");
    const socket = incoming.socket as Socket | null;
    // node:http ends a `Connection: close` answer with socket.destroySoon(); the adapter's own
    // drain does too. Both become the lingering close for this one socket.
    if (socket) socket.destroySoon = () => lingerThenClose(socket, bounds);
  };
}
