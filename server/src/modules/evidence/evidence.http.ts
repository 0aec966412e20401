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
import { guard, orgContext } from "../../http/route-guard.js";
import type { AppEnv } from "../../http/types.js";
import { AppError } from "../../lib/app-error.js";
import { openEvidence, uploadEvidence } from "./evidence.service.js";

/** The path of the upload route, relative to /api/v1 (app.ts exempts it from the global body limit). */
export const EVIDENCE_UPLOAD_PATH = "/activities/:id/evidence";

// Room for the multipart boundaries and part headers around the file itself.
const MULTIPART_OVERHEAD = 64 * 1024;

async function readFile(c: HonoContext<AppEnv>): Promise<File> {
  const type = c.req.header("content-type") ?? "";
  if (!type.toLowerCase().startsWith("multipart/form-data")) {
    throw new AppError("UNSUPPORTED_MEDIA_TYPE", "Send the file as multipart/form-data in a field named file", "file");
  }
  let form: Record<string, unknown>;
  try {
    form = await c.req.parseBody({ all: true });
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw new AppError("BAD_REQUEST", "The multipart body could not be read", "file");
  }
  const file = form.file;
  if (Array.isArray(file)) throw new AppError("VALIDATION", "Send one file per request", "file");
  if (!(file instanceof File)) throw new AppError("VALIDATION", "A file field named file is required", "file");
  return file;
}

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
      const file = await readFile(c);
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
