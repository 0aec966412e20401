/**
 * A report as a Word document (docx): the rendered markdown read by markdown-it and written
 * as native Word content — headings, bold/italic/struck runs, inline code, links, bulleted
 * and numbered lists (nested), code blocks, tables, block quotes — with charts drawn to PNG
 * and evidence images embedded. No markdown punctuation reaches the document.
 */
import {
  AlignmentType,
  Document,
  ExternalHyperlink,
  HeadingLevel,
  ImageRun,
  LevelFormat,
  Packer,
  Paragraph,
  type ParagraphChild,
  SectionType,
  ShadingType,
  Table,
  TableCell,
  TableRow,
  TextRun,
  WidthType,
} from "docx";
import type { Token } from "markdown-it";
import { isSafeLink, reportMarkdown } from "./report-markdown.js";
import { type ReportImages, svgToPng } from "./report-pictures.js";

const NUMBERED = "assay-numbered";
const MONO = "Courier New";
const MAX_IMAGE_WIDTH = 600;
const HEADINGS = [
  HeadingLevel.HEADING_1,
  HeadingLevel.HEADING_2,
  HeadingLevel.HEADING_3,
  HeadingLevel.HEADING_4,
  HeadingLevel.HEADING_5,
  HeadingLevel.HEADING_6,
] as const;

type Block = Paragraph | Table;

interface RunStyle {
  bold: boolean;
  italics: boolean;
  strike: boolean;
}

interface ListFrame {
  ordered: boolean;
  instance: number;
  /** True until the current item's first paragraph is written (it carries the number or bullet). */
  fresh: boolean;
}

const BITMAP_TYPES: Record<string, "png" | "jpg" | "gif"> = {
  "image/png": "png",
  "image/jpeg": "jpg",
  "image/gif": "gif",
};

class DocxWriter {
  readonly blocks: Block[] = [];
  #lists: ListFrame[] = [];
  #instances = 0;
  #quote = 0;

  constructor(private readonly images: ReportImages) {}

  /** Writes block tokens from `start` until `end` (exclusive). */
  blocksOf(tokens: Token[], start: number, end: number, into: Block[]): void {
    let i = start;
    while (i < end) {
      const token = tokens[i] as Token;
      switch (token.type) {
        case "heading_open": {
          const level = Number(token.tag.slice(1)) - 1;
          const inline = tokens[i + 1] as Token;
          into.push(
            new Paragraph({ heading: HEADINGS[level] ?? HeadingLevel.HEADING_6, children: this.inline(inline) }),
          );
          i += 3;
          continue;
        }
        case "paragraph_open": {
          const inline = tokens[i + 1] as Token;
          into.push(this.paragraph(this.inline(inline)));
          i += 3;
          continue;
        }
        case "bullet_list_open":
        case "ordered_list_open":
          this.#lists.push({ ordered: token.type === "ordered_list_open", instance: ++this.#instances, fresh: false });
          break;
        case "bullet_list_close":
        case "ordered_list_close":
          this.#lists.pop();
          break;
        case "list_item_open": {
          const frame = this.#lists.at(-1);
          if (frame) frame.fresh = true;
          break;
        }
        case "blockquote_open":
          this.#quote++;
          break;
        case "blockquote_close":
          this.#quote--;
          break;
        case "fence":
        case "code_block":
          into.push(this.code(token.content));
          break;
        case "hr":
          into.push(new Paragraph({ thematicBreak: true }));
          break;
        case "table_open": {
          const close = this.closing(tokens, i, "table_open", "table_close");
          into.push(this.table(tokens, i + 1, close));
          i = close + 1;
          continue;
        }
        default:
          break;
      }
      i++;
    }
  }

  /** The index of the token that closes the one at `at`. */
  closing(tokens: Token[], at: number, open: string, close: string): number {
    let depth = 0;
    for (let i = at; i < tokens.length; i++) {
      const type = tokens[i]?.type;
      if (type === open) depth++;
      if (type === close && --depth === 0) return i;
    }
    return tokens.length - 1;
  }

