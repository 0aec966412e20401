/**
 * The node:http server in front of the app, with the limits a public listener needs: the
 * whole request within REQUEST_TIMEOUT_MS and its headers within HEADERS_TIMEOUT_MS (408
 * after that, instead of slow clients being held for five minutes), at most
 * MAX_CONNECTIONS_PER_IP connections per address, and parser refusals in the error shape.
 */
import type { Server } from "node:http";
import { serve } from "@hono/node-server";
import type { Config } from "../config.js";
import { answerClientErrors } from "./client-errors.js";
import { capConnectionsPerAddress } from "./connection-cap.js";

export interface HttpServerOptions {
  port: number;
  hostname: string;
  limits: Pick<Config["http"], "requestTimeoutMs" | "headersTimeoutMs" | "maxConnectionsPerIp">;
}

/** Listens with `fetch` behind the limits; resolves once the port is bound. */
export function listenHttp(fetch: (request: Request) => Response | Promise<Response>, options: HttpServerOptions) {
  const { requestTimeoutMs, headersTimeoutMs, maxConnectionsPerIp } = options.limits;
  // node:http checks the timeouts every connectionsCheckingInterval (30 s by default), which
  // would stretch a 15 s limit to 45 s.
  const checkEveryMs = Math.max(25, Math.min(1000, Math.floor(Math.min(requestTimeoutMs, headersTimeoutMs) / 4)));
  return new Promise<Server>((resolve, reject) => {
    // serve() without TLS or HTTP/2 options makes a plain node:http server.
    const server = serve(
      {
        fetch,
        port: options.port,
        hostname: options.hostname,
        serverOptions: {
          requestTimeout: requestTimeoutMs,
          headersTimeout: headersTimeoutMs,
          connectionsCheckingInterval: checkEveryMs,
        },
      },
      () => resolve(server as Server),
    ) as Server;
    server.once("error", reject);
    answerClientErrors(server);
    capConnectionsPerAddress(server, maxConnectionsPerIp);
  });
}
