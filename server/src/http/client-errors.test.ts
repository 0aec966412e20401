/** Requests node:http refuses itself still answer in the REST error shape. */
import { createServer, type Server } from "node:http";
import { type AddressInfo, connect } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { answerClientErrors } from "./client-errors.js";

/** Sends raw bytes and reads everything until the server closes the connection. */
function rawExchange(port: number, payload: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1", () => socket.write(payload));
    let received = "";
    socket.setEncoding("utf8");
    socket.on("data", (chunk) => {
      received += chunk;
    });
    socket.on("end", () => resolve(received));
    socket.on("error", reject);
  });
}

function parse(raw: string) {
  const [head = "", body = ""] = raw.split("\r\n\r\n");
  return { statusLine: head.split("\r\n")[0], head, body: JSON.parse(body) };
}

describe("client errors", () => {
  let server: Server;
  let port: number;
  beforeAll(async () => {
    server = createServer((_req, res) => res.end("ok"));
    answerClientErrors(server);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it("answers a 20 KB URL with 431 and the error shape", async () => {
    const raw = await rawExchange(port, `GET /api/v1/x?q=${"a".repeat(20_000)} HTTP/1.1\r\nHost: x\r\n\r\n`);
    const answer = parse(raw);
    expect(answer.statusLine).toBe("HTTP/1.1 431 Request Header Fields Too Large");
    expect(answer.head).toMatch(/content-type: application\/json/i);
    expect(answer.body).toMatchObject({ success: false, errors: [{ code: "PAYLOAD_TOO_LARGE", field: null }] });
    expect(answer.body.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(answer.head).toContain(`X-Request-ID: ${answer.body.requestId}`);
  });

  it("answers a malformed request line with 400 BAD_REQUEST", async () => {
    const answer = parse(await rawExchange(port, "NOT HTTP AT ALL\r\n\r\n"));
    expect(answer.statusLine).toBe("HTTP/1.1 400 Bad Request");
    expect(answer.body.errors[0].code).toBe("BAD_REQUEST");
  });
});
