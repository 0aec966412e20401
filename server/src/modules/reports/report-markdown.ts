/** The one markdown reading of reports (markdown-it, raw HTML off): HTML and DOCX render its tokens. */
import MarkdownIt from "markdown-it";

/** A markdown-it instance for report text: CommonMark plus tables and strikethrough, no raw HTML. */
export function reportMarkdown() {
  return new MarkdownIt("default", { html: false, linkify: false, typographer: false });
}

/** Links a report keeps as links; others become plain text. */
export function isSafeLink(href: string): boolean {
  return /^(https?:|mailto:)/i.test(href.trim());
}
