/**
 * The REST door as a REST client meets it: 405 with Allow for a known path asked with
 * another method (404 only for unknown paths), a 415 that says what is accepted, and paths
 * that name a file (…/export.csv, …/export.json, …/navigator-layer.json) answered with the
 * file itself, while the tRPC door keeps returning the object the typed client expects.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appRouter } from "../app-router.js";
import { createTeam, rest } from "../test-support/assessment-fixtures.js";
import { createHarness, type Harness } from "../test-support/harness.js";
import { buildOpenApiDocument } from "./openapi.js";
import { restRoutesOf } from "./upstream-shim.js";

describe("REST door", () => {
  let h: Harness;
  let team: Awaited<ReturnType<typeof createTeam>>;

  beforeAll(async () => {
    h = await createHarness({}, { attack: true });
    team = await createTeam(h);
    await team.lead.api.activities.create({
      assessmentId: team.assessmentId,
      title: "Dump LSASS",
      techniques: ["T1003.001"],
    });
  });
  afterAll(() => h.close());

  it("answers 405 METHOD_NOT_ALLOWED with the methods the path knows in Allow", async () => {
    const res = await rest(h, team.lead, "PUT", `/assessments/${team.assessmentId}`, { name: "x" });
    expect(res.status).toBe(405);
    expect(res.headers.get("allow")).toBe("GET, PATCH, DELETE");
    expect(res.body).toMatchObject({ success: false, errors: [{ code: "METHOD_NOT_ALLOWED", field: null }] });
    expect(res.body.errors[0].message).toContain("GET, PATCH, DELETE");
    const post = await rest(h, team.lead, "POST", "/auth/me", {});
    expect([post.status, post.headers.get("allow")]).toEqual([405, "GET"]);
  });

  it("keeps 404 NOT_FOUND for paths no route knows", async () => {
    const res = await rest(h, team.lead, "PUT", "/no-such-thing");
    expect(res.status).toBe(404);
    expect(res.headers.get("allow")).toBeNull();
    expect(res.body.errors[0]).toMatchObject({ code: "NOT_FOUND", message: "No route for PUT /api/v1/no-such-thing" });
  });

  it("refuses a body in another media type with a 415 that names it and says what is accepted", async () => {
    const res = await h.app.request("/api/v1/tags", {
      method: "POST",
      headers: { ...team.lead.headers, "content-type": "text/plain" },
      body: "name=x",
    });
    expect(res.status).toBe(415);
    const { errors } = (await res.json()) as { errors: { code: string; message: string }[] };
    expect(errors[0]).toMatchObject({
      code: "UNSUPPORTED_MEDIA_TYPE",
      message: 'Unsupported content type "text/plain": send the body as application/json',
    });
    const undeclared = await h.app.request("/api/v1/tags", { method: "POST", headers: team.lead.headers, body: "{}" });
    expect(undeclared.status).toBe(415);
    const trpc = await h.app.request("/trpc/tags.create", {
      method: "POST",
      headers: { ...team.lead.headers, "content-type": "text/plain" },
      body: "name=x",
    });
    expect(trpc.status).toBe(415);
    expect(((await trpc.json()) as { error: { message: string } }).error.message).toBe(
      'Unsupported content type "text/plain": send the input as application/json',
    );
  });

  it("answers GET …/export.csv with the CSV file, named, as an attachment", async () => {
    const res = await h.app.request(`/api/v1/assessments/${team.assessmentId}/export.csv`, {
      headers: team.spectator.headers,
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(res.headers.get("content-disposition")).toBe(
      `attachment; filename="q3-purple-team-activities.csv"; filename*=UTF-8''q3-purple-team-activities.csv`,
    );
    const text = await res.text();
    expect(text.split("\r\n")[0]).toMatch(/^position,phase,title,/);
    expect(text).toContain("Dump LSASS");
    // The typed client still gets the object.
    const viaTrpc = await team.spectator.api.exports.activitiesCsv({ assessmentId: team.assessmentId });
    expect(viaTrpc).toMatchObject({ filename: "q3-purple-team-activities.csv", contentType: "text/csv" });
    expect(viaTrpc.content).toBe(text);
  });

  it("answers the JSON files as downloads too, with the same document as tRPC", async () => {
    const base = `/api/v1/assessments/${team.assessmentId}`;
    const doc = await h.app.request(`${base}/export.json`, { headers: team.spectator.headers });
    expect(doc.headers.get("content-type")).toBe("application/json; charset=utf-8");
    expect(doc.headers.get("content-disposition")).toContain('attachment; filename="q3-purple-team-assessment.json"');
    const { exportedAt: _at, ...document } = await doc.json();
    const { exportedAt: _then, ...viaTrpc } = await team.spectator.api.exports.assessmentJson({
      assessmentId: team.assessmentId,
    });
    expect(document).toEqual(viaTrpc);
    const layer = await h.app.request(`${base}/navigator-layer.json`, { headers: team.spectator.headers });
    expect(layer.headers.get("content-disposition")).toContain('filename="q3-purple-team-navigator-layer.json"');
    expect((await layer.json()).versions.layer).toBe("4.5");
  });

  it("documents each file route with its media type in the OpenAPI document", () => {
    const doc = buildOpenApiDocument(appRouter, "0", "http://x/api/v1") as {
      paths: Record<string, { get: { responses: { 200: { content: Record<string, unknown>; headers?: unknown } } } }>;
    };
    const ok = (path: string) => doc.paths[path]?.get.responses[200];
    expect(ok("/assessments/{assessmentId}/export.csv")?.content).toEqual({
      "text/csv": { schema: { type: "string" } },
    });
    expect(ok("/assessments/{assessmentId}/export.csv")?.headers).toHaveProperty("Content-Disposition");
    expect(Object.keys(ok("/assessments/{assessmentId}/export.json")?.content ?? {})).toEqual(["application/json"]);
  });

  it("serves every REST path that names a file as a file", () => {
    const namesFile = /\.[a-z0-9]{2,5}$/i;
    const undeclared = restRoutesOf(appRouter)
      .filter((route) => namesFile.test(route.path) && !route.procedure.meta?.download)
      .map((route) => `${route.method} ${route.path}`);
    expect(undeclared).toEqual([]);
  });
});
