/**
 * The Word base of a docx report template, over REST (not JSON, so not a procedure), mounted
 * under /api/v1 by app.ts: PUT (multipart/form-data, field `file`), GET and DELETE
 * /templates/reports/:id/docx-base. They pass the one guard chain as signed-in routes with the
 * scopes of the template procedures (reports:write, reports:read); the template's own rules
 * (template-scope.ts) then decide, naming the organization by X-Organization-Id or
 * ?organizationId= as templates do (global templates need none). The upload has its own body
 * limit (DOCX_BASE_MAX_BYTES) instead of the global BODY_LIMIT_BYTES.
 */
import { Hono, type Context as HonoContext } from "hono";
import { bodyLimit } from "hono/body-limit";
import type { Context } from "../../context.js";
import { requestedOrgId } from "../../guard/chain.js";
import { sendError } from "../../http/error-body.js";
import { contentDisposition } from "../../http/file-response.js";
import { MULTIPART_OVERHEAD, readUploadedFile } from "../../http/multipart-file.js";
import { guard, signedInContext } from "../../http/route-guard.js";
import type { AppEnv } from "../../http/types.js";
import { AppError } from "../../lib/app-error.js";
import { isUuid } from "../../lib/ids.js";
import { DOCX_CONTENT_TYPE, deleteDocxBase, openDocxBase, uploadDocxBase } from "./docx-base.service.js";
import { DOCX_BASE_MAX_BYTES } from "./docx-base-file.js";
import { type TemplateCtx, templateNotFound } from "./template-scope.js";

/** The path of the Word base routes, relative to /api/v1 (app.ts exempts the upload from the global body limit). */
export const DOCX_BASE_PATH = "/templates/reports/:id/docx-base";

/** The template context of a guarded request: the signed-in caller and the organization they named. */
async function templateContext(c: HonoContext<AppEnv>): Promise<{ ctx: TemplateCtx; id: string }> {
  const signedIn = signedInContext(c);
  const requested = await requestedOrgId(signedIn, async () => ({ organizationId: c.req.query("organizationId") }));
  const id = c.req.param("id") ?? "";
  if (!isUuid(id)) throw templateNotFound("Report template");
  return { ctx: Object.assign(signedIn, { requestedOrgId: requested }), id };
}

export function docxBaseRoutes(contextOf: (c: HonoContext<AppEnv>) => Context): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.put(
    DOCX_BASE_PATH,
    guard({ kind: "signed-in", name: "templates.report.docxBase.upload", scope: "reports:write" }, contextOf),
    bodyLimit({
      maxSize: DOCX_BASE_MAX_BYTES + MULTIPART_OVERHEAD,
      onError: (c) =>
        sendError(
          c,
          new AppError("PAYLOAD_TOO_LARGE", `A Word base may be at most ${DOCX_BASE_MAX_BYTES} bytes`, "file"),
        ),
    }),
    async (c) => {
      const { ctx, id } = await templateContext(c);
      const file = await readUploadedFile(c);
      const template = await uploadDocxBase(ctx, id, file.name, new Uint8Array(await file.arrayBuffer()));
      return c.json(template, 200);
    },
  );

  app.get(
    DOCX_BASE_PATH,
    guard({ kind: "signed-in", name: "templates.report.docxBase.download", scope: "reports:read" }, contextOf),
    async (c) => {
      const { ctx, id } = await templateContext(c);
      const base = await openDocxBase(ctx, id);
      return new Response(base.body, {
        status: 200,
        headers: {
          "content-type": DOCX_CONTENT_TYPE,
          ...(base.sizeBytes !== null ? { "content-length": String(base.sizeBytes) } : {}),
          "content-disposition": contentDisposition(base.fileName),
          "x-content-type-options": "nosniff",
          "cache-control": "private, no-store",
        },
      });
    },
  );

  app.delete(
    DOCX_BASE_PATH,
    guard({ kind: "signed-in", name: "templates.report.docxBase.delete", scope: "reports:write" }, contextOf),
    async (c) => {
      const { ctx, id } = await templateContext(c);
      return c.json(await deleteDocxBase(ctx, id), 200);
    },
  );

  return app;
}
