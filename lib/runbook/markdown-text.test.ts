import type { Blockquote, Heading, List, Paragraph, Root, Table } from "mdast";
import remarkGfm from "remark-gfm";
import remarkParse from "remark-parse";
import { unified } from "unified";
import { describe, expect, it } from "vitest";
import { escapeInline, quoteBlock, readInline, readQuote } from "./markdown-text";

const parse = (markdown: string) => unified().use(remarkParse).use(remarkGfm).parse(markdown) as Root;

function inHeading(text: string): string {
  const root = parse(`## ${escapeInline(text, { heading: true })}\n`);
  expect(root.children).toHaveLength(1);
  return readInline((root.children[0] as Heading).children);
}

function inTaskItem(text: string): string {
  const root = parse(`- [x] ${escapeInline(text)}\n`);
  const item = (root.children[0] as List).children[0]!;
  expect(item.checked).toBe(true);
  expect(item.children).toHaveLength(1);
  return readInline((item.children[0] as Paragraph).children);
}

function inCell(text: string): string {
  const root = parse(`| a | b |\n|---|---|\n| ${escapeInline(text, { cell: true })} | x |\n`);
  const table = root.children[0] as Table;
  const row = table.children[1]!;
  expect(row.children).toHaveLength(2);
  return readInline(row.children[0]!.children);
}

/** The note of an item at `depth` (0: top level), written as the export writes it. */
function inQuote(text: string, depth: number): string {
  const lines = Array.from({ length: depth + 1 }, (_, d) => `${"  ".repeat(d)}- [ ] item ${d}`);
  const markdown = `${lines.join("\n")}\n${quoteBlock(text, "  ".repeat(depth + 1))}\n`;
  const root = parse(markdown);
  let item = (root.children[0] as List).children[0]!;
  for (let d = 0; d < depth; d++) item = (item.children[1] as List).children[0]!;
  const quote = item.children.find((n): n is Blockquote => n.type === "blockquote");
  expect(quote, markdown).toBeDefined();
  expect(item.children).toHaveLength(2);
  return readQuote(quote!, markdown);
}

// Pieces that Markdown reads as syntax somewhere, and plain ones.
const PIECES = [
  "a", "Z", "9", "é", "🚀", " ", "  ", "\t", "\n", "error_rate", "_", "__", "*", "**", "`", "```", "~", "~~", "[", "]", "[x]", "[ ]",
  "(", ")", "](http://x.y)", "!", "<", ">", "<br>", "<b>", "</b>", "<!--", "-->", "&", "&amp;", "&#35;", "#", "##", "\\", "\\*",
  "|", "-", "---", "+", "=", "===", "1.", "2)", "10.", ":", "http://example.com/a_b", "www.example.com", "a@b.co", "T-24h", "> 1%",
  "< 0.5", "p95", "@sam", "#ops", "$", "%", "^", "[^1]", "{", "}", "'", '"', ".", ",", "\u00a0",
];

let seed = 7;
function random(): number {
  seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
  return seed / 2 ** 31;
}
function randomText(maxPieces: number): string {
  const n = 1 + Math.floor(random() * maxPieces);
  return Array.from({ length: n }, () => PIECES[Math.floor(random() * PIECES.length)]).join("");
}

describe("escapeInline / readInline", () => {
  it.each([
    ["a plain line", "Backups verified", "Backups verified"],
    ["a metric key and a comparison", "error_rate < 0.5%", "error_rate < 0.5%"],
    ["emphasis-like text", "*not bold* and _not italic_", "\\*not bold\\* and \\_not italic\\_"],
    ["a task-like start", "[x] done?", "\\[x\\] done?"],
    ["a list-like start (never at a block start: after the item's checkbox)", "- item", "- item"],
    ["numbers and comparisons", "1. p95 < 0.5 and > 2", "1. p95 < 0.5 and > 2"],
    ["an HTML tag", "use <b> here", "use \\<b> here"],
    ["an entity", "R&D &amp; ops", "R&D \\&amp; ops"],
    ["a web address", "see https://x.io and www.x.io", "see https\\://x.io and www\\.x.io"],
    ["a line break", "two\nlines", "two<br>lines"],
    ["edge whitespace", " padded\t", "&#32;padded&#9;"],
  ])("writes %s readably", (_what, text, written) => {
    expect(escapeInline(text)).toBe(written);
  });

  it("escapes pipes only in table cells, and closing hashes only in headings", () => {
    expect(escapeInline("a | b")).toBe("a | b");
    expect(escapeInline("a | b", { cell: true })).toBe("a \\| b");
    expect(escapeInline("#ops channel #")).toBe("#ops channel #");
    expect(escapeInline("#ops channel #", { heading: true })).toBe("#ops channel \\#");
  });

  it("reads back exactly what it wrote, in a heading, a task item and a table cell", () => {
    for (let run = 0; run < 1500; run++) {
      const text = randomText(12);
      expect(inHeading(text), JSON.stringify(text)).toBe(text);
      expect(inTaskItem(text), JSON.stringify(text)).toBe(text);
      expect(inCell(text), JSON.stringify(text)).toBe(text);
    }
  });
});

describe("quoteBlock / readQuote", () => {
  it("keeps any Markdown inside the note as the note's text", () => {
    const note = "First line\n\n- [ ] not an item\n## not a heading\n```sh\n./run.sh\n```\n    indented\n> quoted\n\ntrailing blank lines\n\n";
    expect(inQuote(note, 0)).toBe(note);
    expect(inQuote(note, 2)).toBe(note);
  });

  it("never writes raw HTML from a note, and still reads the note back exactly", () => {
    const note = "<script>alert(1)</script>\n<img src=x onerror=alert(1)>\n<!-- c -->\na < b && c &lt; d &amp; e";
    const written = quoteBlock(note);
    expect(written).not.toMatch(/<[A-Za-z/!?]/);
    expect(inQuote(note, 0)).toBe(note);
    expect(inQuote(note, 1)).toBe(note);
  });

  it("reads back random notes exactly", () => {
    for (let run = 0; run < 500; run++) {
      const text = randomText(30);
      // A note is stored as written; only its first line must carry text for a blockquote to exist at all.
      const note = `x${text}`;
      expect(inQuote(note, run % 3), JSON.stringify(note)).toBe(note);
    }
  });
});
