/**
 * Knowledge-base markdown, read by markdown-it as the server's reports read it (CommonMark plus
 * tables and strikethrough, raw HTML off) and turned into React elements token by token: no
 * HTML string ever reaches the page, so a `<script>` in an article is text. Links keep only
 * http(s) and mailto targets (others show as their text); images become links to the picture,
 * since the app's CSP loads none from elsewhere. Imported only by the knowledge-base pages, so
 * markdown-it stays out of the first download.
 */
import MarkdownIt, { type Token } from "markdown-it";
import { createElement, Fragment, memo, type ReactNode } from "react";

const SAFE_LINK = /^(https?:|mailto:)/i;
const md = new MarkdownIt("default", { html: false, linkify: false, typographer: false });
md.validateLink = (url) => SAFE_LINK.test(url.trim());

/** The elements markdown-it's default preset produces (headings are moved one level down). */
const TAGS = new Set([
  "p",
  "h2",
  "h3",
  "h4",
  "h5",
  "h6",
  "blockquote",
  "ul",
  "ol",
  "li",
  "table",
  "thead",
  "tbody",
  "tr",
  "th",
  "td",
  "em",
  "strong",
  "s",
  "a",
]);

interface Open {
  tag: string | null;
  props: Record<string, string | number>;
  children: ReactNode[];
}

/** The tag and props an opening token renders as; tag null for one rendered as its children only. */
function opening(token: Token): Omit<Open, "children"> {
  // The page's title is the h1: an article's "# Heading" is an h2, and so on.
  const tag = /^h[1-6]$/.test(token.tag) ? `h${Math.min(6, Number(token.tag.slice(1)) + 1)}` : token.tag;
  if (token.hidden || !TAGS.has(tag)) return { tag: null, props: {} };
  if (tag === "a") {
    const href = String(token.attrGet("href") ?? "");
    if (!SAFE_LINK.test(href.trim())) return { tag: null, props: {} };
    const title = token.attrGet("title");
    return { tag, props: { href, rel: "noopener noreferrer nofollow", ...(title ? { title: String(title) } : {}) } };
  }
  if (tag === "ol") {
    const start = Number(token.attrGet("start"));
    return { tag, props: Number.isInteger(start) ? { start } : {} };
  }
  if (tag === "th" || tag === "td") {
    // markdown-it aligns cells with a style attribute, which the CSP refuses: a class instead.
    const align = /text-align:(left|center|right)/.exec(String(token.attrGet("style") ?? ""))?.[1];
    return { tag, props: { className: align ? `md-cell align-${align}` : "md-cell" } };
  }
  return { tag, props: {} };
}

/** A leaf token (text, code, breaks, rules, images) as a node. */
function leaf(token: Token): ReactNode {
  switch (token.type) {
    case "text":
    case "html_inline":
    case "html_block":
      return token.content;
    case "softbreak":
      return "\n";
    case "hardbreak":
      return createElement("br");
    case "hr":
      return createElement("hr");
    case "code_inline":
      return createElement("code", null, token.content);
    case "code_block":
    case "fence":
      return createElement("pre", null, createElement("code", null, token.content));
    case "image": {
      const src = String(token.attrGet("src") ?? "");
      const label = `Image: ${token.content || src}`;
      return SAFE_LINK.test(src)
        ? createElement("a", { href: src, rel: "noopener noreferrer nofollow" }, label)
        : label;
    }
    default:
      return token.content || null;
  }
}

// Children are passed to createElement one by one, never as an array: no keys are needed.
function render(tokens: Token[]): ReactNode[] {
  const root: ReactNode[] = [];
  const stack: Open[] = [];
  const append = (...nodes: ReactNode[]) => (stack.at(-1)?.children ?? root).push(...nodes);
  for (const token of tokens) {
    if (token.nesting === 1) {
      stack.push({ ...opening(token), children: [] });
    } else if (token.nesting === -1) {
      const open = stack.pop();
      if (!open) continue;
      if (open.tag === null) append(...open.children);
      else append(createElement(open.tag, open.props, ...open.children));
    } else if (token.type === "inline") {
      append(...render(token.children ?? []));
    } else {
      append(leaf(token));
    }
  }
  return root;
}

/** Markdown `source` rendered as elements (memoised: the editor's preview re-renders on every keystroke). */
export const Markdown = memo(function Markdown({ source }: { source: string }) {
  return <div className="markdown">{createElement(Fragment, null, ...render(md.parse(source, {})))}</div>;
});
