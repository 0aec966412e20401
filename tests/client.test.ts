/**
 * Proves @assay/client works against the real server over HTTP: typed calls return the
 * system info, calls in one tick share one HTTP request, and errors carry Assay's code and
 * the request id.
 */
import { type AssayClientOptions, createAssayClient, errorCodeOf, TRPCClientError } from "@assay/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startReadyServer, type TestServer } from "./support/server.js";

const ISO_DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

/** A fetch that records every HTTP request the client makes and the X-Request-ID it got back. */
function countingFetch() {
  const requests: { url: string; requestId: string | null }[] = [];
  const fetchFn: NonNullable<AssayClientOptions["fetch"]> = async (input, init) => {
    const res = await fetch(input, init as RequestInit | undefined);
    requests.push({ url: String(input), requestId: res.headers.get("x-request-id") });
    return res;
  };
  return { requests, fetch: fetchFn };
}

describe("@assay/client against a running server", () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startReadyServer();
  });
  afterAll(async () => {
    await server?.stop();
  });

  it("system.info returns this instance's facts", async () => {
    const client = createAssayClient({ url: server.url });
    const info = await client.system.info.query();
    expect(info.name).toBe("Assay");
    expect(info.database).toBe(process.env.TEST_DATABASE_URL ? "postgresql" : "embedded");
    expect(info.environment).toBe("test");
    expect(info.installedAt).not.toBeNull();
    expect(info.installedAt).toMatch(ISO_DATETIME);
    expect(new Date(info.installedAt as string).toISOString()).toBe(info.installedAt);
    expect(info.startedAt).toMatch(ISO_DATETIME);
    expect(Date.parse(info.installedAt as string)).toBeLessThanOrEqual(Date.now());
  });

  it("accepts a base url with a trailing slash", async () => {
    const client = createAssayClient({ url: `${server.url}/` });
    await expect(client.system.info.query()).resolves.toMatchObject({ name: "Assay" });
  });

  it("splits calls made in the same tick into batches the server accepts (TRPC_MAX_BATCH_SIZE, 20)", async () => {
    const counter = countingFetch();
    const client = createAssayClient({ url: server.url, fetch: counter.fetch });
    const infos = await Promise.all(Array.from({ length: 45 }, () => client.system.info.query()));
    expect(infos.every((info) => info.name === "Assay")).toBe(true);
    // The batches go out together; their order on the wire is the network's, not the client's.
    const sizes = counter.requests.map((r) => new URL(r.url).pathname.split(",").length);
    expect(sizes.sort((a, b) => b - a)).toEqual([20, 20, 5]);
  });

  it("is refused a batch past TRPC_MAX_BATCH_SIZE, before any call runs", async () => {
    const paths = Array(21).fill("system.info").join(",");
    const res = await fetch(`${server.url}/trpc/${paths}?batch=1`);
    expect(res.status).toBe(400);
    const { error } = (await res.json()) as { error: { message: string; data: { code: string } } };
    expect(error.data.code).toBe("BAD_REQUEST");
    expect(error.message).toContain("At most 20 calls per batch");
  });

  it("batches two calls made in the same tick into one HTTP request", async () => {
    const counter = countingFetch();
    const client = createAssayClient({ url: server.url, fetch: counter.fetch });
    const [first, second] = await Promise.all([client.system.info.query(), client.system.info.query()]);
    expect(first.name).toBe("Assay");
    expect(second.name).toBe("Assay");
    expect(counter.requests).toHaveLength(1);
    const url = new URL(counter.requests[0]?.url ?? "");
    expect(url.pathname).toBe("/trpc/system.info,system.info");
    expect(url.searchParams.get("batch")).toBe("1");
  });

  it("makes separate requests for calls in different ticks", async () => {
    const counter = countingFetch();
    const client = createAssayClient({ url: server.url, fetch: counter.fetch });
    await client.system.info.query();
    await client.system.info.query();
    expect(counter.requests).toHaveLength(2);
  });

  it("surfaces a missing procedure as a TRPCClientError with code NOT_FOUND and the request id", async () => {
    const counter = countingFetch();
    const client = createAssayClient({ url: server.url, fetch: counter.fetch });
    // The typed client has no such procedure: reach it the way an outdated client would.
    const untyped = client as unknown as { system: { missing: { query(): Promise<unknown> } } };
    const error = await untyped.system.missing.query().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(TRPCClientError);
    expect(errorCodeOf(error)).toBe("NOT_FOUND");
    const data = (error as { data?: unknown }).data as { code?: unknown; requestId?: unknown; httpStatus?: unknown };
    expect(data.code).toBe("NOT_FOUND");
    expect(data.httpStatus).toBe(404);
    expect(typeof data.requestId).toBe("string");
    expect(data.requestId).not.toBe("");
    // The id in the error is the one the server sent in the X-Request-ID header.
    expect(counter.requests).toHaveLength(1);
    expect(data.requestId).toBe(counter.requests[0]?.requestId);
  });

  it("sends custom headers, so a caller-chosen request id reaches the server", async () => {
    const counter = countingFetch();
    const client = createAssayClient({
      url: server.url,
      fetch: counter.fetch,
      headers: { "X-Request-ID": "client-42" },
    });
    await client.system.info.query();
    expect(counter.requests[0]?.requestId).toBe("client-42");
  });

  it("errorCodeOf ignores errors that did not come from the API", () => {
    expect(errorCodeOf(new Error("boom"))).toBeUndefined();
    expect(errorCodeOf("NOT_FOUND")).toBeUndefined();
  });
});
