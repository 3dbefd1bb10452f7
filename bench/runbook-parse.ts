import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import remarkGfm from "remark-gfm";
import remarkParse from "remark-parse";
import { unified } from "unified";
import { parseRunbookMarkdown } from "@/lib/runbook/parse-markdown";

// Parsing a 100 KB runbook: the whole import read (remark, outline, classifiers, plan → draft) against the
// baseline of remark's parse alone. The document is the project's own fixtures, repeated to 100 KB, so every
// classifier has work to do. In process, no worker thread: the figure is the parse, not the thread start.

export type RunbookParseResult = { bytes: number; elements: number; runs: number; remarkMedianMs: number; parseMedianMs: number; parseMaxMs: number };

const FIXTURES = path.join(process.cwd(), "lib/runbook/fixtures");

function hundredKilobytes(): string {
  const files = [...readdirSync(FIXTURES).map((f) => path.join(FIXTURES, f)), ...readdirSync(path.join(FIXTURES, "shapes")).map((f) => path.join(FIXTURES, "shapes", f))].filter((f) => f.endsWith(".md"));
  const base = files.map((f) => readFileSync(f, "utf8")).join("\n\n");
  let doc = base;
  while (doc.length < 100 * 1024) doc += `\n\n${base}`;
  return doc.slice(0, 100 * 1024);
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;

export function measureRunbookParse(runs = 7): RunbookParseResult {
  const doc = hundredKilobytes();
  parseRunbookMarkdown(doc); // warm-up
  const remark: number[] = [];
  const full: number[] = [];
  let elements = 0;
  for (let i = 0; i < runs; i++) {
    let start = performance.now();
    unified().use(remarkParse).use(remarkGfm).parse(doc);
    remark.push(performance.now() - start);
    start = performance.now();
    elements = parseRunbookMarkdown(doc).plan.elements.length;
    full.push(performance.now() - start);
  }
  return { bytes: Buffer.byteLength(doc), elements, runs, remarkMedianMs: median(remark), parseMedianMs: median(full), parseMaxMs: Math.max(...full) };
}
