/**
 * Reading the one file of an upload route (multipart/form-data, field `file`): evidence and
 * Word bases. Every refusal names the field `file`.
 */
import type { Context as HonoContext } from "hono";
import { AppError } from "../lib/app-error.js";
import type { AppEnv } from "./types.js";

/** Room for the multipart boundaries and part headers around the file itself. */
export const MULTIPART_OVERHEAD = 64 * 1024;

/** The request's single file in the field `file`. */
export async function readUploadedFile(c: HonoContext<AppEnv>): Promise<File> {
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
