/**
 * Evidence upload and download through the Hono routes (multipart), and evidence.list /
 * evidence.delete: refusals first (authentication, tenancy, roles, size, type, names).
 */
import { createHash, randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { contentDisposition } from "../../http/file-response.js";
import { createOrg, createTeam, expectCode, type Member } from "../../test-support/assessment-fixtures.js";
import { createHarness, type Harness } from "../../test-support/harness.js";
import { sanitizeFileName } from "./evidence-files.js";

const PNG = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 73, 72, 68, 82]);
const MAX = 64 * 1024;

describe("evidence", () => {
  let h: Harness;
  let dataDir: string;
  let team: Awaited<ReturnType<typeof createTeam>>;
  let stranger: Member;
  let activityId: string;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), "assay-evidence-"));
    // A global body limit far below the evidence limit: uploads must not be held to it.
    h = await createHarness({ DATA_DIR: dataDir, EVIDENCE_MAX_BYTES: String(MAX), BODY_LIMIT_BYTES: "4096" });
    team = await createTeam(h);
    stranger = (await createOrg(h)).owner;
    activityId = (await team.lead.api.activities.create({ assessmentId: team.assessmentId, title: "Screenshot me" }))
      .id;
  });
  afterAll(async () => {
    await h.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  function upload(
    who: Pick<Member, "headers"> | null,
    file: { data: Uint8Array<ArrayBuffer> | string; name: string; type?: string },
    target = activityId,
  ) {
    const form = new FormData();
    form.append("file", new File([file.data], file.name, file.type === undefined ? {} : { type: file.type }));
    return h.app.request(`/api/v1/activities/${target}/evidence`, {
      method: "POST",
      headers: who ? who.headers : {},
      body: form,
    });
  }
  const download = (who: Pick<Member, "headers">, id: string) =>
    h.app.request(`/api/v1/evidence/${id}`, { headers: who.headers });

  async function errorOf(res: Response) {
    const body = (await res.json()) as { success: boolean; errors: { code: string; field: string | null }[] };
    expect(body.success).toBe(false);
    return body.errors[0];
  }

  describe("refusals", () => {
    it("asks for a bearer token and answers NOT_FOUND across organizations and outside the ACL", async () => {
      expect((await upload(null, { data: PNG, name: "a.png", type: "image/png" })).status).toBe(401);
      const foreign = await upload(stranger, { data: PNG, name: "a.png", type: "image/png" });
      expect(foreign.status).toBe(404);
      expect(await errorOf(foreign)).toMatchObject({ code: "NOT_FOUND", field: "id" });
      expect((await upload(team.outsider, { data: PNG, name: "a.png", type: "image/png" })).status).toBe(404);
      expect((await upload(team.lead, { data: PNG, name: "a.png", type: "image/png" }, randomUUID())).status).toBe(404);
      expect((await upload(team.lead, { data: PNG, name: "a.png", type: "image/png" }, "..%2F..%2Fetc")).status).toBe(
        404,
      );
    });

    it("refuses spectators (upload:evidence)", async () => {
      const res = await upload(team.spectator, { data: PNG, name: "a.png", type: "image/png" });
      expect(res.status).toBe(403);
      expect((await errorOf(res))?.code).toBe("FORBIDDEN");
    });

    it("refuses files over EVIDENCE_MAX_BYTES with 413 in the REST error shape", async () => {
      const big = new Uint8Array(MAX + 1).fill(0x41);
      const res = await upload(team.red, { data: big, name: "big.txt", type: "text/plain" });
      expect(res.status).toBe(413);
      expect(await errorOf(res)).toMatchObject({ code: "PAYLOAD_TOO_LARGE" });
      const huge = await upload(team.red, { data: new Uint8Array(MAX * 3), name: "huge.txt", type: "text/plain" });
      expect(huge.status).toBe(413);
    });

    it("refuses types off the allow-list, and content that is not what it claims, with 415", async () => {
      const html = await upload(team.red, { data: "<script>alert(1)</script>", name: "x.html", type: "text/html" });
      expect(html.status).toBe(415);
      expect(await errorOf(html)).toMatchObject({ code: "UNSUPPORTED_MEDIA_TYPE", field: "file" });
      const svg = await upload(team.red, { data: "<svg onload=alert(1)>", name: "x.svg", type: "image/svg+xml" });
      expect(svg.status).toBe(415);
      const exe = await upload(team.red, { data: "MZ\x90\x00", name: "tool.exe", type: "application/octet-stream" });
      expect(exe.status).toBe(415);
      const fakePng = await upload(team.red, { data: "<html>not a png</html>", name: "x.png", type: "image/png" });
      expect(fakePng.status).toBe(415);
      const binaryText = await upload(team.red, { data: PNG, name: "x.txt", type: "text/plain" });
      expect(binaryText.status).toBe(415);
    });

    it("wants multipart/form-data with one file field", async () => {
      const json = await h.app.request(`/api/v1/activities/${activityId}/evidence`, {
        method: "POST",
        headers: { ...team.red.headers, "content-type": "application/json" },
        body: "{}",
      });
      expect(json.status).toBe(415);
      const form = new FormData();
      form.append("notfile", "x");
      const missing = await h.app.request(`/api/v1/activities/${activityId}/evidence`, {
        method: "POST",
        headers: team.red.headers,
        body: form,
      });
      expect(missing.status).toBe(400);
      expect(await errorOf(missing)).toMatchObject({ code: "VALIDATION", field: "file" });
      const empty = await upload(team.red, { data: new Uint8Array(), name: "e.txt", type: "text/plain" });
      expect(empty.status).toBe(400);
    });

    it("cleans names: no path, no control or bidi characters, never empty", async () => {
      expect(sanitizeFileName("../../etc/passwd")).toBe("passwd");
      expect(sanitizeFileName("..\\..\\windows\\win.ini")).toBe("win.ini");
      expect(sanitizeFileName("evil\r\nname\u0000.txt")).toBe("evilname.txt");
      expect(sanitizeFileName("report\u202Egnp.exe")).toBe("reportgnp.exe");
      expect(sanitizeFileName("..")).toBe("evidence");
      expect(sanitizeFileName("   .hidden")).toBe("hidden");
      expect(sanitizeFileName("CON.txt")).toBe("_CON.txt");
      expect(sanitizeFileName(`${"a".repeat(300)}.png`)).toHaveLength(200);
      expect(contentDisposition('quote"d résumé.pdf')).toBe(
        `attachment; filename="quote_d r_sum_.pdf"; filename*=UTF-8''quote%22d%20r%C3%A9sum%C3%A9.pdf`,
      );
    });
  });

  describe("upload and download", () => {
    it("stores the file under DATA_DIR/evidence/<org>/<activity>/<uuid> with its sha256, whatever the name", async () => {
      const res = await upload(team.red, { data: PNG, name: "../../../../tmp/evil\n.png", type: "image/png" });
      expect(res.status).toBe(201);
      const evidence = (await res.json()) as { id: string; fileName: string; sha256: string; size: number };
      expect(evidence).toMatchObject({
        fileName: "evil.png",
        size: PNG.byteLength,
        sha256: createHash("sha256").update(PNG).digest("hex"),
        contentType: "image/png",
        uploadedById: team.red.id,
      });
      const path = join(dataDir, "evidence", team.orgId, activityId, evidence.id);
      expect(await readFile(path)).toEqual(Buffer.from(PNG));
      expect(existsSync("/tmp/evil\n.png")).toBe(false);
      expect(await readdir(join(dataDir, "evidence"))).toEqual([team.orgId]);
    });

    it("accepts a file larger than BODY_LIMIT_BYTES (the upload route has its own limit)", async () => {
      const log = "4624 An account was successfully logged on\n".repeat(1000);
      const res = await upload(team.blue, { data: log, name: "security.log", type: "" });
      expect(res.status).toBe(201);
      expect(await res.json()).toMatchObject({ contentType: "text/plain", size: log.length });
      const pcap = Uint8Array.from([0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0]);
      const sniffed = await upload(team.blue, { data: pcap, name: "capture.pcap", type: "application/octet-stream" });
      expect(await sniffed.json()).toMatchObject({ contentType: "application/vnd.tcpdump.pcap" });
    });

    it("lets anyone on the assessment list and download, as an attachment that is never sniffed", async () => {
      const created = (await (
        await upload(team.lead, { data: PNG, name: "proof é.png", type: "image/png" })
      ).json()) as {
        id: string;
      };
      const listed = await team.spectator.api.evidence.list({ activityId });
      expect(listed.data.map((e) => e.id)).toContain(created.id);
      const res = await download(team.spectator, created.id);
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toBe("image/png");
      expect(res.headers.get("x-content-type-options")).toBe("nosniff");
      expect(res.headers.get("content-disposition")).toBe(
        `attachment; filename="proof _.png"; filename*=UTF-8''proof%20%C3%A9.png`,
      );
      expect(new Uint8Array(await res.arrayBuffer())).toEqual(PNG);
      expect((await download(stranger, created.id)).status).toBe(404);
      expect((await download(team.outsider, created.id)).status).toBe(404);
      expect((await download(team.lead, randomUUID())).status).toBe(404);
      expect((await h.app.request(`/api/v1/evidence/${created.id}`)).status).toBe(401);
      await expectCode(stranger.api.evidence.list({ activityId }), "NOT_FOUND", "activityId");
    });

    it("records uploads and deletions in the activity's history", async () => {
      const created = (await (await upload(team.red, { data: "hello", name: "n.txt", type: "text/plain" })).json()) as {
        id: string;
      };
      await team.red.api.evidence.delete({ id: created.id });
      const fields = (await team.lead.api.activities.history({ id: activityId, pageSize: 100 })).data.filter(
        (e) => e.field === "evidence",
      );
      expect(fields.slice(0, 2).map((e) => [e.oldValue === null, e.newValue === null])).toEqual([
        [false, true],
        [true, false],
      ]);
    });

    it("lets the uploader or the lead delete, removing the file; others are refused", async () => {
      const created = (await (await upload(team.red, { data: PNG, name: "d.png", type: "image/png" })).json()) as {
        id: string;
      };
      const path = join(dataDir, "evidence", team.orgId, activityId, created.id);
      await expectCode(team.blue.api.evidence.delete({ id: created.id }), "FORBIDDEN");
      await expectCode(team.spectator.api.evidence.delete({ id: created.id }), "FORBIDDEN");
      await expectCode(stranger.api.evidence.delete({ id: created.id }), "NOT_FOUND", "id");
      expect(existsSync(path)).toBe(true);
      await team.lead.api.evidence.delete({ id: created.id });
      expect(existsSync(path)).toBe(false);
      expect((await download(team.lead, created.id)).status).toBe(404);
    });
  });
});
