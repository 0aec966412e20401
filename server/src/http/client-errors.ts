/**
 * Requests node:http refuses before Hono sees them (a URL or headers over the size limit,
 * a malformed request line): answered in the REST error shape instead of Node's bare
 * status line, so even these carry a code, a message and a request id.
 */
import { randomUUID } from "node:crypto";
import type { Server } from "node:http";
import type { Duplex } from "node:stream";
import type { ErrorCode } from "../lib/app-error.js";
import { errorBody } from "./error-body.js";

interface ParserError extends Error {
  code?: string;
}

function answerOf(error: ParserError): { status: number; reason: string; code: ErrorCode; message: string } {
  if (error.code === "HPE_HEADER_OVERFLOW") {
    return {
      status: 431,
      reason: "Request Header Fields Too Large",
      code: "PAYLOAD_TOO_LARGE",
      message: "The request line and headers are larger than this server accepts",
    };
  }
  if (error.code === "ERR_HTTP_REQUEST_TIMEOUT") {
    return { status: 408, reason: "Request Timeout", code: "TIMEOUT", message: "The request took too long to arrive" };
  }
  return { status: 400, reason: "Bad Request", code: "BAD_REQUEST", message: "Malformed HTTP request" };
}

/** Writes the error answer and closes the connection (its parser state is lost). */
export function answerClientError(error: ParserError, socket: Duplex): void {
  // A reset or closed peer has nobody to answer.
  if (error.code === "ECONNRESET" || !socket.writable) {
    socket.destroy();
    return;
  }
  const answer = answerOf(error);
  const requestId = randomUUID();
  const body = JSON.stringify(errorBody([{ code: answer.code, message: answer.message, field: null }], requestId));
  socket.end(
    `HTTP/1.1 ${answer.status} ${answer.reason}\r\n` +
      "Content-Type: application/json\r\n" +
      `X-Request-ID: ${requestId}\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\n` +
      "Connection: close\r\n\r\n" +
      body,
  );
}

export function answerClientErrors(server: Server): void {
  server.on("clientError", answerClientError);
}
