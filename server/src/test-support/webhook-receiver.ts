/** A real webhook receiver for tests: node:http on 127.0.0.1 (a free port), recording every request. */
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";

export interface ReceivedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface Answer {
  status: number;
  headers?: Record<string, string>;
  /** Never answer (the connection stays open until the sender gives up or the receiver closes). */
  hang?: boolean;
}

export interface Receiver {
  url: string;
  received: ReceivedRequest[];
  /** Answers the next requests with these, in order; then 204. */
  answerNext(...answers: Answer[]): void;
  close(): Promise<void>;
}

/** Starts a receiver; close it after the test. */
export async function startReceiver(): Promise<Receiver> {
  const received: ReceivedRequest[] = [];
  const queue: Answer[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      received.push({
        method: req.method ?? "",
        path: req.url ?? "",
        headers: req.headers,
        body: Buffer.concat(chunks).toString("utf8"),
      });
      const answer = queue.shift() ?? { status: 204 };
      if (answer.hang) return;
      res.writeHead(answer.status, answer.headers ?? {});
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    answerNext: (...answers) => queue.push(...answers),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * The requests `receiver` got on `path` once there are `count` of them (deliveries run in the
 * background); throws after `timeoutMs` so a missing delivery fails the test with its path.
 */
export async function requestsArriving(
  receiver: Receiver,
  path: string,
  count = 1,
  timeoutMs = 15_000,
): Promise<[ReceivedRequest, ...ReceivedRequest[]]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const got = receiver.received.filter((r) => r.path === path);
    const [first, ...rest] = got;
    if (first && got.length >= count) return [first, ...rest];
    if (Date.now() > deadline)
      throw new Error(`${got.length} of ${count} deliveries to ${path} within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
