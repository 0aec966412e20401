/**
 * Renders a report into an organization's Word base (a report template's uploaded .docx): the
 * base's content stays (letterhead, cover pages, headers, footers, page setup, styles) and the
 * body of the report's own document (report-docx.ts) goes where the base has a paragraph whose
 * text is exactly `{{report}}`, or else at the end of the base's body, before its final section
 * properties, so the base's last section (page size, margins, headers, footers) applies to it.
 *
 * What the report's body needs comes along: its pictures (copied under word/media with fresh
 * relationship ids and content-type defaults), its hyperlinks (relationships), its numbering
 * (abstract numberings and numberings appended with ids past the base's; a numbering part
 * added when the base has none) and the styles it uses that the base lacks (the base's own
 * definitions win, so its Heading 1 keeps its look). Namespace prefixes the copied XML uses and
 * the base's roots do not declare are declared on them.
 *
 * Why regular expressions and not an XML parser: no XML parser is a dependency of the server,
 * and only a few well-defined OOXML constructs are touched here — the <w:body> element,
 * top-level <w:p> paragraphs (matched with a depth count, so paragraphs nested in text boxes do
 * not confuse it), <w:sectPr>, <Relationship>, <Default>/<Override>, <w:abstractNum>, <w:num>,
 * <w:style> (none of which nest in themselves) and r:id/r:embed/w:numId/w:val attributes. Each
 * is matched by element name with its attributes read by name (attrs below), never by position
 * or order, single or double quoted; everything else is copied byte for byte.
 */
import { strFromU8, strToU8, unzipSync, type Zippable, zipSync } from "fflate";

type Parts = Record<string, Uint8Array>;

const REL_TYPES = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
const HYPERLINK = `${REL_TYPES}/hyperlink`;
const IMAGE = `${REL_TYPES}/image`;
const NUMBERING = `${REL_TYPES}/numbering`;
const STYLES = `${REL_TYPES}/styles`;
const NUMBERING_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.numbering+xml";
const MARKER = "{{report}}";

const IMAGE_TYPES: Record<string, string> = {
  png: "image/png",
  jpeg: "image/jpeg",
  jpg: "image/jpeg",
  gif: "image/gif",
  bmp: "image/bmp",
  svg: "image/svg+xml",
};

