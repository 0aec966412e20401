/**
 * Bounds on how deeply JSON and YAML input may nest, checked on the text before anything
 * walks it recursively (Zod, the services, JSON.stringify in a log line): 400,000 nested
 * arrays made those overflow the stack and answer 500 "Maximum call stack size exceeded".
 */
import { CST, Lexer } from "yaml";
import { AppError } from "./app-error.js";

/** MAX_INPUT_DEPTH's default, also the bound of YAML read outside a request (atomics files). */
export const DEFAULT_MAX_INPUT_DEPTH = 64;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_ARRAY = 0x5b;
const OPEN_OBJECT = 0x7b;
const CLOSE_ARRAY = 0x5d;
const CLOSE_OBJECT = 0x7d;

/** True when the JSON text nests arrays and objects more than `max` levels deep (strings aside). */
export function jsonNestsDeeperThan(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inString = false;
    } else if (c === QUOTE) {
      inString = true;
    } else if (c === OPEN_ARRAY || c === OPEN_OBJECT) {
      if (++depth > max) return true;
    } else if (c === CLOSE_ARRAY || c === CLOSE_OBJECT) {
      depth--;
    }
  }
  return false;
}

/** The error for input nested past the bound: a client mistake, never an internal message. */
export function tooDeep(max: number, field: string | null = null): AppError {
  return new AppError("VALIDATION", `The input nests arrays and objects more than ${max} levels deep`, field);
}

/** Throws VALIDATION when the JSON text nests deeper than `max`. */
export function assertJsonDepth(text: string, max: number, field: string | null = null): void {
  if (jsonNestsDeeperThan(text, max)) throw tooDeep(max, field);
}

/** How deep the YAML being lexed nests: flow brackets, plus block levels from indentation and `-`/`?` indicators. */
class YamlDepthGauge {
  private flow = 0;
  private indents: number[] = [];
  private lineIndent = 0;
  private lineHasContent = false;
  private indicatorsOnLine = 0;

  newLine(): void {
    this.lineIndent = 0;
    this.lineHasContent = false;
    this.indicatorsOnLine = 0;
  }

  space(width: number): void {
    if (!this.lineHasContent) this.lineIndent = width;
  }

  content(): void {
    if (this.lineHasContent) return;
    this.lineHasContent = true;
    // Inside brackets, line breaks and indentation carry no structure.
    if (this.flow > 0) return;
    while (this.indents.length > 0 && (this.indents.at(-1) ?? 0) >= this.lineIndent) this.indents.pop();
    this.indents.push(this.lineIndent);
  }

  indicator(): void {
    this.content();
    if (this.flow === 0) this.indicatorsOnLine++;
  }

  open(): void {
    this.content();
    this.flow++;
  }

  close(): void {
    this.flow = Math.max(0, this.flow - 1);
  }

  newDocument(): void {
    this.indents = [];
    this.flow = 0;
  }

  /** An upper bound of the current depth (compact `- - x` counts one level too many). */
  get depth(): number {
    return this.indents.length + this.indicatorsOnLine + this.flow;
  }
}

/**
 * True when the YAML text nests collections (block or flow) more than `max` levels deep. It
 * reads yaml's lexer, which runs without recursion in linear time, and stops at the first
 * level too deep; yaml's parser and composer recurse (and slow down) with the depth.
 */
export function yamlNestsDeeperThan(text: string, max: number): boolean {
  const gauge = new YamlDepthGauge();
  let scalarSource = false;
  for (const token of new Lexer().lex(text)) {
    if (scalarSource) {
      // The source of a scalar (a block scalar's lines included): content, whatever it holds.
      scalarSource = false;
      gauge.content();
      if (token.endsWith("\n")) gauge.newLine();
      continue;
    }
    switch (CST.tokenType(token)) {
      case "scalar":
        scalarSource = true;
        break;
      case "newline":
        gauge.newLine();
        break;
      case "space":
        gauge.space(token.length);
        break;
      case "comment":
      case "doc-mode":
        break;
      case "doc-start":
        gauge.newDocument();
        break;
      case "flow-seq-start":
      case "flow-map-start":
        gauge.open();
        break;
      case "flow-seq-end":
      case "flow-map-end":
        gauge.close();
        break;
      case "seq-item-ind":
      case "explicit-key-ind":
        gauge.indicator();
        break;
      default:
        gauge.content();
    }
    if (gauge.depth > max) return true;
  }
  return false;
}

/** Throws VALIDATION (on `field`) when the YAML text nests deeper than `max`. */
export function assertYamlDepth(text: string, max: number, field: string | null = null): void {
  if (yamlNestsDeeperThan(text, max)) throw tooDeep(max, field);
}
