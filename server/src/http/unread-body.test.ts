/**
 * Over a real socket: a body refused before it was read closes the connection (announced with
 * Connection: close), so a keep-alive client never reuses a socket the adapter is about to drop.
 */
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHarness, type Harness } from "../test-support/harness.js";

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
