/**
 * What an uploaded Word base must be, checked before it is stored: a .docx (a zip holding
 * [Content_Types].xml and word/document.xml, whose main part is a plain document), never
 * macro-enabled (.docm: a vbaProject part or a macroEnabled content type), at most
 * DOCX_BASE_MAX_BYTES, and at most DOCX_BASE_MAX_UNZIPPED bytes once unzipped (zip bombs).
 * Only the central directory is read, plus [Content_Types].xml and word/document.xml (checked to
 * have a body); nothing else is inflated here, and nothing beyond the sizes the directory declares.
 */
import { join } from "node:path";
import { unzipSync } from "fflate";
import type { Config } from "../../config.js";
import { AppError } from "../../lib/app-error.js";
import { localDiskStorage } from "../../lib/storage/local-disk-storage.js";
import type { ObjectStorage } from "../../lib/storage/object-storage.js";

/** Where Word bases live: DATA_DIR/report-bases, through the same ObjectStorage as evidence. */
export function docxBaseStorage(deps: { config: Pick<Config, "dataDir"> }): ObjectStorage {
  return localDiskStorage(join(deps.config.dataDir, "report-bases"));
}

/** The largest base accepted, in bytes. */
export const DOCX_BASE_MAX_BYTES = 10 * 1024 * 1024;
/** The largest total of its parts once unzipped, in bytes. */
export const DOCX_BASE_MAX_UNZIPPED = 64 * 1024 * 1024;
/** The most parts a base may hold. */
const MAX_ENTRIES = 2000;

const MAIN_DOCUMENT = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml";

const refuse = (message: string, code: "UNSUPPORTED_MEDIA_TYPE" | "PAYLOAD_TOO_LARGE" = "UNSUPPORTED_MEDIA_TYPE") =>
  new AppError(code, message, "file");

/** Throws (field `file`) unless `data` is an acceptable Word base. */
export function checkDocxBase(data: Uint8Array): void {
  if (data.byteLength === 0) throw new AppError("VALIDATION", "The file is empty", "file");
  if (data.byteLength > DOCX_BASE_MAX_BYTES) {
    throw refuse(`A Word base may be at most ${DOCX_BASE_MAX_BYTES} bytes`, "PAYLOAD_TOO_LARGE");
  }
  if (data[0] !== 0x50 || data[1] !== 0x4b || data[2] !== 0x03 || data[3] !== 0x04) {
    throw refuse("The file is not a Word document (.docx)");
  }
  const names: string[] = [];
  let unzipped = 0;
  let contentTypes: Uint8Array | undefined;
  let mainDocument: Uint8Array | undefined;
  try {
    const parts = unzipSync(data, {
      filter: (entry) => {
        names.push(entry.name);
        unzipped += entry.originalSize;
        // Only the content types and the main document are inflated, within the declared caps.
        if (entry.name === "[Content_Types].xml") return entry.originalSize <= 1024 * 1024;
        return entry.name === "word/document.xml" && entry.originalSize <= DOCX_BASE_MAX_UNZIPPED;
      },
    });
    contentTypes = parts["[Content_Types].xml"];
    mainDocument = parts["word/document.xml"];
  } catch {
    throw refuse("The file is not a readable Word document (.docx)");
  }
  if (names.length > MAX_ENTRIES) throw refuse(`A Word base may hold at most ${MAX_ENTRIES} parts`);
  if (unzipped > DOCX_BASE_MAX_UNZIPPED) {
    throw refuse(`A Word base may unzip to at most ${DOCX_BASE_MAX_UNZIPPED} bytes`, "PAYLOAD_TOO_LARGE");
  }
  if (!mainDocument || !contentTypes) {
    throw refuse("The file is not a Word document (.docx): word/document.xml or [Content_Types].xml is missing");
  }
  const types = new TextDecoder().decode(contentTypes);
  if (names.some((name) => /vbaProject|vbaData/i.test(name)) || /macroEnabled/i.test(types)) {
    throw refuse("Macro-enabled Word files (.docm) are not accepted: save the base as a .docx");
  }
  if (!types.includes(MAIN_DOCUMENT)) {
    throw refuse("The file is not a Word document (.docx): templates (.dotx) and other kinds are not accepted");
  }
  if (!/<w:body[\s>]/.test(new TextDecoder().decode(mainDocument))) {
    throw refuse("The file is not a Word document (.docx): its word/document.xml has no body");
  }
}
