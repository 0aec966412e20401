/**
 * Rules for uploaded evidence files, pure and small: a safe display name, the media type
 * (declared, checked against the bytes where a signature exists), and the allow-list.
 * Names never reach the file system (storage keys are uuids); they are cleaned because
 * they travel back in Content-Disposition headers and into reports.
 */

/** C0/C1 controls, zero-width and bidi-override characters (which can disguise an extension). */
function isControlOrInvisible(code: number): boolean {
  return (
    code < 0x20 ||
    (code >= 0x7f && code <= 0x9f) ||
    (code >= 0x200b && code <= 0x200f) ||
    (code >= 0x2028 && code <= 0x202e) ||
    (code >= 0x2066 && code <= 0x2069) ||
    code === 0xfeff
  );
}
const WINDOWS_RESERVED = /^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\..*)?$/i;
const NAME_MAX = 200;

/** A display name without any path, control or bidi characters, or leading dots; never empty. */
export function sanitizeFileName(raw: string): string {
  let name = [...raw.normalize("NFC")].filter((c) => !isControlOrInvisible(c.codePointAt(0) ?? 0)).join("");
  name = name.split(/[\\/]/).pop() ?? "";
  name = name
    .replace(/[<>:"|?*]/g, "_")
    .replace(/\s+/g, " ")
    .trim()
    .replace(/^[.\s]+/, "")
    .replace(/[.\s]+$/, "");
  if (WINDOWS_RESERVED.test(name)) name = `_${name}`;
  if (name.length > NAME_MAX) {
    const dot = name.lastIndexOf(".");
    const ext = dot > 0 && name.length - dot <= 16 ? name.slice(dot) : "";
    name = name.slice(0, NAME_MAX - ext.length) + ext;
  }
  return name || "evidence";
}

const bytesOf = (text: string) => [...text].map((c) => c.charCodeAt(0));

/** Signatures of binary formats; a file declared as one of these must start with one of its own. */
const SIGNATURES: Record<string, { offset: number; bytes: number[] }[][]> = {
  "image/png": [[{ offset: 0, bytes: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a] }]],
  "image/jpeg": [[{ offset: 0, bytes: [0xff, 0xd8, 0xff] }]],
  "image/gif": [[{ offset: 0, bytes: bytesOf("GIF87a") }], [{ offset: 0, bytes: bytesOf("GIF89a") }]],
  "image/webp": [
    [
      { offset: 0, bytes: bytesOf("RIFF") },
      { offset: 8, bytes: bytesOf("WEBP") },
    ],
  ],
  "application/pdf": [[{ offset: 0, bytes: bytesOf("%PDF-") }]],
  "application/zip": [
    [{ offset: 0, bytes: [0x50, 0x4b, 0x03, 0x04] }],
    [{ offset: 0, bytes: [0x50, 0x4b, 0x05, 0x06] }],
  ],
  "application/gzip": [[{ offset: 0, bytes: [0x1f, 0x8b] }]],
  "application/vnd.tcpdump.pcap": [
    [{ offset: 0, bytes: [0xd4, 0xc3, 0xb2, 0xa1] }],
    [{ offset: 0, bytes: [0xa1, 0xb2, 0xc3, 0xd4] }],
    [{ offset: 0, bytes: [0x4d, 0x3c, 0xb2, 0xa1] }],
    [{ offset: 0, bytes: [0xa1, 0xb2, 0x3c, 0x4d] }],
  ],
  "application/x-pcapng": [[{ offset: 0, bytes: [0x0a, 0x0d, 0x0d, 0x0a] }]],
};

const ALIASES: Record<string, string> = {
  "image/jpg": "image/jpeg",
  "image/pjpeg": "image/jpeg",
  "application/x-zip-compressed": "application/zip",
  "application/x-gzip": "application/gzip",
  "application/pcap": "application/vnd.tcpdump.pcap",
  "application/x-pcap": "application/vnd.tcpdump.pcap",
  "text/json": "application/json",
};

const TEXT_TYPES = new Set(["text/plain", "text/csv", "application/json"]);

const TEXT_EXTENSIONS: Record<string, string> = {
  txt: "text/plain",
  log: "text/plain",
  csv: "text/csv",
  json: "application/json",
};

function matches(data: Uint8Array, type: string): boolean {
  const variants = SIGNATURES[type];
  return (
    variants?.some((parts) => parts.every((part) => part.bytes.every((byte, i) => data[part.offset + i] === byte))) ??
    false
  );
}

function looksLikeText(data: Uint8Array): boolean {
  if (data.includes(0)) return false;
  try {
    new TextDecoder("utf-8", { fatal: true }).decode(data);
    return true;
  } catch {
    return false;
  }
}

/** The media type without parameters, lower-cased, aliases folded. */
export function normaliseType(declared: string | undefined): string {
  const bare = (declared ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
  return ALIASES[bare] ?? bare;
}

export type TypeVerdict = { ok: true; type: string } | { ok: false; reason: string };

/**
 * The media type to store for `data`: the declared one when the bytes agree with it; when
 * nothing specific was declared (empty or application/octet-stream), the one the bytes'
 * signature or a text file's extension shows. Then it must be on the allow-list.
 */
export function resolveType(
  declared: string | undefined,
  fileName: string,
  data: Uint8Array,
  allowed: string[],
): TypeVerdict {
  let type = normaliseType(declared);
  if (type === "" || type === "application/octet-stream") {
    const sniffed = Object.keys(SIGNATURES).find((candidate) => matches(data, candidate));
    const ext = fileName.includes(".") ? (fileName.split(".").pop()?.toLowerCase() ?? "") : "";
    type =
      sniffed ??
      (TEXT_EXTENSIONS[ext] && looksLikeText(data) ? (TEXT_EXTENSIONS[ext] as string) : "application/octet-stream");
  }
  const permitted = allowed.some(
    (rule) => rule === type || (rule.endsWith("/*") && type.startsWith(rule.slice(0, -1))),
  );
  if (!permitted) return { ok: false, reason: `Files of type ${type} are not accepted as evidence` };
  if (SIGNATURES[type] && !matches(data, type)) {
    return { ok: false, reason: `The file's content is not ${type}, as declared` };
  }
  if (TEXT_TYPES.has(type) && !looksLikeText(data)) {
    return { ok: false, reason: `The file's content is not text, as ${type} requires` };
  }
  return { ok: true, type };
}
