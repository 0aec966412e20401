/**
 * A report as one self-contained HTML file: inline CSS (screen and print), charts as inline
 * SVG, evidence images as data URIs, nothing fetched. Markdown is rendered without raw HTML,
 * so every user field arrives escaped; the title is escaped here.
 */
import type { RendererRule } from "markdown-it";
import { isSafeLink, reportMarkdown } from "./report-markdown.js";
import type { ReportImages } from "./report-pictures.js";

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] ?? c);

const STYLE = `
:root { color-scheme: light; }
body { font-family: "DejaVu Sans", "Segoe UI", Helvetica, Arial, sans-serif; color: #1d2330; line-height: 1.5;
  max-width: 60rem; margin: 2rem auto; padding: 0 1.5rem; font-size: 11pt; }
h1 { font-size: 2rem; border-bottom: 3px solid #37474f; padding-bottom: .3rem; }
h2 { font-size: 1.5rem; border-bottom: 1px solid #cfd8dc; margin-top: 2.2rem; }
h3 { font-size: 1.2rem; margin-top: 1.8rem; }
h4 { font-size: 1rem; margin-top: 1.2rem; color: #37474f; }
table { border-collapse: collapse; margin: .8rem 0; min-width: 50%; }
th, td { border: 1px solid #b0bec5; padding: .3rem .6rem; text-align: left; vertical-align: top; }
th { background: #eceff1; }
pre { background: #f5f7f9; border: 1px solid #dde3e8; padding: .7rem; overflow-x: auto; white-space: pre-wrap;
  word-break: break-word; }
code { font-family: "DejaVu Sans Mono", Consolas, monospace; font-size: .92em; }
blockquote { border-left: 4px solid #b0bec5; margin-left: 0; padding-left: 1rem; color: #455a64; }
figure.chart svg { max-width: 100%; height: auto; }
img.evidence { max-width: 100%; border: 1px solid #cfd8dc; }
@media print {
  body { margin: 0; max-width: none; font-size: 10pt; }
  h1, h2, h3, h4 { page-break-after: avoid; break-after: avoid; }
  h2 { page-break-before: always; break-before: page; }
  table, pre, figure, img { page-break-inside: avoid; break-inside: avoid; }
  a { color: inherit; }
}`;

/** The HTML body of `markdown`, with report images resolved. */
export function markdownToHtml(markdown: string, images: ReportImages): string {
  const md = reportMarkdown();
  const image: RendererRule = (tokens, idx) => {
    const token = tokens[idx];
    const src = String(token?.attrGet("src") ?? "");
    const alt = escapeHtml(token?.content ?? "");
    const image = images.get(src);
    if (!image) return `<em>[image: ${alt}]</em>`;
    if (image.kind === "svg") return `<figure class="chart" role="img" aria-label="${alt}">${image.svg}</figure>`;
    const data = Buffer.from(image.bytes).toString("base64");
    return `<img class="evidence" alt="${alt}" src="data:${image.contentType};base64,${data}">`;
  };
  md.renderer.rules.image = image;
  const linkOpen = md.renderer.rules.link_open;
  const safeLink: RendererRule = (tokens, idx, options, env, self) => {
    const token = tokens[idx];
    if (token && !isSafeLink(String(token.attrGet("href") ?? ""))) token.attrSet("href", "#");
    token?.attrSet("rel", "noopener noreferrer");
    return linkOpen ? linkOpen(tokens, idx, options, env, self) : self.renderToken(tokens, idx, options);
  };
  md.renderer.rules.link_open = safeLink;
  return md.render(markdown);
}

/** The whole HTML document of a report titled `title`. */
export function reportHtmlDocument(title: string, markdown: string, images: ReportImages): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src data:; style-src 'unsafe-inline'">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
${markdownToHtml(markdown, images)}
</body>
</html>
`;
}