/** The attributes of one start tag, by qualified name, whatever their order or quotes. */
function attrs(tag: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const match of tag.matchAll(/([\w:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g)) {
    out.set(match[1] as string, unescapeXml(match[2] ?? match[3] ?? ""));
  }
  return out;
}

function unescapeXml(text: string): string {
  return text
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&#(\d+);/g, (_, code: string) => String.fromCodePoint(Number(code)))
    .replace(/&#x([0-9a-f]+);/gi, (_, code: string) => String.fromCodePoint(Number.parseInt(code, 16)))
    .replace(/&amp;/g, "&");
}

function escapeXml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/** Every element `name` (start tag through end tag, or self-closed); `name` must not nest in itself. */
function elements(xml: string, name: string): { xml: string; start: number; tag: string }[] {
  const pattern = new RegExp(`<${name}(?=[\\s/>])[^>]*?(?:/>|>[\\s\\S]*?</${name}>)`, "g");
  return [...xml.matchAll(pattern)].map((m) => ({
    xml: m[0],
    start: m.index,
    tag: (m[0].match(/^<[^>]*>/) as RegExpMatchArray)[0],
  }));
}

/** The text of a part, or undefined. */
function text(parts: Parts, name: string): string | undefined {
  const bytes = parts[name];
  return bytes ? strFromU8(bytes) : undefined;
}

interface Relationship {
  id: string;
  type: string;
  target: string;
  external: boolean;
}

function relationships(xml: string | undefined): Relationship[] {
  if (!xml) return [];
  return elements(xml, "Relationship").map(({ tag }) => {
    const a = attrs(tag);
    return {
      id: a.get("Id") ?? "",
      type: a.get("Type") ?? "",
      target: a.get("Target") ?? "",
      external: a.get("TargetMode") === "External",
    };
  });
}

function relationshipXml(rel: Relationship): string {
  const mode = rel.external ? ' TargetMode="External"' : "";
  return `<Relationship Id="${escapeXml(rel.id)}" Type="${escapeXml(rel.type)}" Target="${escapeXml(rel.target)}"${mode}/>`;
}

/** The part a document relationship's target names (relative to word/), without a leading slash. */
function partOf(target: string): string {
  if (target.startsWith("/")) return target.slice(1);
  const segments = ["word"];
  for (const piece of target.split("/")) {
    if (piece === "..") segments.pop();
    else if (piece !== ".") segments.push(piece);
  }
  return segments.join("/");
}

/** The namespace declarations of the root element of `xml`. */
function rootNamespaces(xml: string): Map<string, string> {
  const root = xml.replace(/^<\?xml[^>]*\?>\s*/, "").match(/^<[^>]*>/)?.[0] ?? "";
  const out = new Map<string, string>();
  for (const [name, value] of attrs(root)) if (name.startsWith("xmlns:")) out.set(name.slice(6), value);
  return out;
}

/** `target` with the namespace declarations of `source`'s root that its root lacks. */
function withNamespaces(target: string, source: string): string {
  const have = rootNamespaces(target);
  const missing = [...rootNamespaces(source)].filter(([prefix]) => !have.has(prefix));
  if (missing.length === 0) return target;
  const declarations = missing.map(([prefix, uri]) => ` xmlns:${prefix}="${escapeXml(uri)}"`).join("");
  const prolog = target.match(/^<\?xml[^>]*\?>\s*/)?.[0] ?? "";
  const rest = target.slice(prolog.length);
  const end = rest.indexOf(">");
  const selfClosed = rest[end - 1] === "/";
  const at = selfClosed ? end - 1 : end;
  return prolog + rest.slice(0, at) + declarations + rest.slice(at);
}

const SECT_PR = /<w:sectPr(?=[\s/>])[^>]*?(?:\/>|>[\s\S]*?<\/w:sectPr>)/g;

/** The inside of <w:body>. */
function bodyOf(xml: string): { start: number; end: number } {
  const open = xml.match(/<w:body(?=[\s>])[^>]*>/);
  const end = xml.lastIndexOf("</w:body>");
  if (!open || open.index === undefined || end < 0) throw new Error("The Word base has no document body");
  return { start: open.index + open[0].length, end };
}

/** The top-level paragraphs of `body` (a depth count keeps nested ones, e.g. in text boxes, inside). */
function topParagraphs(body: string): { start: number; end: number }[] {
  const out: { start: number; end: number }[] = [];
  let depth = 0;
  let start = 0;
  for (const match of body.matchAll(/<w:p(?=[\s/>])[^>]*?(\/?)>|<\/w:p>/g)) {
    if (match[0] === "</w:p>") {
      depth--;
      if (depth === 0) out.push({ start, end: match.index + match[0].length });
    } else if (match[1] !== "/") {
      if (depth === 0) start = match.index;
      depth++;
    }
  }
  return out;
}

/** The visible text of a paragraph: its w:t runs joined. */
function paragraphText(paragraph: string): string {
  return [...paragraph.matchAll(/<w:t(?=[\s>])[^>]*>([^<]*)<\/w:t>/g)].map((m) => unescapeXml(m[1] ?? "")).join("");
}

/** The largest integer value of `attribute` on the `element` tags of `xml`, or 0. */
function maxId(xml: string, element: string, attribute: string): number {
  let max = 0;
  for (const { tag } of elements(xml, element)) {
    const value = Number(attrs(tag).get(attribute));
    if (Number.isInteger(value) && value > max) max = value;
  }
  return max;
}

/** Replaces the integer `attribute` of every `element` start tag in `xml` by `map(value)`. */
function renumber(xml: string, element: string, attribute: string, map: (value: number) => number): string {
  const tag = new RegExp(`<${element}(?=[\\s/>])[^>]*>`, "g");
  const attr = new RegExp(`(\\s${attribute}\\s*=\\s*)(["'])(\\d+)\\2`);
  return xml.replace(tag, (start) =>
    start.replace(attr, (_, lead: string, q: string, v: string) => `${lead}${q}${map(Number(v))}${q}`),
  );
}

class Merge {
  readonly parts: Parts;
  readonly ours: Parts;
  document: string;
  rels: Relationship[];
  contentTypes: string;
  #serial = 0;

  constructor(base: Parts, ours: Parts) {
    this.parts = { ...base };
    this.ours = ours;
    this.document = text(base, "word/document.xml") ?? "";
    this.rels = relationships(text(base, "word/_rels/document.xml.rels"));
    this.contentTypes = text(base, "[Content_Types].xml") ?? "";
  }

  /** A relationship id the base does not use. */
  freshId(): string {
    const taken = new Set(this.rels.map((rel) => rel.id));
    let id: string;
    do id = `rIdAssay${++this.#serial}`;
    while (taken.has(id));
    return id;
  }

  /** A part name under `folder` the package does not hold, keeping `name`'s extension. */
  freshPart(folder: string, name: string): string {
    let candidate = `${folder}/assay-${name}`;
    for (let n = 2; this.parts[candidate]; n++) candidate = `${folder}/assay-${n}-${name}`;
    return candidate;
  }

  /** Our body's hyperlinks and pictures, with new ids in the base's relationships. */
  relink(body: string): string {
    const ids = new Map<string, string>();
    for (const rel of relationships(text(this.ours, "word/_rels/document.xml.rels"))) {
      if (rel.type === HYPERLINK && rel.external) {
        const id = this.freshId();
        this.rels.push({ ...rel, id });
        ids.set(rel.id, id);
      } else if (rel.type === IMAGE && !rel.external) {
        const bytes = this.ours[partOf(rel.target)];
        if (!bytes) continue;
        const fileName = partOf(rel.target).split("/").pop() as string;
        const part = this.freshPart("word/media", fileName);
        this.parts[part] = bytes;
        this.addDefaultType(fileName.split(".").pop()?.toLowerCase() ?? "");
        const id = this.freshId();
        this.rels.push({ id, type: IMAGE, target: part.slice("word/".length), external: false });
        ids.set(rel.id, id);
      }
    }
    return body.replace(
      /(\sr:(?:id|embed|link)\s*=\s*)(["'])([^"']*)\2/g,
      (whole, lead: string, q: string, id: string) => {
        const renamed = ids.get(id);
        return renamed ? `${lead}${q}${renamed}${q}` : whole;
      },
    );
  }

  addDefaultType(extension: string): void {
    const type = IMAGE_TYPES[extension];
    if (!type) return;
    const known = elements(this.contentTypes, "Default").some(
      ({ tag }) => attrs(tag).get("Extension")?.toLowerCase() === extension,
    );
    if (known) return;
    this.contentTypes = this.contentTypes.replace(
      /<Types(?=[\s>])[^>]*>/,
      (open) => `${open}<Default Extension="${extension}" ContentType="${type}"/>`,
    );
  }

  /** Our numbering appended to the base's (ids offset); our body's w:numId rewritten to match. */
  renumberLists(body: string): string {
    const ours = text(this.ours, "word/numbering.xml");
    if (!ours || !/<w:numId(?=[\s/>])/.test(body)) return body;
    const rel = this.rels.find((r) => r.type === NUMBERING && !r.external);
    const part = rel ? partOf(rel.target) : undefined;
    const base = part ? text(this.parts, part) : undefined;
    if (!part || base === undefined) {
      const added = this.freshPart("word", "numbering.xml");
      this.parts[added] = strToU8(ours);
      this.rels.push({ id: this.freshId(), type: NUMBERING, target: added.slice("word/".length), external: false });
      this.contentTypes = this.contentTypes.replace(
        /<\/Types>/,
        `<Override PartName="/${added}" ContentType="${NUMBERING_TYPE}"/></Types>`,
      );
      return body;
    }
    const abstractOffset = maxId(base, "w:abstractNum", "w:abstractNumId") + 1;
    const numOffset = maxId(base, "w:num", "w:numId");
    const abstracts = elements(ours, "w:abstractNum")
      .map(({ xml }) => renumber(xml, "w:abstractNum", "w:abstractNumId", (v) => v + abstractOffset))
      .join("");
    const nums = elements(ours, "w:num")
      .map(({ xml }) =>
        renumber(
          renumber(xml, "w:num", "w:numId", (v) => v + numOffset),
          "w:abstractNumId",
          "w:val",
          (v) => v + abstractOffset,
        ),
      )
      .join("");
    // The schema's order: numPicBullet*, abstractNum*, num*, numIdMacAtCleanup?.
    let merged = withNamespaces(base, ours);
    const firstNum = merged.search(/<w:num(?=[\s/>])|<w:numIdMacAtCleanup(?=[\s/>])|<\/w:numbering>/);
    merged = merged.slice(0, firstNum) + abstracts + merged.slice(firstNum);
    const end = merged.search(/<w:numIdMacAtCleanup(?=[\s/>])|<\/w:numbering>/);
    merged = merged.slice(0, end) + nums + merged.slice(end);
    this.parts[part] = strToU8(merged);
    return renumber(body, "w:numId", "w:val", (v) => (v === 0 ? 0 : v + numOffset));
  }

  /** Copies the styles our body uses (and those they are based on) that the base lacks. */
  copyStyles(body: string): void {
    const ours = text(this.ours, "word/styles.xml");
    const rel = this.rels.find((r) => r.type === STYLES && !r.external);
    const part = rel ? partOf(rel.target) : undefined;
    const base = part ? text(this.parts, part) : undefined;
    if (!ours || !part || base === undefined) return;
    const defined = new Set(elements(base, "w:style").map(({ tag }) => attrs(tag).get("w:styleId")));
    const oursById = new Map(elements(ours, "w:style").map((style) => [attrs(style.tag).get("w:styleId"), style.xml]));
    const wanted = [...body.matchAll(/<w:(?:pStyle|rStyle|tblStyle)(?=[\s/>])[^>]*>/g)].map((m) =>
      attrs(m[0]).get("w:val"),
    );
    const copied: string[] = [];
    const seen = new Set<string>();
    while (wanted.length > 0) {
      const id = wanted.pop();
      if (!id || seen.has(id) || defined.has(id)) continue;
      seen.add(id);
      const style = oursById.get(id);
      if (!style) continue;
      copied.push(style);
      for (const m of style.matchAll(/<w:(?:basedOn|link|next)(?=[\s/>])[^>]*>/g))
        wanted.push(attrs(m[0]).get("w:val"));
    }
    if (copied.length === 0) return;
    const merged = withNamespaces(base, ours).replace(/<\/w:styles>\s*$/, `${copied.join("")}</w:styles>`);
    this.parts[part] = strToU8(merged);
  }

  /** Our drawings' ids past the base's, so every wp:docPr id in the document stays unique. */
  redraw(body: string): string {
    const offset = maxId(this.document, "wp:docPr", "id");
    return offset === 0 ? body : renumber(body, "wp:docPr", "id", (v) => v + offset);
  }

  /** The base's document with `body` at the marker paragraph, or before its final section properties. */
  place(body: string): void {
    const { start, end } = bodyOf(this.document);
    const inside = this.document.slice(start, end);
    const marker = topParagraphs(inside).find((p) => paragraphText(inside.slice(p.start, p.end)).trim() === MARKER);
    let placed: string;
    if (marker) {
      // A marker paragraph that ends a section keeps that section's properties in an empty paragraph.
      const sectPr = inside.slice(marker.start, marker.end).match(SECT_PR)?.[0];
      // A table cell must end with a paragraph, should the marker be in one and the report end with a table.
      const keep = sectPr ? `<w:p><w:pPr>${sectPr}</w:pPr></w:p>` : body.endsWith("</w:tbl>") ? "<w:p/>" : "";
      placed = inside.slice(0, marker.start) + body + keep + inside.slice(marker.end);
    } else {
      const last = [...inside.matchAll(SECT_PR)].at(-1);
      const finalSectPr = last && inside.slice(last.index + last[0].length).trim() === "" ? last.index : inside.length;
      placed = inside.slice(0, finalSectPr) + body + inside.slice(finalSectPr);
    }
    this.document = this.document.slice(0, start) + placed + this.document.slice(end);
  }

  finish(): Uint8Array {
    this.parts["word/document.xml"] = strToU8(this.document);
    this.parts["word/_rels/document.xml.rels"] = strToU8(
      `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">${this.rels.map(relationshipXml).join("")}</Relationships>`,
    );
    this.parts["[Content_Types].xml"] = strToU8(this.contentTypes);
    const zippable: Zippable = {};
    for (const [name, bytes] of Object.entries(this.parts)) {
      // Pictures are already compressed; the XML parts shrink well.
      zippable[name] = [bytes, { level: /\.(xml|rels)$/i.test(name) ? 6 : 0 }];
    }
    return zipSync(zippable);
  }
}

/** The report document `report` (as report-docx.ts writes it) rendered into the Word base `base`. */
export function mergeIntoDocxBase(base: Uint8Array, report: Uint8Array): Uint8Array {
  const merge = new Merge(unzipSync(base), unzipSync(report));
  const ourDocument = text(merge.ours, "word/document.xml") ?? "";
  const range = bodyOf(ourDocument);
  // Our own section breaks (report-docx.ts splits long reports into continuous sections) and
  // page setup go: the base's sections lay the report out.
  let body = ourDocument.slice(range.start, range.end).replace(SECT_PR, "");
  body = merge.relink(body);
  body = merge.renumberLists(body);
  body = merge.redraw(body);
  merge.copyStyles(body);
  merge.document = withNamespaces(merge.document, ourDocument);
  merge.place(body);
  return merge.finish();
}
