/**
 * The two evidence routes that are not JSON, mounted under /api/v1 by http/app.ts:
 * POST /activities/:id/evidence (multipart/form-data, field `file`) and GET /evidence/:id.
 * Both pass the one guard chain like every org-scoped procedure; the upload has its own body
 * limit (EVIDENCE_MAX_BYTES) instead of the global BODY_LIMIT_BYTES.
 */
import { Hono, type Context as HonoContext } from "hono";
import { bodyLimit } from "hono/body-limit";
import type { Context, Deps } from "../../context.js";
import { sendError } from "../../http/error-body.js";
import { contentDisposition } from "../../http/file-response.js";
import { MULTIPART_OVERHEAD, readUploadedFile } from "../../http/multipart-file.js";
import { guard, orgContext } from "../../http/route-guard.js";
import type { AppEnv } from "../../http/types.js";
import { AppError } from "../../lib/app-error.js";
import { openEvidence, uploadEvidence } from "./evidence.service.js";

/** The path of the upload route, relative to /api/v1 (app.ts exempts it from the global body limit). */
export const EVIDENCE_UPLOAD_PATH = "/activities/:id/evidence";

export function evidenceRoutes(deps: Deps, contextOf: (c: HonoContext<AppEnv>) => Context): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const { maxBytes } = deps.config.evidence;

  app.post(
    EVIDENCE_UPLOAD_PATH,
    guard({ kind: "organization", name: "evidence.upload", scope: "activities:write" }, contextOf),
    bodyLimit({
      maxSize: maxBytes + MULTIPART_OVERHEAD,
      onError: (c) =>
        sendError(c, new AppError("PAYLOAD_TOO_LARGE", `Evidence files may be at most ${maxBytes} bytes`, "file")),
    }),
    async (c) => {
      const file = await readUploadedFile(c);
      const evidence = await uploadEvidence(orgContext(c), {
        activityId: c.req.param("id"),
        fileName: file.name,
        declaredType: file.type,
        data: new Uint8Array(await file.arrayBuffer()),
      });
      return c.json(evidence, 201);
    },
  );

  app.get(
    "/evidence/:id",
    guard({ kind: "organization", name: "evidence.download", scope: "activities:read" }, contextOf),
    async (c) => {
      const { evidence, body } = await openEvidence(orgContext(c), c.req.param("id"));
      return new Response(body, {
        status: 200,
        headers: {
          "content-type": evidence.contentType,
          "content-length": String(evidence.size),
          "content-disposition": contentDisposition(evidence.fileName),
          "x-content-type-options": "nosniff",
          "cache-control": "private, no-store",
          "x-evidence-sha256": evidence.sha256,
        },
      });
    },
  );

  return app;
}
