import type { Blockquote, PhrasingContent } from "mdast";
import { inlineText } from "./parse-text";

// Writing text into Markdown so that remark reads it back unchanged, and reading it back: the exported runbook
// (export-markdown.ts) must re-import to the same runbook (read-export.ts), whatever its texts contain.
//
// - Inline text (a heading, a list item's line, a table cell) is escaped only where Markdown would otherwise
//   read syntax, so the file stays readable: "error_rate < 0.5%" is written as is, "*bold*" as "\*bold\*".
//   Line breaks inside a text become `<br>` (a heading, an item line and a cell are one line each); a literal
//   "<br>" in the text is escaped, so the two never mix.
// - Block text (notes, the description) is written as a blockquote, verbatim after "> ", and read back by
//   slicing the source: whatever Markdown it holds (code, lists, headings) stays the note's own.

const ALNUM = /[\p{L}\p{N}]/u;

type EscapeOptions = { cell?: boolean; heading?: boolean };

/**
 * `text` as inline Markdown that reads back as exactly `text` (see readInline). Every place the export writes
 * text is inline: after "## ", inside a table cell, or after an item's "[ ] " (so "- " or "1. " at the start of a
 * text can never open a block there).
 */
export function escapeInline(text: string, opts: EscapeOptions = {}): string {
  const out = text.split("\n").map((segment) => escapeSegment(segment, opts));
  const joined = out.join("<br>");
  return encodeEdgeWhitespace(joined);
}

function escapeSegment(text: string, opts: EscapeOptions): string {
  let out = "";
  const chars = [...text];
  chars.forEach((char, i) => {
    const code = char.codePointAt(0) ?? 0;
    if (code < 0x20 && char !== "\t") {
      out += `&#${code};`;
      return;
    }
    if (needsEscape(chars, i, opts)) out += "\\";
    out += char;
  });
  return out;
}

function needsEscape(chars: string[], i: number, opts: EscapeOptions): boolean {
  const char = chars[i];
  const before = chars[i - 1];
  const after = chars[i + 1];
  const ahead = (n: number) => chars.slice(i + 1, i + 1 + n).join("");
  switch (char) {
    case "\\":
    case "`":
    case "*":
    case "~":
    case "[":
    case "]":
      return true;
    case "|":
      return Boolean(opts.cell);
    case "_":
      // An underscore between letters or digits never starts or ends emphasis ("error_rate").
      return !(before !== undefined && after !== undefined && ALNUM.test(before) && ALNUM.test(after));
    case "<":
      // Only "<" followed by a letter, "/", "!" or "?" can open HTML or an autolink.
      return after !== undefined && /[A-Za-z/!?]/.test(after);
    case "&":
      // Only "&name;", "&#123;" or "&#x1F;" is a character reference.
      return /^(?:#\d{1,7}|#[xX][\dA-Fa-f]{1,6}|[A-Za-z][A-Za-z\d]{0,31});/.test(ahead(40));
    case ":":
      // "https://…" would become an autolink whose text keeps the escapes after it.
      return ahead(2) === "//";
    case ".":
      // So would "www.…".
      return /(?:^|[^\p{L}\p{N}])www$/iu.test(chars.slice(Math.max(0, i - 4), i).join(""));
    case "#":
      // A heading's closing sequence ("Title ##") would be dropped.
      return Boolean(opts.heading) && chars.slice(i).every((c) => c === "#");
    default:
      return false;
  }
}

/** Leading and trailing whitespace would be trimmed away: write it as character references. */
function encodeEdgeWhitespace(text: string): string {
  const lead = text.match(/^[ \t]+/)?.[0] ?? "";
  const rest = text.slice(lead.length);
  const trail = rest.match(/[ \t]+$/)?.[0] ?? "";
  const middle = rest.slice(0, rest.length - trail.length);
  const encode = (ws: string) => [...ws].map((c) => `&#${c.codePointAt(0)};`).join("");
  return encode(lead) + middle + encode(trail);
}

const BR = /^<br\s*\/?>$/i;

/** The text of inline content written by escapeInline: `<br>` is a line break, everything else as inlineText. */
export function readInline(nodes: readonly PhrasingContent[]): string {
  return nodes.map((node) => (node.type === "html" && BR.test(node.value) ? "\n" : inlineText([node]))).join("");
}

// Raw HTML in a note or the description must not reach the Markdown as HTML (a viewer that renders it would run
// it): a "<" that could open a tag, comment or directive is written as "&lt;", and an "&" that would otherwise
// read back as one of the two entities decodeQuoted knows is written as "&amp;", so the text reads back exactly.
const encodeQuoted = (text: string) => text.replace(/&(?=(?:lt|amp);)/g, "&amp;").replace(/<(?=[A-Za-z/!?])/g, "&lt;");
const decodeQuoted = (text: string) => text.replace(/&(lt|amp);/g, (_m, name: string) => (name === "lt" ? "<" : "&"));

/** `text` as a blockquote, every line prefixed (`indent` is the list item's content indentation); HTML escaped. */
export function quoteBlock(text: string, indent = ""): string {
  return encodeQuoted(text)
    .split("\n")
    .map((line) => (line.length > 0 ? `${indent}> ${line}` : `${indent}>`))
    .join("\n");
}

/** The text of a blockquote written by quoteBlock, sliced from the source. */
export function readQuote(node: Blockquote, source: string): string {
  const start = node.position?.start.offset;
  const end = node.position?.end.offset;
  if (start === undefined || end === undefined) return "";
  return decodeQuoted(
    source
      .slice(start, end)
      .split("\n")
      .map((line) => line.replace(/^[ \t]*> ?/, ""))
      .join("\n"),
  );
}