  paragraph(children: ParagraphChild[]): Paragraph {
    const frame = this.#lists.at(-1);
    const level = Math.min(this.#lists.length - 1, 8);
    const indent = this.#quote > 0 ? { left: 720 * this.#quote } : undefined;
    if (frame?.fresh) {
      frame.fresh = false;
      return frame.ordered
        ? new Paragraph({ children, numbering: { reference: NUMBERED, level, instance: frame.instance } })
        : new Paragraph({ children, bullet: { level } });
    }
    if (frame) return new Paragraph({ children, indent: { left: 720 * (level + 1) } });
    return new Paragraph(indent ? { children, indent } : { children });
  }

  code(content: string): Paragraph {
    const lines = content.replace(/\n$/, "").split("\n");
    return new Paragraph({
      shading: { type: ShadingType.CLEAR, fill: "F3F5F7", color: "auto" },
      border: { left: { style: "single", size: 12, color: "B0BEC5", space: 6 } },
      children: lines.map((line, i) => new TextRun({ text: line, font: MONO, size: 18, break: i > 0 ? 1 : 0 })),
    });
  }

  table(tokens: Token[], start: number, end: number): Table {
    const rows: TableRow[] = [];
    let cells: TableCell[] = [];
    for (let i = start; i < end; i++) {
      const token = tokens[i] as Token;
      if (token.type === "tr_open") cells = [];
      if (token.type === "tr_close") rows.push(new TableRow({ children: cells }));
      if (token.type === "th_open" || token.type === "td_open") {
        const inline = tokens[i + 1] as Token;
        const header = token.type === "th_open";
        const children = inline.type === "inline" ? this.inline(inline, header) : [];
        cells.push(
          new TableCell({
            children: [new Paragraph({ children })],
            ...(header ? { shading: { type: ShadingType.CLEAR, fill: "ECEFF1", color: "auto" } } : {}),
          }),
        );
      }
    }
    return new Table({ rows, width: { size: 100, type: WidthType.PERCENTAGE } });
  }

  /** The runs of one inline token: text with its emphasis, code, links, breaks and images. */
  inline(token: Token, bold = false): ParagraphChild[] {
    const out: ParagraphChild[] = [];
    const style: RunStyle = { bold, italics: false, strike: false };
    let link: { href: string; runs: TextRun[] } | null = null;
    const push = (run: TextRun) => (link ? link.runs.push(run) : out.push(run));
    for (const child of token.children ?? []) {
      switch (child.type) {
        case "text":
          push(new TextRun({ text: child.content, ...style, ...(link ? { style: "Hyperlink" } : {}) }));
          break;
        case "code_inline":
          push(new TextRun({ text: child.content, font: MONO, ...style }));
          break;
        case "strong_open":
        case "strong_close":
          style.bold = child.type === "strong_open" || bold;
          break;
        case "em_open":
        case "em_close":
          style.italics = child.type === "em_open";
          break;
        case "s_open":
        case "s_close":
          style.strike = child.type === "s_open";
          break;
        case "softbreak":
          push(new TextRun({ text: " ", ...style }));
          break;
        case "hardbreak":
          push(new TextRun({ text: "", break: 1 }));
          break;
        case "link_open": {
          const href = String(child.attrGet("href") ?? "");
          link = isSafeLink(href) ? { href, runs: [] } : null;
          break;
        }
        case "link_close":
          if (link) out.push(new ExternalHyperlink({ link: link.href, children: link.runs }));
          link = null;
          break;
        case "image":
          out.push(this.image(child));
          break;
        default:
          break;
      }
    }
    return out;
  }

  image(token: Token): ParagraphChild {
    const src = String(token.attrGet("src") ?? "");
    const image = this.images.get(src);
    const alt = token.content;
    if (!image) return new TextRun({ text: `[image: ${alt}]`, italics: true });
    const picture =
      image.kind === "svg"
        ? { type: "png" as const, ...svgToPng(image.svg) }
        : { type: BITMAP_TYPES[image.contentType] ?? ("png" as const), ...image };
    const scale = Math.min(1, MAX_IMAGE_WIDTH / Math.max(picture.width, 1));
    return new ImageRun({
      type: picture.type,
      data: picture.bytes,
      transformation: { width: Math.round(picture.width * scale), height: Math.round(picture.height * scale) },
      altText: { name: alt.slice(0, 200), description: alt, title: alt.slice(0, 200) },
    });
  }
}

/** Top-level blocks per section of the document. */
const BLOCKS_PER_SECTION = 200;

/**
 * The blocks as continuous sections (no page break between them) of BLOCKS_PER_SECTION each.
 * The docx library finds the section of every table by scanning the body forward to the next
 * section break, so one section of a big report made that quadratic (about a fifth of the
 * time of a 2,000-activity report); short sections keep each scan short.
 */
function continuousSections(blocks: (Paragraph | Table)[]) {
  const sections = [];
  for (let start = 0; start < blocks.length || start === 0; start += BLOCKS_PER_SECTION) {
    sections.push({
      ...(start === 0 ? {} : { properties: { type: SectionType.CONTINUOUS } }),
      children: blocks.slice(start, start + BLOCKS_PER_SECTION),
    });
  }
  return sections;
}

/** The Word document of a report titled `title` whose content is `markdown`. */
export async function reportDocx(title: string, markdown: string, images: ReportImages): Promise<Uint8Array> {
  const tokens = reportMarkdown().parse(markdown, {});
  const writer = new DocxWriter(images);
  writer.blocksOf(tokens, 0, tokens.length, writer.blocks);
  const document = new Document({
    title,
    creator: "Assay",
    description: "Purple-team assessment report",
    styles: { default: { document: { run: { font: "Calibri", size: 22 } } } },
    numbering: {
      config: [
        {
          reference: NUMBERED,
          levels: Array.from({ length: 9 }, (_, level) => ({
            level,
            format: LevelFormat.DECIMAL,
            text: `%${level + 1}.`,
            alignment: AlignmentType.START,
            style: { paragraph: { indent: { left: 720 * (level + 1), hanging: 360 } } },
          })),
        },
      ],
    },
    sections: continuousSections(writer.blocks),
  });
  return new Uint8Array(await Packer.toBuffer(document));
}
